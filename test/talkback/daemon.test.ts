/**
 * The coder endpoint, answers and hooks through a real daemon: each coder reaches its own MCP tools
 * at the URL in AICODER_MCP_URL; another coder's token or none gets 403; ask_user waits until
 * `aicoder answer`; the hook runs once per transition with the right env; a failing hook is logged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import {
  cli,
  cliJson,
  makeHome,
  runCli,
  startDaemon,
  TEST_PROVIDERS,
  type TestHome,
  logText,
} from '../helpers/daemon.js';

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterAll(cleanupTemp);

/**
 * Writes its endpoint URL (the agent's view) to a file in its worktree (printed, it would be redacted
 * from the logs like every secret), says so, then waits until stopped.
 */
const URL_PRINTER = {
  name: 'url',
  description: 'writes AICODER_MCP_URL to .mcp-url, then sleeps',
  command: [
    'bash',
    '-c',
    'printf %s "$AICODER_MCP_URL" > .mcp-url; echo "url=$AICODER_MCP_URL"; exec sleep 3600',
  ],
  parser: 'text',
};

async function endpointOf(h: TestHome, id: string): Promise<string> {
  let url = '';
  await waitFor(
    async () => {
      const logs = logText(await cli(h, ['logs', id])).split('\n');
      const printed = logs.find((l) => l.startsWith('url='));
      if (printed === undefined) return false;
      const coder = JSON.parse(await cli(h, ['status', id, '--json'])) as { workspace: string };
      url = readFileSync(join(coder.workspace, '.mcp-url'), 'utf8');
      // The printed URL lost its token to redaction; the file holds it whole.
      const token = /\/([0-9a-f]{64})\/mcp$/.exec(url)?.[1];
      expect(token).toBeDefined();
      expect(printed).not.toContain(token);
      expect(printed).toContain('[redacted]');
      return url !== '';
    },
    { what: 'endpoint url in the logs' },
  );
  return url;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

function textOf(r: unknown): string {
  const c = (r as CallToolResult).content[0];
  return c?.type === 'text' ? c.text : '';
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
});

function post(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: initialize,
  });
}

describe('coder endpoint through the daemon', () => {
  it('serves each coder its own tools; another token or none is refused; ask_user waits for `aicoder answer`; hooks fire once per transition', async () => {
    const hookDir = tempDir('aicoder-hook-');
    const hookOut = join(hookDir, 'calls.txt');
    h = await makeHome({
      providers: [...TEST_PROVIDERS, URL_PRINTER],
      config: {
        hook: [
          'bash',
          '-c',
          'printf "%s|%s|%s|%s|%s\\n" "$AICODER_ID" "$AICODER_STATE" "$AICODER_NAME" "$AICODER_REPO" "$AICODER_MESSAGE" >> "$1"',
          '_',
          hookOut,
        ],
      },
    });
    await startDaemon(h);
    const repo = makeRepo();
    const a = await cliJson<Coder>(h, ['create', '--provider', 'url', '--name', 'alpha', 'a'], { cwd: repo });
    const b = await cliJson<Coder>(h, ['create', '--provider', 'url', 'b'], { cwd: repo });
    const urlA = await endpointOf(h, a.id);
    const urlB = await endpointOf(h, b.id);
    expect(urlA).toMatch(new RegExp(`^${h.baseUrl}/coder/${a.id}/[0-9a-f]{64}/mcp$`));
    // The token is not part of the public record (the agent printed it, so skip its own output).
    const rec = await cliJson<Coder>(h, ['status', a.id]);
    const shown = JSON.stringify({ ...rec, stats: { ...rec.stats, last_message: null } });
    expect(shown).not.toContain(urlA.split('/')[5]);

    // 403: no token, B's token on A's path, a wrong token; Bearer with the right token works.
    const tokenA = urlA.split('/')[5]!;
    const tokenB = urlB.split('/')[5]!;
    expect((await post(`${h.baseUrl}/coder/${a.id}/mcp`)).status).toBe(403);
    expect((await post(`${h.baseUrl}/coder/${a.id}/${tokenB}/mcp`)).status).toBe(403);
    expect((await post(`${h.baseUrl}/coder/${a.id}/mcp`, { authorization: `Bearer ${tokenB}` })).status).toBe(
      403,
    );
    expect((await post(`${h.baseUrl}/coder/${a.id}/${'0'.repeat(64)}/mcp`)).status).toBe(403);
    expect((await post(`${h.baseUrl}/coder/${a.id}/mcp`, { authorization: `Bearer ${tokenA}` })).status).toBe(
      200,
    );

    const agent = await connect(urlA);
    try {
      const tools = await agent.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual([
        'aicoder_ask_user',
        'aicoder_heartbeat',
        'aicoder_report_progress',
      ]);
      expect(textOf(await agent.callTool({ name: 'aicoder_heartbeat', arguments: {} }))).toBe('ok');
      await agent.callTool({
        name: 'aicoder_report_progress',
        arguments: { message: 'tests written', percent: 30 },
      });
      const st = await cliJson<Coder>(h, ['status', a.id]);
      expect(st.progress).toMatchObject({ message: 'tests written', percent: 30 });
      expect(await cli(h, ['status', a.id])).toMatch(/progress\s+30% · tests written/);

      const asked = agent.callTool({
        name: 'aicoder_ask_user',
        arguments: { question: 'Keep the old API?', context: 'two callers use it' },
      });
      await waitFor(async () => (await cliJson<Coder>(h!, ['status', a.id])).state === 'needs_input', {
        what: 'needs_input',
      });
      const listed = await cliJson<{ coders: Coder[] }>(h, ['list', '--state', 'needs_input']);
      expect(listed.coders.map((c) => [c.id, c.question])).toEqual([[a.id, 'Keep the old API?']]);
      // needs input, seen by a person: list marks the coder and says how to answer; status shows the question.
      const table = await cli(h, ['list']);
      expect(table).toMatch(new RegExp(`${a.id}.*needs_input \\?`));
      expect(table).toContain(`? 1 coder(s) need input (${a.id})`);
      expect(await cli(h, ['status', a.id])).toMatch(/question\s+Keep the old API\?/);
      await cli(h, ['answer', a.id.slice(0, 4), 'yes,', 'keep', 'it']);
      expect(textOf(await asked)).toBe('The user answered: yes, keep it');
      expect(await cliJson<Coder>(h, ['status', a.id])).toMatchObject({ state: 'running', question: null });
    } finally {
      await agent.close();
    }
    // Answering a coder that asked nothing is a clear error (exit 1).
    const r = await runCli(h, ['answer', b.id, 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`aicoder: cannot answer coder ${b.id}: it has asked nothing\n`);

    const done = await cliJson<Coder>(h, ['create', '--provider', 'lines', '--wait', '2'], { cwd: repo });
    expect(done.state).toBe('completed');
    await cli(h, ['stop', a.id]);
    await cli(h, ['stop', b.id]);
    await waitFor(() => readFileSync(hookOut, 'utf8').includes(`${done.id}|completed`), { what: 'hook' });
    const calls = readFileSync(hookOut, 'utf8').trim().split('\n');
    expect(calls).toEqual([
      `${a.id}|needs_input|alpha|${repo}|Keep the old API?`,
      `${done.id}|completed|${done.name}|${repo}|line 2`,
    ]);
  });

  it('a failing hook is logged and changes nothing else', async () => {
    h = await makeHome({ config: { hook: ['bash', '-c', 'echo hook-broke >&2; exit 7'] } });
    await startDaemon(h);
    const c = await cliJson<Coder>(h, ['create', '--provider', 'lines', '--wait', '2'], { cwd: makeRepo() });
    expect(c.state).toBe('completed');
    await waitFor(() => readFileSync(join(h!.home, 'daemon.log'), 'utf8').includes('hook failed'), {
      what: 'hook failure logged',
    });
    const log = readFileSync(join(h.home, 'daemon.log'), 'utf8');
    expect(log).toContain('hook-broke');
    expect((await cliJson<Coder>(h, ['status', c.id])).state).toBe('completed');
  });
});
