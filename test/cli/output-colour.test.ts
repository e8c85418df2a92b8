/**
 * The CLI's colours (src/cli/output.ts, through node:util styleText): SGR codes only when stdout is a
 * terminal and NO_COLOR is unset, whatever styleText would decide from its own stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOutput } from '../../src/cli/output.js';

const was = { out: process.stdout.isTTY, err: process.stderr.isTTY };
afterEach(() => {
  process.stdout.isTTY = was.out;
  process.stderr.isTTY = was.err;
});

describe('CLI colour', () => {
  it('paints with SGR codes on a terminal (stdout a TTY, stderr not)', () => {
    process.stdout.isTTY = true;
    process.stderr.isTTY = false;
    const o = createOutput({});
    expect(o.color).toBe(true);
    expect(o.paint('red', 'failed')).toBe('\x1b[31mfailed\x1b[39m');
    expect(o.paint('bold', 'ID')).toBe('\x1b[1mID\x1b[22m');
    expect(o.paint('gray', '-')).toBe('\x1b[90m-\x1b[39m');
    expect(o.paint(undefined, 'plain')).toBe('plain');
  });

  it('no codes with NO_COLOR, or when stdout is not a terminal', () => {
    process.stdout.isTTY = true;
    expect(createOutput({ NO_COLOR: '1' }).paint('red', 'x')).toBe('x');
    process.stdout.isTTY = false;
    const o = createOutput({});
    expect(o.color).toBe(false);
    expect(o.paint('red', 'x')).toBe('x');
  });
});
