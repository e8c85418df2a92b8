/**
 * The TUI's attach key end to end: the real `aicoder tui` in a pseudo-terminal (node-pty) against a
 * real daemon (built code: run `npm run build` first). The coder is a fake Claude Code (read by the
 * real claude parser, so it has a session id); its provider's attach_command is a scripted interactive
 * program (test/fixtures/agents/fake-tui.mjs) that asks for a line and writes it to a file. `A`
 * suspends the TUI and hands the terminal over; typing reaches the program (not the TUI); when it
 * exits the TUI is back with fresh state, the coder no longer `attached`. A refused attach (a provider
 * without attach_command) is an error in the status line, and the TUI stays up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { BIN, cliJson, makeHome, startDaemon, type TestHome } from '../helpers/daemon.js';
import { ATTACH_PROVIDER, NO_ATTACH_PROVIDER } from '../fixtures/agents/attach-providers.js';
import { ANSI, spawnPty, type Pty } from '../helpers/pty.js';
import { scaled } from '../helpers/load.js';

let h: TestHome | undefined;
let term: Pty | undefined;

// The pty, home and daemon a test starts end when it finishes (test/helpers/pty.ts, daemon.ts).
afterEach(cleanupTemp);

test(
  'A in the TUI: the agent UI gets the terminal, typing reaches it, quitting it brings the TUI back with the coder handed back',
  async () => {
    h = await makeHome({
      providers: [ATTACH_PROVIDER, NO_ATTACH_PROVIDER],
      config: { default_provider: 'fakeclaude' },
    });
    await startDaemon(h);
    const repo = makeRepo();
    const refused = await cliJson<Coder>(h, ['create', '--provider', 'noattach', 'say hi', '--wait'], {
      cwd: repo,
      code: 0,
    });
    const c = await cliJson<Coder>(h, ['create', 'say hi', '--wait'], { cwd: repo, code: 0 });
    expect(c.state).toBe('completed');
    expect(c.session_id).toBe('fake-session-0001');

    term = spawnPty(process.execPath, [BIN, 'tui'], { cols: 120, rows: 30, cwd: repo, env: h.env });
    let raw = '';
    term.onData((chunk) => (raw += chunk));
    const exited = new Promise<number>((resolve) => term!.onExit((e) => resolve(e.exitCode)));
    const screen = (from = 0): string => raw.slice(from).replace(ANSI, '');
    const shows = async (text: string | RegExp, from: number, what: string): Promise<void> => {
      try {
        await waitFor(
          () => (typeof text === 'string' ? screen(from).includes(text) : text.test(screen(from))),
          {
            what,
            timeoutMs: 30_000,
          },
        );
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- screen ---\n${screen(from).slice(-3000)}`);
      }
    };
    // Newest first: the fakeclaude coder is selected.
    await shows(`> ${c.id}`, 0, 'the TUI with the coder selected');

    let mark = raw.length;
    term.write('A');
    await shows('type a line:', mark, 'the agent UI asking for a line');
    expect(screen(mark)).toContain(`attached to coder ${c.id} (fakeclaude, session fake-session-0001)`);
    expect(screen(mark)).toContain(`FAKE-TUI session=fake-session-0001 coder=${c.id} tty=true`);
    expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('attached');

    // Every key goes to the agent's UI now: a j (the TUI's "select next") is part of the line.
    mark = raw.length;
    term.write('just typed in the TUI\r');
    await shows('FAKE-TUI bye', mark, 'the agent UI to end');
    await shows(`coder ${c.id} is completed again (files changed: 1)`, mark, 'the TUI back with the outcome');
    await shows(`> ${c.id}`, mark, 'the coder selected again');
    expect(screen(mark)).toContain('Coders 2');
    expect(readFileSync(join(c.workspace, 'attached.txt'), 'utf8')).toBe('just typed in the TUI\n');
    const back = await cliJson<Coder>(h, ['status', c.id]);
    expect(back.state).toBe('completed');
    expect(back.stats.files_changed).toBe(1);

    // The TUI reads keys again: j selects the other coder; A there is refused in the status line.
    mark = raw.length;
    term.write('j');
    await shows(`> ${refused.id}`, mark, 'the other coder selected');
    mark = raw.length;
    term.write('A');
    await shows(`attach ${refused.id}: provider 'noattach' has no interactive UI`, mark, 'the refusal');
    expect((await cliJson<Coder>(h, ['status', refused.id])).state).toBe('completed');

    term.write('q');
    expect(await exited).toBe(0);
  },
  scaled(120_000),
);
