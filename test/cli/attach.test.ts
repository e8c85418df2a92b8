/**
 * `aicoder attach` (docs/attach.md) in a real terminal: tmux (its own -L socket per test) runs the
 * real CLI against a real daemon; the coder is a fake Claude Code (test/fixtures/agents/fake-claude.mjs,
 * read by the real claude parser, so it has a session id) and the provider's attach_command is a small
 * interactive script (test/fixtures/agents/fake-tui.mjs) that asks for a line and writes it to a file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import {
  BIN,
  cleanupHome,
  cli,
  cliJson,
  makeHome,
  pidAlive,
  runCli,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { ATTACH_PROVIDER, NO_ATTACH_PROVIDER } from '../fixtures/agents/attach-providers.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

const run = promisify(execFile);

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
  h = undefined;
  d = undefined;
});
afterAll(cleanupTemp);

/** Starts `aicoder attach <id>` in a detached tmux session; the pane prints EXIT=<code> when it ends. */
async function attachInTmux(t: TestHome, id: string, cwd: string): Promise<string> {
  socket = `aicoder-attach-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const argv = ['bash', '-c', '"$@"; echo "EXIT=$?"; read -r _', '_', process.execPath, BIN, 'attach', id];
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
      '120',
      '-y',
      '30',
      '-c',
      cwd,
      ...argv,
    ],
    {
      env: { ...t.env, TERM: 'xterm-256color' },
    },
  );
  return socket;
}

async function pane(sock: string): Promise<string> {
  const { stdout } = await run('tmux', ['-L', sock, 'capture-pane', '-p', '-J', '-S', '-200', '-t', 'a']);
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
      { what, timeoutMs: 30_000 },
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\npane:\n${last}`);
  }
  return last;
}

async function home(): Promise<TestHome> {
  const t = await makeHome({
    providers: [ATTACH_PROVIDER, NO_ATTACH_PROVIDER],
    config: { default_provider: 'fakeclaude' },
  });
  d = await startDaemon(t);
  return t;
}

describe('aicoder attach', () => {
  test(
    'a person takes over an ended coder, types a line, quits; the coder is back with its files and `message` works',
    async () => {
      h = await home();
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', 'say hi', '--wait'], { cwd: repo, code: 0 });
      expect(c.state).toBe('completed');
      expect(c.session_id).toBe('fake-session-0001');

      const sock = await attachInTmux(h, c.id, repo);
      const shown = await paneShows(sock, 'type a line:', 'the agent UI asking for a line');
      expect(shown).toContain(`FAKE-TUI session=fake-session-0001 coder=${c.id} tty=true`);
      expect(shown).toContain(`FAKE-TUI cwd=${c.workspace}`);
      const attached = await cliJson<Coder>(h, ['status', c.id]);
      expect(attached.state).toBe('attached');
      expect(await cli(h, ['list'])).toContain('attached');
      // While attached, the daemon refuses what would fight the person for the session.
      const msg = await runCli(h, ['message', c.id, 'hello']);
      expect(msg.code).toBe(1);
      expect(msg.stderr).toContain('attached');

      await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', '-l', 'written by a person']);
      await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', 'Enter']);
      const end = await paneShows(sock, 'EXIT=', 'the attach to end');
      expect(end).toContain('FAKE-TUI bye');
      expect(end).toContain('EXIT=0');
      expect(end).toMatch(/coder \S+ is completed again \(files changed: 1\)/);

      expect(readFileSync(join(c.workspace, 'attached.txt'), 'utf8')).toBe('written by a person\n');
      const back = await cliJson<Coder>(h, ['status', c.id]);
      expect(back.state).toBe('completed');
      expect(back.stats.files_changed).toBe(1);
      expect(back.stats.turns).toBe(c.stats.turns);
      expect(existsSync(join(h.home, 'coders', c.id, 'attach', 'lease.json'))).toBe(false);
      const notes = await cli(h, ['logs', c.id, '--kind', 'attach']);
      expect(notes).toContain('a person took over');
      expect(notes).toContain(
        'attach ended: the person quit the agent (exit code 0); the coder is completed again',
      );

      await cli(h, ['message', c.id, 'carry on']);
      const after = await cliJson<Coder>(h, ['wait', c.id, '--timeout', '30']);
      expect(after.state).toBe('completed');
      expect(after.stats.last_message).toBe('resumed: carry on');
    },
    scaled(120_000),
  );

  test(
    'a running coder is stopped first; a crashed attaching CLI does not leave it attached',
    async () => {
      h = await home();
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', 'hold on'], { cwd: repo });
      const t = h;
      await waitFor(async () => (await cliJson<Coder>(t, ['status', c.id])).session_id !== null, {
        what: 'the agent to report its session',
      });
      const agentPid = (await cliJson<Coder>(t, ['status', c.id])).pid!;

      const sock = await attachInTmux(h, c.id, repo);
      const shown = await paneShows(sock, 'type a line:', 'the agent UI asking for a line');
      expect(shown).toContain(`stopped and attached to coder ${c.id}`);
      expect(pidAlive(agentPid)).toBe(false);
      expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('attached');

      // The attaching CLI dies without ending the attach: the daemon's lease watch ends it.
      const lease = JSON.parse(
        readFileSync(join(h.home, 'coders', c.id, 'attach', 'lease.json'), 'utf8'),
      ) as {
        pid: number;
      };
      process.kill(lease.pid, 'SIGKILL');
      await waitFor(async () => (await cliJson<Coder>(t, ['status', c.id])).state === 'stopped', {
        what: 'the daemon to end the lost attach',
        timeoutMs: 30_000,
      });
      const notes = await cli(h, ['logs', c.id, '--kind', 'attach']);
      expect(notes).toContain(`the attaching CLI (pid ${lease.pid}) went away without ending it`);
    },
    scaled(120_000),
  );

  test(
    'a sandboxed coder is attached inside its sandbox: the UI writes its worktree, not beside it',
    async () => {
      h = await home();
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', '--sandbox', 'bwrap', 'say hi', '--wait'], { cwd: repo });
      expect(c.state).toBe('completed');
      const sock = await attachInTmux(h, c.id, repo);
      await paneShows(sock, 'type a line:', 'the agent UI asking for a line');
      await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', '-l', 'escape']);
      await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', 'Enter']);
      const end = await paneShows(sock, 'EXIT=', 'the attach to end');
      expect(end).toContain('EXIT=0');
      expect(readFileSync(join(c.workspace, 'attached.txt'), 'utf8')).toBe('escape\n');
      // Outside the worktree nothing of the host's is written: the home is under /tmp here, so the
      // write lands in the attach's private /tmp (AICODER_HOME/coders/<id>/attach/tmp), else EROFS.
      expect(existsSync(join(c.workspace, '..', 'escape.txt'))).toBe(false);
      const privateTmp = join(h.home, 'coders', c.id, 'attach', 'tmp');
      if (c.workspace.startsWith('/tmp/')) {
        expect(end).toContain('ESCAPE=written');
        expect(
          existsSync(join(privateTmp, join(c.workspace, '..').slice('/tmp/'.length), 'escape.txt')),
        ).toBe(true);
      } else {
        expect(end).toContain('ESCAPE=denied EROFS');
      }
      expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('completed');
    },
    scaled(120_000),
  );

  test(
    'a daemon restart while a person is attached keeps the coder attached; the hand-back reaches the new daemon',
    async () => {
      h = await home();
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', 'say hi', '--wait'], { cwd: repo });
      const sock = await attachInTmux(h, c.id, repo);
      await paneShows(sock, 'type a line:', 'the agent UI asking for a line');
      await cli(h, ['daemon', 'stop']);
      await waitFor(() => d === undefined || d.proc.exitCode !== null || d.proc.signalCode !== null, {
        what: 'the daemon to exit',
      });
      d = await startDaemon(h);
      expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('attached');
      await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', '-l', 'after the restart']);
      await run('tmux', ['-L', sock, 'send-keys', '-t', 'a', 'Enter']);
      const end = await paneShows(sock, 'EXIT=', 'the attach to end');
      expect(end).toContain('EXIT=0');
      expect(end).toMatch(/coder \S+ is completed again \(files changed: 1\)/);
      expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('completed');
    },
    scaled(120_000),
  );

  test(
    'refusals: no attach_command, no terminal, already ended attach',
    async () => {
      h = await home();
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', '--provider', 'noattach', 'say hi', '--wait'], {
        cwd: repo,
      });
      const sock = await attachInTmux(h, c.id, repo);
      const out = await paneShows(sock, 'EXIT=', 'the refusal');
      expect(out).toContain("provider 'noattach' has no interactive UI to attach to");
      expect(out).toContain('EXIT=1');
      expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('completed');

      const noTty = await runCli(h, ['attach', c.id]);
      expect(noTty.code).toBe(2);
      expect(noTty.stderr).toContain('attach needs a terminal');

      const detach = await fetch(`${h.baseUrl}/api/coders/${c.id}/detach`, {
        method: 'POST',
        headers: { ...h.auth, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(detach.status).toBe(409);
    },
    scaled(120_000),
  );
});
