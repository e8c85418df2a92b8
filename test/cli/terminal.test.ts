/** Human output on a real pseudo-terminal: colour only on a TTY without NO_COLOR, a progress line for wait. */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import {
  BIN,
  cli,
  cliJson,
  makeHome,
  startDaemon,
  TEST_PROVIDERS,
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

/** Runs the CLI in a pseudo-terminal; `seen()` is the output so far, `done` its exit code and all output. */
function startInTerminal(
  h: TestHome,
  args: string[],
  env: Record<string, string> = {},
): { seen(): string; done: Promise<{ code: number; text: string }> } {
  let text = '';
  const done = new Promise<{ code: number; text: string }>((resolve) => {
    const p = pty.spawn(process.execPath, [BIN, ...args], {
      cols: 160,
      rows: 40,
      cwd: h.userHome,
      env: { ...h.env, ...env },
    });
    p.onData((d) => (text += d));
    p.onExit((e) => resolve({ code: e.exitCode, text }));
  });
  return { seen: () => text, done };
}

function inTerminal(
  h: TestHome,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; text: string }> {
  return startInTerminal(h, args, env).done;
}

/** A provider that runs until the file named by its task exists (the test decides when it ends). */
const GATED = {
  name: 'gated',
  description: 'waits for the file named by the task, then prints one line',
  command: ['bash', '-c', 'while [ ! -e "$1" ]; do sleep 0.05; done; echo released', '_', '{task}'],
  parser: 'text',
};

const ESC = '\u001b[';

let h: TestHome | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

describe('terminal output', () => {
  it('colours tables on a TTY, never with NO_COLOR or when piped, and shows progress while waiting', async () => {
    h = await makeHome({ providers: [...TEST_PROVIDERS, GATED] });
    await startDaemon(h);
    const repo = makeRepo();
    const gate = join(h.userHome, 'gate');
    const c = await cliJson<Coder>(h, ['create', '--provider', 'gated', gate], { cwd: repo });

    // The coder runs until the progress line has been seen, however slow the machine is.
    const waiting = startInTerminal(h, ['wait', c.id]);
    // eslint-disable-next-line no-control-regex
    const visible = (t: string): string => t.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    const spinner = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \w+ (queued|starting|running) · \d+s/;
    await waitFor(() => spinner.test(visible(waiting.seen())), { what: 'the progress line of wait' });
    writeFileSync(gate, '');
    const waited = await waiting.done;
    expect(waited.code).toBe(0);
    expect(visible(waited.text)).toMatch(spinner);
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
