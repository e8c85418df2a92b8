/** Human output on a real pseudo-terminal: colour only on a TTY without NO_COLOR, a progress line for wait. */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import {
  BIN,
  cleanupHome,
  cli,
  cliJson,
  makeHome,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';

interface Pty {
  onData(fn: (d: string) => void): void;
  onExit(fn: (e: { exitCode: number }) => void): void;
  write(data: string): void;
}
const require = createRequire(import.meta.url);
const pty = require('node-pty') as {
  spawn(
    file: string,
    args: string[],
    opts: { cols: number; rows: number; cwd: string; env: Record<string, string> },
  ): Pty;
};

function inTerminal(
  h: TestHome,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    const p = pty.spawn(process.execPath, [BIN, ...args], {
      cols: 160,
      rows: 40,
      cwd: h.userHome,
      env: { ...h.env, ...env },
    });
    let text = '';
    p.onData((d) => (text += d));
    p.onExit((e) => resolve({ code: e.exitCode, text }));
  });
}

const ESC = '\u001b[';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

afterEach(async () => {
  if (h) await cleanupHome(h, d);
  h = undefined;
  d = undefined;
  cleanupTemp();
});

describe('terminal output', () => {
  it('colours tables on a TTY, never with NO_COLOR or when piped, and shows progress while waiting', async () => {
    h = await makeHome();
    d = await startDaemon(h);
    const repo = makeRepo();
    const c = await cliJson<Coder>(h, ['create', '--provider', 'lines', '12 0 0.4'], { cwd: repo });

    const waited = await inTerminal(h, ['wait', c.id]);
    expect(waited.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    const visible = waited.text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    expect(visible).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \w+ (queued|starting|running) · \d+s/);
    expect(waited.text).toContain(`coder ${c.id} completed (exit code 0)`);

    const coloured = await inTerminal(h, ['list']);
    expect(coloured.code).toBe(0);
    expect(coloured.text).toContain(`${ESC}36mcompleted`);
    expect(coloured.text).toContain(`${ESC}1mID`);

    const plain = await inTerminal(h, ['list'], { NO_COLOR: '1' });
    expect(plain.text).toMatch(/ID\s+NAME\s+PROVIDER\s+STATE/);
    expect(plain.text).not.toContain(ESC);

    const json = await inTerminal(h, ['wait', c.id, '--json']);
    expect(json.text).not.toContain(ESC);
    expect((JSON.parse(json.text) as Coder).state).toBe('completed');

    const piped = await cli(h, ['list']);
    expect(piped).not.toContain(ESC);
    expect(piped).toMatch(/completed/);
  });

  it('runs the TUI, which shows the coders and quits on q without stopping anything', async () => {
    h = await makeHome();
    const repo = makeRepo();
    // No daemon yet: the TUI starts it like any command.
    const c = await cliJson<Coder>(h, ['create', '--provider', 'stubborn', 'tick'], { cwd: repo });
    const p = pty.spawn(process.execPath, [BIN, 'tui'], { cols: 140, rows: 40, cwd: repo, env: h.env });
    let text = '';
    p.onData((d) => (text += d));
    const exited = new Promise<number>((resolve) => p.onExit((e) => resolve(e.exitCode)));
    await waitFor(() => text.includes(c.id), { what: 'the coder on screen' });
    p.write('q');
    expect(await exited).toBe(0);
    expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('running');
  });
});
