/**
 * Colour on vs NO_COLOR. Ink's chalk decides at import whether it may colour (tests run without a
 * TTY), so FORCE_COLOR is set before any import: the coloured render must then contain escape codes,
 * which makes the NO_COLOR assertion (none at all) meaningful.
 */
import { afterEach, expect, test, vi } from 'vitest';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { styleText } from 'node:util';
import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import type { CoderState } from '../../src/core/coder.js';
import { stateStyle } from '../../src/cli/format.js';
import { colorEnabled, makeTheme, STATE_SYMBOLS } from '../../src/tui/theme.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { KEY, frame, has, press, renderApp } from './render.js';

afterEach(() => cleanup());

function client(): MemoryClient {
  const c = new MemoryClient();
  c.add({ id: 'e0000001', name: 'failing', state: 'failed', error: 'exit 1' });
  c.add({ id: 'e0000002', name: 'running', state: 'running' });
  c.appendLogs('e0000002', ['out'], { stream: 'stdout' });
  c.appendLogs('e0000002', ['err'], { stream: 'stderr' });
  c.diffs.set('e0000002', '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n');
  return c;
}

test('NO_COLOR is read from the environment (non-empty value), and TERM=dumb', () => {
  expect(colorEnabled({})).toBe(true);
  expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
  expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
  expect(colorEnabled({ TERM: 'dumb' })).toBe(false);
});

test('with colour, states, errors and diffs are coloured', async () => {
  const r = renderApp(client(), { color: true });
  const f = await frame(r, has('err'), 'logs');
  expect(f).toContain('\x1b[32m● running'); // state colour
  press(r, 'd');
  const d = await frame(r, has('+b'), 'diff');
  expect(d).toContain('\x1b[32m+b');
  expect(d).toContain('\x1b[31m-a');
});

test('NO_COLOR: no escape codes at all, in every view', async () => {
  const r = renderApp(client(), { color: false });
  const frames: string[] = [];
  frames.push(await frame(r, has('err'), 'main'));
  const main = (f: string): boolean => f.includes('Coders 2') && f.includes('? help');
  for (const [key, what] of [
    ['d', has('+b')],
    [KEY.esc, main],
    ['?', has('Help')],
    [KEY.esc, main],
    ['n', has('New coder')],
    [KEY.esc, main],
    ['/', has('filter (text or state)')],
    [KEY.esc, main],
    ['p', has('paused e0000002')],
    ['p', has('error: pause')],
  ] as const) {
    press(r, key);
    frames.push(await frame(r, what, String(key)));
  }
  for (const f of frames) expect(f).not.toContain('\x1b');
  for (const f of r.frames) expect(f).not.toContain('\x1b');
});

test('each state has the same colour in the TUI as in the CLI tables (one palette)', () => {
  const theme = makeTheme(true);
  for (const s of Object.keys(STATE_SYMBOLS) as CoderState[]) {
    const tui = render(<Text {...theme.state(s)}>x</Text>).lastFrame() ?? '';
    const cliText = styleText(stateStyle(s), 'x', { validateStream: false });
    expect(tui.slice(0, tui.indexOf('x')), s).toBe(cliText.slice(0, cliText.indexOf('x')));
    expect(tui.indexOf('x'), `${s} is coloured`).toBeGreaterThan(0);
  }
});
