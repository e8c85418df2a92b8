/**
 * Background processes through the real daemon and CLI, with a text provider that runs the task as
 * a shell script (`bash -c 'eval "$1"'`): background processes end with the agent, a grandchild that
 * ignores SIGTERM does not survive `stop` or `rm --force` with stop_grace_s 3, `--keep-processes` is
 * the opt-in that `status` shows. Plus an unknown log kind over REST, CLI and MCP (one daemon for all).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import {
  cli,
  cliJson,
  makeHome,
  processesUnder,
  runCli,
  startDaemon,
  TEST_PROVIDERS,
  type TestHome,
} from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { pidsOf } from '../helpers/procs.js';

const SHELL = {
  name: 'sh',
  description: 'the task is a shell script',
  command: ['bash', '-c', 'eval "$1"', '_', '{task}'],
  parser: 'text',
};

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterAll(() => cleanupTemp());

/**
 * Live processes of this vitest run whose command line contains `marker`: a second `npm test` side
 * by side runs the same markers, and its processes are not ours to count.
 */
const running = pidsOf;

describe('background processes through the daemon and CLI (stop_grace_s 3)', () => {
  it(
    'the server and sleep of a completed task end; stop and rm --force leave no TERM-ignoring grandchild',
    async () => {
      h = await makeHome({
        providers: [...TEST_PROVIDERS, SHELL],
        config: { default_provider: 'sh', stop_grace_s: 3 },
      });
      await startDaemon(h);
      const repo = makeRepo();

      // 1. The example: the task completes, both background processes end with it.
      const a = await cliJson<Coder>(
        h,
        ['create', '--wait', 'python3 -m http.server 0 >/dev/null 2>&1 & sleep 303 & echo started'],
        { cwd: repo },
      );
      expect(a.state).toBe('completed');
      await waitFor(() => processesUnder(a.workspace).length === 0 && running('sleep 303').length === 0, {
        what: 'http.server and sleep 303 ended with the agent',
        timeoutMs: 20_000,
      });
      expect(await cli(h, ['logs', a.id, '--kind', 'processes'])).toMatch(
        /» ending \d+ background processes the agent left running: .*sleep 303/,
      );

      // 2. stop: a grandchild that ignores SIGTERM gets its SIGKILL after the grace period.
      const b = await cliJson<Coder>(h, ['create', "(trap '' TERM; exec sleep 1101) & sleep 1102"], {
        cwd: repo,
      });
      await waitFor(() => running('sleep 1101').length > 0 && running('sleep 1102').length > 0, {
        what: 'agent and grandchild running',
      });
      await cli(h, ['stop', b.id]);
      expect(running('sleep 1101')).toEqual([]);
      expect(running('sleep 1102')).toEqual([]);
      expect((await cliJson<Coder>(h, ['status', b.id])).state).toBe('stopped');

      // 3. rm --force of a running coder: the same grandchild and a setsid escape, then the worktree goes.
      const c = await cliJson<Coder>(
        h,
        ['create', "(trap '' TERM; exec sleep 1103) & setsid sleep 1104 & sleep 1105"],
        { cwd: repo },
      );
      await waitFor(() => ['1103', '1104', '1105'].every((m) => running(`sleep ${m}`).length > 0), {
        what: 'three sleeps',
      });
      await cli(h, ['rm', '--force', c.id]);
      for (const m of ['1103', '1104', '1105']) expect(running(`sleep ${m}`)).toEqual([]);

      // 4. The opt-in: the server keeps running, status and list show it, rm ends it.
      const k = await cliJson<Coder>(h, ['create', '--keep-processes', '--wait', 'sleep 1106 & echo up'], {
        cwd: repo,
      });
      expect(k).toMatchObject({ state: 'completed', keep_processes: true });
      expect(k.processes.map((p) => p.command)).toEqual(['sleep 1106']);
      expect(await cli(h, ['status', k.id])).toMatch(/running\s+pid \d+ sleep 1106/);
      expect(await cli(h, ['list'])).toMatch(new RegExp(`${k.id}.*completed \\+1`));
      expect(running('sleep 1106')).toHaveLength(1);
      await cli(h, ['rm', '--force', k.id]);
      expect(running('sleep 1106')).toEqual([]);
    },
    scaled(120_000),
  );
});

describe('log kinds: an unknown kind is an error on every surface', () => {
  it(
    'REST 400, CLI exit 2, MCP isError: each names the valid kinds; tool_call is valid',
    async () => {
      h = await makeHome();
      await startDaemon(h);
      const c = await cliJson<Coder>(h, ['create', '--wait', '2'], { cwd: makeRepo() });

      const rest = await fetch(`${h.baseUrl}/api/coders/${c.id}/logs?kinds=tool_use`, { headers: h.auth });
      expect(rest.status).toBe(400);
      const body = (await rest.json()) as { error: { code: string; field: string; message: string } };
      expect(body.error).toMatchObject({ code: 'invalid_input', field: 'kinds' });
      expect(body.error.message).toMatch(/unknown kind 'tool_use'; valid kinds: .*tool_call/);
      expect(
        (await fetch(`${h.baseUrl}/api/coders/${c.id}/logs?kinds=tool_call`, { headers: h.auth })).status,
      ).toBe(200);

      const bad = await runCli(h, ['logs', c.id, '--kind', 'tool_use']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/unknown kind 'tool_use'; valid kinds: /);

      const client = new Client({ name: 'test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
      );
      try {
        const tools = await client.listTools();
        const logsTool = tools.tools.find((t) => t.name === 'ai_coder_logs')!;
        const kinds = (logsTool.inputSchema.properties as Record<string, { description?: string }>).kinds;
        expect(kinds?.description).toContain('tool_call');
        expect(kinds?.description).not.toContain('tool_use');
        const res = (await client.callTool({
          name: 'ai_coder_logs',
          arguments: { coder_id: c.id, kinds: ['tool_use'] },
        })) as CallToolResult;
        expect(res.isError).toBe(true);
        expect(JSON.stringify(res.content)).toMatch(/unknown kind 'tool_use'; valid kinds: /);
      } finally {
        await client.close();
      }
    },
    scaled(60_000),
  );
});
