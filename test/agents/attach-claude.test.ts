/**
 * `aicoder attach` on the real Claude Code (the shipped provider's attach_command,
 * `claude --resume=<session>` interactive) in a pseudo-terminal (node-pty), against the scripted
 * model server: a person types a prompt into Claude's own UI, the agent writes a file in the coder's
 * worktree, the person quits with /exit, and the coder is handed back with the new turn recorded.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { FAKE_KEYS } from '../fixtures/agent-env.js';
import { modelServerForTest, startAgentDaemon } from '../helpers/agent-daemon.js';
import { BIN, cli, cliJson } from '../helpers/daemon.js';
import { ANSI, spawnPty, type Pty } from '../helpers/pty.js';
import { cleanupTemp, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { createScreen, type Screen } from '../helpers/screen.js';

const TAG = 'ATTACH-CLAUDE-7f3';

let term: Pty | undefined;
let termExited = false;

afterEach(() => {
  if (term && !termExited) {
    // The attach's own process group (aicoder and the agent's UI under it).
    try {
      process.kill(-term.pid, 'SIGKILL');
    } catch {
      term.kill('SIGKILL');
    }
  }
  term = undefined;
  emulated?.dispose();
  emulated = undefined;
  termExited = false;
  // The daemon and the model server end after this, when the test finishes (helpers/agent-daemon.ts).
});
afterAll(cleanupTemp);

/** Claude Code's first-start dialogs (onboarding, API key, folder trust) answered in its config. */
function skipDialogs(configFile: string, workspace: string): void {
  const cfg = existsSync(configFile)
    ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>)
    : {};
  const projects = (cfg.projects ?? {}) as Record<string, Record<string, unknown>>;
  projects[workspace] = {
    ...projects[workspace],
    hasTrustDialogAccepted: true,
    hasCompletedProjectOnboarding: true,
  };
  Object.assign(cfg, {
    hasCompletedOnboarding: true,
    theme: 'dark',
    customApiKeyResponses: { approved: [FAKE_KEYS.anthropic.slice(-20)], rejected: [] },
    projects,
  });
  writeFileSync(configFile, JSON.stringify(cfg));
}

/**
 * What the terminal showed since `from`, control sequences and whitespace removed: Claude Code's UI
 * draws spaces as cursor moves, so only the characters are compared.
 */
let raw = '';
const screen = (from = 0): string => raw.slice(from).replace(ANSI, '').replace(/\s+/g, '');
/** The same output through a terminal emulator: Claude Code redraws only the cells that changed. */
let emulated: Screen | undefined;
const shown = (): string => (emulated?.text() ?? '').replace(/\s+/g, '');

async function shows(text: string, what: string, from = 0): Promise<void> {
  const want = text.replace(/\s+/g, '');
  try {
    await waitFor(() => screen(from).includes(want) || shown().includes(want), { what, timeoutMs: 60_000 });
  } catch (e) {
    throw new Error(`${(e as Error).message}\nscreen:\n${emulated?.text().slice(-4000) ?? ''}`);
  }
}

test(
  'real claude: a person attaches, types a prompt, the agent writes a file, /exit hands the coder back',
  async () => {
    const server = await modelServerForTest({
      script: [
        {
          when: TAG,
          steps: [
            { text: 'First turn done.' },
            { tool: 'write_file', path: 'by-person.txt', content: 'asked by a person\n' },
            { text: 'Second turn done: wrote by-person.txt' },
            { text: 'Third turn done.' },
          ],
        },
      ],
    });
    const { h } = await startAgentDaemon(
      { claude: server.url },
      { config: { default_provider: 'claude' } },
      tempDir('aicoder-attach-claude-'),
    );
    const repo = makeRepo();

    const c = await cliJson<Coder>(h, ['create', `say hello ${TAG}`, '--wait'], { cwd: repo });
    expect(c.state).toBe('completed');
    expect(c.stats.last_message).toBe('First turn done.');
    for (const f of [join(h.env.CLAUDE_CONFIG_DIR!, '.claude.json'), join(h.userHome, '.claude.json')]) {
      skipDialogs(f, c.workspace);
    }

    raw = '';
    emulated = createScreen(140, 40);
    term = spawnPty(process.execPath, [BIN, 'attach', c.id], {
      name: 'xterm-256color',
      cols: 140,
      rows: 40,
      cwd: repo,
      env: { ...h.env, TERM: 'xterm-256color' },
    });
    term.onData((chunk) => {
      raw += chunk;
      emulated?.write(chunk);
    });
    const exited = new Promise<number>((resolve) =>
      term!.onExit((e) => {
        termExited = true;
        resolve(e.exitCode);
      }),
    );
    await shows('❯', "Claude Code's prompt");
    expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('attached');

    let mark = raw.length;
    term.write('please write the file');
    await shows('please write the file', 'the typed prompt echoed', mark);
    term.write('\r');
    await shows('Second turn done', "the agent's answer to the person", mark);
    expect(readFileSync(join(c.workspace, 'by-person.txt'), 'utf8')).toBe('asked by a person\n');

    mark = raw.length;
    term.write('/exit');
    await shows('/exit', 'the typed /exit echoed', mark);
    term.write('\r');
    expect(await exited).toBe(0);
    expect(screen(mark)).toContain(`coder${c.id}iscompletedagain(fileschanged:1)`);

    // The person's turn went to the model inside the coder's session (the first turn's history).
    const turns = server.mainRequests('anthropic').filter((r) => r.first_user_text.includes(TAG));
    expect(turns.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(turns.at(-1)?.body)).toContain('please write the file');
    const back = await cliJson<Coder>(h, ['status', c.id]);
    expect(back.state).toBe('completed');
    expect(back.stats.files_changed).toBe(1);
    // The person's turns are counted from the session's transcript: the tool call and the answer.
    expect(back.stats.turns).toBe(c.stats.turns + 2);
    expect(back.stats.tokens_out).toBeGreaterThan(c.stats.tokens_out);
    expect(back.stats.last_message).toBe('Second turn done: wrote by-person.txt');
    expect(await cli(h, ['logs', c.id, '--kind', 'attach'])).toContain(
      'attach ended: the person quit the agent',
    );
  },
  scaled(240_000),
);
