/**
 * `aicoder attach` on the real Claude Code (the shipped provider's attach_command,
 * `claude --resume=<session>` interactive) in a real terminal (tmux, its own -L socket), against the
 * scripted model server: a person types a prompt into Claude's own UI, the agent writes a file in
 * the coder's worktree, the person quits with /exit, and the coder is handed back.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, expect, test } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { BIN_DIR, FAKE_KEYS, claudeEnv } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server/index.js';
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
import { cleanupTemp, makeRepo, tempDir, waitFor } from '../helpers/env.js';

const run = promisify(execFile);
const TAG = 'ATTACH-CLAUDE-7f3';

let server: ModelServer | undefined;
let h: TestHome | undefined;
let d: RunningDaemon | undefined;
let socket: string | undefined;

afterEach(async () => {
  if (socket) {
    await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
    // kill-server leaves its socket file behind.
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {
      force: true,
    });
  }
  socket = undefined;
  if (h) await cleanupHome(h, d);
  await server?.close();
  h = undefined;
  d = undefined;
  server = undefined;
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

async function pane(sock: string): Promise<string> {
  const { stdout } = await run('tmux', ['-L', sock, 'capture-pane', '-p', '-J', '-S', '-300', '-t', 'a']);
  return stdout;
}

async function paneShows(sock: string, text: string, what: string): Promise<string> {
  let last = '';
  try {
    await waitFor(
      async () => {
        last = await pane(sock);
        return last.includes(text);
      },
      { what, timeoutMs: 60_000 },
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\npane:\n${last}`);
  }
  return last;
}

test('real claude: a person attaches, types a prompt, the agent writes a file, /exit hands the coder back', async () => {
  server = await startModelServer({
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
  const env = claudeEnv({ serverUrl: server.url, dir: tempDir('aicoder-attach-claude-') });
  h = await makeHome({ config: { default_provider: 'claude' } });
  const { HOME: _home, ...rest } = env.env;
  Object.assign(h.env, rest);
  h.env.PATH = `${BIN_DIR}:${h.env.PATH ?? '/usr/bin:/bin'}`;
  d = await startDaemon(h);
  const repo = makeRepo();

  const c = await cliJson<Coder>(h, ['create', `say hello ${TAG}`, '--wait'], { cwd: repo });
  expect(c.state).toBe('completed');
  expect(c.stats.last_message).toBe('First turn done.');
  for (const f of [join(rest.CLAUDE_CONFIG_DIR!, '.claude.json'), join(h.userHome, '.claude.json')]) {
    skipDialogs(f, c.workspace);
  }

  socket = `aicoder-attach-claude-${process.pid}`;
  const argv = ['bash', '-c', '"$@"; echo "EXIT=$?"; read -r _', '_', process.execPath, BIN, 'attach', c.id];
  await run(
    'tmux',
    [
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'a',
      '-x',
      '140',
      '-y',
      '40',
      '-c',
      repo,
      ...argv,
    ],
    {
      env: { ...h.env, TERM: 'xterm-256color' },
    },
  );
  const sock = socket;
  await paneShows(sock, '❯', "Claude Code's prompt");
  expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('attached');

  await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', '-l', 'please write the file']);
  await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', 'Enter']);
  await paneShows(sock, 'Second turn done', "the agent's answer to the person");
  expect(readFileSync(join(c.workspace, 'by-person.txt'), 'utf8')).toBe('asked by a person\n');

  await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', '-l', '/exit']);
  await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', 'Enter']);
  const end = await paneShows(sock, 'EXIT=', 'claude to quit');
  expect(end).toContain(`coder ${c.id} is completed again (files changed: 1)`);

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
}, 240_000);
