/**
 * Real Claude Code as the MCP client: `claude -p` with the daemon in --mcp-config, against the
 * scripted model server on loopback whose replies call mcp__aicoder__ai_coder_create and
 * mcp__aicoder__ai_coder_list. The coder really exists afterwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../agents/run-cli.js';
import { bin, claudeEnv } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server/index.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/env.js';
import { ok } from './connect.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;
let model: ModelServer | undefined;

afterEach(async () => {
  await model?.close();
  if (h) await cleanupHome(h, d);
  h = undefined;
  d = undefined;
  model = undefined;
  cleanupTemp();
});

describe('Claude Code as the MCP client', () => {
  it('creates and lists coders through mcp__aicoder__* tools', async () => {
    h = await makeHome();
    d = await startDaemon(h);
    const repo = makeRepo();
    model = await startModelServer({
      script: [
        {
          tool: 'raw',
          name: 'mcp__aicoder__ai_coder_create',
          input: { task: '3', repo, provider: 'lines', name: 'made by claude' },
        },
        { tool: 'raw', name: 'mcp__aicoder__ai_coder_list', input: { status_filter: 'all' } },
        { text: 'One coder is working on it.' },
      ],
    });
    const mcpConfig = JSON.stringify({
      mcpServers: {
        aicoder: { type: 'http', url: `${h.baseUrl}/mcp`, headers: h.auth, alwaysLoad: true },
      },
    });
    const run = await runCli(
      [
        bin('claude'),
        '-p',
        'Fan this out to a coder.',
        '--output-format',
        'stream-json',
        '--verbose',
        '--mcp-config',
        mcpConfig,
        '--strict-mcp-config',
        '--allowedTools',
        'mcp__aicoder',
      ],
      { cwd: repo, env: claudeEnv({ serverUrl: model.url, dir: tempDir() }).env, timeoutMs: 60_000 },
    );
    const result = run.events.find((e) => e.type === 'result');
    expect(result, run.stderr + run.stdout.join('\n')).toMatchObject({ is_error: false });
    expect(JSON.stringify(result)).not.toContain('permission_denials":[{');

    // The coder really exists, as the daemon's own MCP surface shows.
    const client = new Client({ name: 'check', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      const list = ok(
        (await client.callTool({ name: 'ai_coder_list', arguments: { detail: 'full' } })) as CallToolResult,
      );
      expect(list.total).toBe(1);
      expect(list.coders[0]).toMatchObject({ name: 'made by claude', task: '3', provider: 'lines', repo });
      // Claude Code got the list result back as the tool result of its second call.
      const requests = JSON.stringify(model.mainRequests('anthropic').map((r) => r.body));
      expect(requests).toContain(list.coders[0].id);
      expect(requests).toContain('mcp__aicoder__ai_coder_list');
    } finally {
      await client.close();
    }
  });
});
