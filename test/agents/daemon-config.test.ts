/**
 * Daemon behaviour around agents that needs no model: secrets kept out of logs, records and API
 * output; the Claude permission mode and per-provider env from config.json; `aicoder message` on an
 * interrupted coder; `aicoder providers` with install, version and credentials status. The agent is
 * a fake Claude Code (test/fixtures/agents/fake-claude.mjs) read by the real claude parser.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import type { ProviderInfo } from '../../src/core/api.js';
import type { Coder } from '../../src/core/coder.js';
import { resolveProgram } from '../../src/providers/probe.js';
import { BIN_DIR } from '../fixtures/agent-env.js';
import {
  cli,
  cliJson,
  makeHome,
  pidAlive,
  processesUnder,
  runCli,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

const FAKE = fileURLToPath(new URL('../fixtures/agents/fake-claude.mjs', import.meta.url));
const SECRET = 'sk-fake-service-key-1234567';
const TOKEN = 'tok-abcdef-987654';

const FAKE_PROVIDER = {
  name: 'fakeclaude',
  description: 'fake Claude Code stream',
  command: [process.execPath, FAKE, '--task={task}', '--mode={permission_mode}'],
  resume_command: [
    process.execPath,
    FAKE,
    '--task={task}',
    '--session={session_id}',
    '--message={message}',
    '--mode={permission_mode}',
  ],
  parser: 'claude',
};
const GHOST = { name: 'ghost', command: ['aicoder-ghost-agent-not-installed'], parser: 'text' };

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterAll(cleanupTemp);

async function home(config: Record<string, unknown> = {}): Promise<TestHome> {
  const t = await makeHome({ providers: [FAKE_PROVIDER, GHOST], config });
  Object.assign(t.env, {
    FAKE_SERVICE_API_KEY: SECRET,
    MY_TOKEN: TOKEN,
    SHORT_SECRET: 'abc',
    PATH: `${BIN_DIR}:${t.env.PATH ?? '/usr/bin:/bin'}`,
  });
  return t;
}

async function ended(t: TestHome, id: string): Promise<Coder> {
  const r = await runCli(t, ['wait', id, '--timeout', '30', '--json']);
  return JSON.parse(r.stdout) as Coder;
}

describe('agents through the daemon, fake agent', () => {
  test(
    'values of *KEY*, *TOKEN*, *SECRET* variables never reach logs, records or API output',
    async () => {
      h = await home();
      d = await startDaemon(h);
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', '--provider', 'fakeclaude', 'please fail'], { cwd: repo });
      const r = await runCli(h, ['wait', c.id, '--timeout', '30', '--json']);
      const done = JSON.parse(r.stdout) as Coder;
      expect(done.state).toBe('failed');
      expect(done.error).toBe('API Error: 401 invalid x-api-key [redacted]');
      expect(done.stats.last_message).toContain('key=[redacted] token=[redacted]');
      const logs = await cli(h, ['logs', c.id, '--json']);
      expect(logs).toContain('debug: using key [redacted]');
      expect(logs).toContain('[redacted]');
      // Every surface: the record over HTTP, logs, the events stream's replay, the CLI's status.
      const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
      const surfaces = [
        JSON.stringify(await client.get(c.id)),
        logs,
        await cli(h, ['status', c.id]),
        await (await fetch(`${h.baseUrl}/api/coders/${c.id}/logs`, { headers: h.auth })).text(),
        r.stdout,
      ];
      for (const text of surfaces) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(TOKEN);
      }
    },
    scaled(30_000),
  );

  test(
    'an interrupted coder continues its session with `aicoder message`; stats accumulate',
    async () => {
      h = await home();
      d = await startDaemon(h);
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', '--provider', 'fakeclaude', 'hold on'], { cwd: repo });
      const t = h;
      const running = await waitFor(
        async () => {
          const cur = await cliJson<Coder>(t, ['status', c.id]);
          return cur.state === 'running' && cur.stats.turns === 1 ? cur : null;
        },
        { what: 'running with a session', timeoutMs: 15_000 },
      );
      expect(running.session_id).toBe('fake-session-0001');
      // The daemon dies hard and its agent with it: the next daemon finds the run gone.
      d.proc.kill('SIGKILL');
      await waitFor(() => !pidAlive(d!.pid), { what: 'daemon gone' });
      for (const pid of processesUnder(join(h.home, 'worktrees'))) process.kill(pid, 'SIGKILL');
      await waitFor(() => processesUnder(join(t.home, 'worktrees')).length === 0, { what: 'agent gone' });
      d = await startDaemon(h);
      const interrupted = await cliJson<Coder>(h, ['status', c.id]);
      expect(interrupted.state).toBe('interrupted');

      const out = await cli(h, ['message', c.id, 'please', 'continue']);
      expect(out).toContain(`continuing session fake-session-0001`);
      const after = await ended(h, c.id);
      expect(after.state).toBe('completed');
      expect(after.session_id).toBe('fake-session-0001');
      expect(after.stats.last_message).toBe('resumed: please continue');
      expect(after.stats.turns).toBe(2);
      expect(after.stats.tokens_in).toBe(200);
      const logs = (await cli(h, ['logs', c.id, '--json']))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { kind: string; text: string });
      expect(logs.find((l) => l.kind === 'user_message')?.text).toBe('please continue');

      // A message while it runs is refused with the reason.
      const busy = await cliJson<Coder>(h, ['create', '--provider', 'fakeclaude', 'hold again'], {
        cwd: repo,
      });
      const refused = await runCli(h, ['message', busy.id, 'now']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(
        /cannot message coder .*: it is (queued|starting|running)|no agent session/,
      );
    },
    scaled(60_000),
  );

  test(
    'config.json sets the Claude permission mode and per-provider env; providers shows status',
    async () => {
      h = await home({
        claude_permission_mode: 'bypassPermissions',
        provider_env: {
          fakeclaude: { PROVIDER_ENV_CHECK: 'from-config' },
          // Credentials supplied only through config.json count as present.
          codex: { OPENAI_API_KEY: 'sk-proj-provider-env-fake' },
        },
      });
      h.env.ANTHROPIC_API_KEY = 'sk-ant-probe-fake-key';
      writeFileSync(join(h.home, 'providers', 'broken.json'), JSON.stringify({ name: 'broken', comand: [] }));
      d = await startDaemon(h);
      const repo = makeRepo();
      const c = await cliJson<Coder>(h, ['create', '--provider', 'fakeclaude', 'check mode'], { cwd: repo });
      const done = await ended(h, c.id);
      expect(done.state).toBe('completed');
      // The agent got the provider_env value; as a value set for the agent, it is redacted when printed.
      expect(done.stats.last_message).toMatch(/^mode=bypassPermissions env=\[redacted\] /);

      const r = await runCli(h, ['providers', '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('provider file skipped');
      expect(r.stderr).toContain('broken.json: unknown key "comand"');
      const providers = JSON.parse(r.stdout) as ProviderInfo[];
      const by = (n: string) => providers.find((p) => p.name === n)!;
      expect(by('claude').status).toMatchObject({
        installed: true,
        path: join(BIN_DIR, 'claude'),
        version: expect.stringMatching(/\d+\.\d+\.\d+/),
        credentials: 'found',
        credentials_detail: '$ANTHROPIC_API_KEY',
      });
      expect(by('codex').status).toMatchObject({
        installed: true,
        credentials: 'found',
        credentials_detail: '$OPENAI_API_KEY',
      });
      expect(by('gemini').status?.credentials_detail).toContain('$GEMINI_API_KEY');
      expect(by('ghost').status).toEqual({
        installed: false,
        path: null,
        version: null,
        install_hint:
          "install 'aicoder-ghost-agent-not-installed' or put it on the daemon's PATH (restart the daemon after changing PATH)",
        credentials: 'n/a',
        credentials_detail: 'not checked for this provider',
      });
      for (const name of ['opencode', 'aider']) {
        const found = resolveProgram(name, h.env.PATH) !== null;
        expect(by(name).status?.installed).toBe(found);
      }
      expect(r.stdout).not.toContain('sk-ant-probe-fake-key');

      const text = await cli(h, ['providers']);
      expect(text).toMatch(/ghost\s+not installed/);
      expect(text).toMatch(/claude\s+yes\s+\S*\d+\.\d+\.\d+/);
      expect(text).toContain('1 provider file(s) skipped');
      expect(text).not.toContain('sk-ant-probe-fake-key');

      // A provider that `providers` knows is not installed is refused up front: no branch, worktree or record.
      const before = await cliJson<{ total: number }>(h, ['list']);
      const ghost = await runCli(h, ['create', '--provider', 'ghost', 'never runs'], { cwd: repo });
      expect(ghost.code).toBe(1);
      expect(ghost.stderr).toContain(
        "provider 'ghost' is not installed: 'aicoder-ghost-agent-not-installed' is not on the daemon's PATH; install 'aicoder-ghost-agent-not-installed'",
      );
      expect((await cliJson<{ total: number }>(h, ['list'])).total).toBe(before.total);
      expect(git(repo, 'branch', '--list', 'aicoder/*').split('\n').filter(Boolean)).toHaveLength(1);
    },
    scaled(30_000),
  );
});
