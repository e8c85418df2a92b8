/** The tailer coalesces reads of a stream that keeps growing, and still delivers every line once, in order. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { LineBatch } from '../../src/process/line-buffer.js';
import { StreamTailer } from '../../src/process/tailer.js';
import { cleanupTemp, tempDir, waitFor } from '../helpers/env.js';

afterAll(cleanupTemp);

describe('StreamTailer', () => {
  it('reads a file written a line at a time, kicked after each write, in far fewer batches', async () => {
    const file = join(tempDir(), 'out.log');
    writeFileSync(file, '');
    const lines: string[] = [];
    let batches = 0;
    const tailer = new StreamTailer(
      file,
      0,
      (b: LineBatch) => {
        batches++;
        lines.push(...b.lines);
      },
      () => undefined,
    );
    const N = 300;
    // Writes in bursts of 30, each line kicked, with a turn of the event loop between bursts: kicks
    // that come while a read is in progress or waiting for its interval are one read, not one each.
    // (The count per burst is not asserted: how many reads fit between bursts depends on the load.)
    for (let i = 1; i <= N; i++) {
      appendFileSync(file, `line ${i}\n`);
      tailer.kick();
      if (i % 30 === 0) await tick();
    }
    expect(await tailer.drain()).toBe(true);
    await tailer.stop();
    expect(lines).toEqual(Array.from({ length: N }, (_, i) => `line ${i + 1}`));
    expect(batches).toBeLessThan(N / 3);
  });

  it('reads the first write after a quiet period at once', async () => {
    const file = join(tempDir(), 'out.log');
    writeFileSync(file, '');
    const lines: string[] = [];
    const tailer = new StreamTailer(
      file,
      0,
      (b: LineBatch) => lines.push(...b.lines),
      () => undefined,
    );
    appendFileSync(file, 'hello\n');
    tailer.kick();
    await waitFor(() => lines.length === 1, { timeoutMs: 10_000 });
    await tailer.stop();
    expect(lines).toEqual(['hello']);
  });
});
