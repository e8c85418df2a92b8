/**
 * End to end: the real `aicoder tui` in a pseudo-terminal (node-pty) against a real daemon (built
 * code: run `npm run build` first). A coder created with the CLI appears; p shows it paused and its
 * process is stopped (state T in /proc); q exits and the coder is still there, still paused.
 */
import { readFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { BIN, cliJson, makeHome, pidAlive, startDaemon, type TestHome } from '../helpers/daemon.js';
import { ANSI, spawnPty, type Pty } from '../helpers/pty.js';

let h: TestHome | undefined;
let term: Pty | undefined;

// The pty, home and daemon a test starts end when it finishes (test/helpers/pty.ts, daemon.ts).
afterEach(cleanupTemp);

/** The process state letter from /proc (T = stopped). */
function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

test('aicoder tui in a pty: a CLI-created coder appears, p pauses it (process stopped), q leaves it there', async () => {
  h = await makeHome();
  await startDaemon(h);
  const repo = makeRepo();

  term = spawnPty(process.execPath, [BIN, 'tui'], { cols: 120, rows: 30, cwd: repo, env: h.env });
  let raw = '';
  term.onData((chunk) => (raw += chunk));
  const exited = new Promise<number>((resolve) => term!.onExit((e) => resolve(e.exitCode)));
  const screen = (from = 0): string => raw.slice(from).replace(ANSI, '');
  await waitFor(() => screen().includes('Coders 0'), { what: 'the TUI on screen', timeoutMs: 20_000 });

  // Created with the CLI while the TUI runs: it arrives through the event stream.
  const c = await cliJson<Coder>(h, ['create', '--provider', 'stubborn', 'tick'], { cwd: repo });
  await waitFor(() => /● running/.test(screen()) && screen().includes(c.id), {
    what: 'the coder running on screen',
  });
  const running = await waitFor(
    async () => {
      const cur = await cliJson<Coder>(h!, ['status', c.id]);
      return cur.state === 'running' && cur.pid !== null ? cur : null;
    },
    { what: 'a pid' },
  );

  const mark = raw.length;
  term.write('p');
  await waitFor(() => screen(mark).includes('‖ paused'), { what: 'paused on screen' });
  expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('paused');
  expect(procState(running.pid!)).toBe('T');

  term.write('q');
  expect(await exited).toBe(0);
  const after = await cliJson<Coder>(h, ['status', c.id]);
  expect(after.state).toBe('paused');
  expect(pidAlive(running.pid!)).toBe(true);
  expect(procState(running.pid!)).toBe('T');
});
