/**
 * sandbox "bwrap" on the real Claude CLI, run by a real daemon against the scripted model server:
 * the agent's Bash tool writes inside its worktree and commits, but cannot write `../escape.txt` or
 * `$HOME/escape.txt`; the same task without a sandbox does write them (so the test can fail); a
 * follow-up message resumes the session inside the sandbox. A missing or refusing bwrap refuses the
 * create, naming the cause. Homes live outside the OS temp dir (the sandbox puts a private /tmp
 * over it, which would hide where an escape lands).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AicoderClient } from '../../src/client/types.js';
import { CODEX_HOMES_DIR } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server/index.js';
import { startAgentDaemon } from '../helpers/agent-daemon.js';
import { reached, toolOutput } from '../helpers/coders.js';
import { cleanupHome, cli, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { onPath, pathWithout } from '../helpers/path-without.js';
import { scaled } from '../helpers/load.js';

const BASE = join(CODEX_HOMES_DIR, 'sandbox');
// The remount would succeed for a root daemon if bwrap kept the capabilities (it does unless told).
const ESCAPE =
  'mount -o remount,rw / 2>/dev/null; echo "remount=$?"; echo in > inside.txt; echo up > ../escape.txt; echo "up=$?"; echo home > "$HOME/escape.txt"; echo "home=$?"; ' +
  'git add inside.txt && git commit -qm "sandboxed commit" && echo "commit=$?"';

// CI installs bubblewrap (.ci/run); elsewhere the suite needs it on PATH.
const canRun = onPath('bwrap') !== null || process.env.CI !== undefined;

let server: ModelServer;
let h: TestHome;
let d: RunningDaemon | undefined;
let client: AicoderClient;
let repo: string;

beforeAll(async () => {
  if (!canRun) return;
  server = await startModelServer({
    script: [
      {
        when: '[escape]',
        steps: [
          { tool: 'raw', name: 'Bash', input: { command: ESCAPE } },
          { text: 'Tried both.' },
          { text: 'Follow-up done.' },
        ],
      },
      {
        when: '[codex-sandboxed]',
        steps: [
          { tool: 'raw', name: 'exec_command', input: { cmd: 'echo hi > shell.txt && echo written' } },
          { tool: 'write_file', path: 'patched.txt', content: 'patched\n' },
          { text: 'Wrote both.' },
        ],
      },
    ],
  });
  mkdirSync(BASE, { recursive: true });
  const fakeBwrap = tempDir('fake-bwrap-');
  writeFileSync(
    join(fakeBwrap, 'bwrap'),
    '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n',
  );
  chmodSync(join(fakeBwrap, 'bwrap'), 0o755);
  const noBwrap = pathWithout('bwrap');
  const lines = { name: 'lines', command: ['node', '-e', 'console.log(1)'], parser: 'text' };
  ({ h, d, client } = await startAgentDaemon(
    { claude: server.url, codex: server.url },
    {
      base: BASE,
      providers: [lines, { ...lines, name: 'refused' }],
      config: {
        default_provider: 'claude',
        // Bash needs more than acceptEdits; as root Claude allows that only with IS_SANDBOX=1.
        claude_permission_mode: 'bypassPermissions',
        provider_env: {
          claude: { IS_SANDBOX: '1' },
          lines: { PATH: noBwrap },
          refused: { PATH: `${fakeBwrap}:${noBwrap}` },
        },
      },
    },
  ));
  repo = makeRepo();
}, scaled(60_000));

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  await server?.close();
  cleanupTemp();
});

const ended = (id: string) => reached(client, id);

describe.skipIf(!canRun)('sandbox bwrap (real claude)', () => {
  test(
    'inside the worktree the Bash tool writes and commits; ../escape.txt and $HOME/escape.txt fail; message resumes it',
    async () => {
      const c = await client.create({ task: 'Write files [escape]', repo, sandbox: 'bwrap' });
      expect(c.sandbox).toEqual({ mode: 'bwrap', network: 'on' });
      const done = await ended(c.id);
      const out = await toolOutput(client, c.id);
      expect(done.state, `${JSON.stringify(done)}\n${out}`).toBe('completed');
      expect(out).toMatch(/Read-only file system/);
      expect(out).toMatch(/remount=[1-9]/);
      expect(out).toMatch(/up=1/);
      expect(out).toMatch(/home=1/);
      expect(out).toMatch(/commit=0/);
      expect(existsSync(join(dirname(c.workspace), 'escape.txt'))).toBe(false);
      expect(existsSync(join(h.userHome, 'escape.txt'))).toBe(false);
      expect(git(c.workspace, 'log', '-1', '--format=%s', c.branch)).toBe('sandboxed commit');
      expect(git(c.workspace, 'status', '--porcelain')).toBe('');

      const status = await cli(h, ['status', c.id]);
      expect(status).toMatch(/sandbox\s+bwrap/);

      await client.control(c.id, { action: 'message', message: 'And now?' });
      const again = await ended(c.id);
      expect(again.state).toBe('completed');
      expect(again.session_id).toBe(done.session_id);
      expect(again.stats.last_message).toBe('Follow-up done.');
    },
    scaled(180_000),
  );

  test(
    'codex under bwrap writes through exec_command and apply_patch',
    async () => {
      const c = await client.create({
        task: 'Write [codex-sandboxed]',
        repo,
        provider: 'codex',
        sandbox: 'bwrap',
      });
      const done = await ended(c.id);
      const out = await toolOutput(client, c.id);
      expect(done.state, `${JSON.stringify(done)}\n${out}`).toBe('completed');
      expect(readFileSync(join(c.workspace, 'shell.txt'), 'utf8')).toBe('hi\n');
      expect(readFileSync(join(c.workspace, 'patched.txt'), 'utf8')).toBe('patched\n');
    },
    scaled(120_000),
  );

  test(
    'without a sandbox the same task does write outside its worktree',
    async () => {
      const c = await client.create({ task: 'Write files [escape]', repo, sandbox: 'none' });
      const done = await ended(c.id);
      const out = await toolOutput(client, c.id);
      expect(done.state, out).toBe('completed');
      expect(out).toMatch(/up=0/);
      expect(out).toMatch(/home=0/);
      expect(existsSync(join(dirname(c.workspace), 'escape.txt'))).toBe(true);
      expect(existsSync(join(h.userHome, 'escape.txt'))).toBe(true);
    },
    scaled(120_000),
  );

  test(
    'bwrap missing or refusing: the create is refused naming the cause, nothing is made',
    async () => {
      const before = (await client.list({ states: ['all'] })).total;
      await expect(
        client.create({ task: 'x', repo, provider: 'lines', sandbox: 'bwrap' }),
      ).rejects.toMatchObject({
        code: 'sandbox_unavailable',
        message: expect.stringMatching(/'bwrap' is not on the PATH/),
      });
      await expect(
        client.create({ task: 'x', repo, provider: 'refused', sandbox: 'bwrap' }),
      ).rejects.toMatchObject({
        code: 'sandbox_unavailable',
        message: expect.stringMatching(
          /refused to set up a sandbox: bwrap: setting up uid map: Permission denied/,
        ),
      });
      expect((await client.list({ states: ['all'] })).total).toBe(before);
    },
    scaled(60_000),
  );
});
