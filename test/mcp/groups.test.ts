/**
 * Best of N driven only through MCP (the SDK client over Streamable HTTP, a real daemon): create with
 * agents, wait for the group, compare, checks on demand, remove the group.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { makeHome, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';
import { err, ok, text, type Json } from './connect.js';

function writer(name: string, answer: string): Record<string, unknown> {
  return {
    name,
    description: `writes ${answer}`,
    command: ['bash', '-c', 'printf "%s\\n" "$1" > answer.txt; echo wrote', '_', answer],
    env: {},
    parser: 'text',
  };
}

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

describe('best of N over MCP', () => {
  it('create with agents, wait, compare, check, remove: all through the six tools', async () => {
    h = await makeHome({ providers: [writer('right', '42'), writer('wrong', '41')] });
    await startDaemon(h);
    const repo = makeRepo({
      'README.md': '# r\n',
      '.aicoder.json': JSON.stringify({ check: [['bash', '-c', 'test "$(cat answer.txt)" = 42']] }),
    });
    const client = new Client({ name: 'fleet', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      expect(
        err(
          await tool(client, 'ai_coder_create', {
            task: 't',
            repo,
            provider: 'right',
            agents: [{ provider: 'wrong' }],
          }),
        ),
      ).toContain('provider cannot be combined with agents');

      const g = ok(
        await tool(client, 'ai_coder_create', {
          task: 'answer the question',
          repo,
          agents: [{ provider: 'wrong' }, { provider: 'right' }],
        }),
      );
      expect(g.id).toMatch(/^g[0-9a-f]{7}$/);
      expect(g.members.map((m: Json) => m.provider)).toEqual(['wrong', 'right']);
      const [wrong, right] = g.members.map((m: Json) => m.id as string) as [string, string];

      const progress: string[] = [];
      const done = ok(
        await client.callTool(
          { name: 'ai_coder_status', arguments: { coder_id: g.id, wait_for: 'terminal', timeout_s: 45 } },
          undefined,
          { onprogress: (p) => progress.push(p.message ?? '') },
        ),
      );
      expect(done).toMatchObject({ id: g.id, state: 'ended', timed_out: false });
      expect(done.members.map((m: Json) => [m.state, m.checks])).toEqual([
        ['completed', 'failed: `bash -c test "$(cat answer.txt)" = 42` exited 1 (0 of 1 passed)'],
        ['completed', 'passed (1/1)'],
      ]);

      const list = await tool(client, 'ai_coder_list', {});
      expect(text(list)).toContain(`group ${g.id} (answer the question): ${wrong}, ${right}`);
      expect(text(list)).toContain('  checks: passed (1/1)');
      expect(text(list)).not.toContain('  group: '); // the group line names the members once

      const cmp = ok(await tool(client, 'ai_coder_workspace', { coder_id: g.id, operation: 'compare' }));
      expect(cmp.compare).toMatchObject({ best: right, decided_by: 'checks' });
      expect(cmp.compare.reason).toBe(`${right} first: its checks passed, ${wrong}'s failed`);
      expect(cmp.compare.rows.map((r: Json) => r.coder_id)).toEqual([right, wrong]);
      expect(cmp.compare.rows[0].overlap).toEqual([
        { coder_id: wrong, files: ['answer.txt'], conflicts: ['answer.txt'] },
      ]);

      const check = ok(await tool(client, 'ai_coder_control', { coder_id: right, action: 'check' }));
      expect(check.coder.state).toBe('checking');
      const after = ok(
        await tool(client, 'ai_coder_status', { coder_id: right, wait_for: ['completed'], timeout_s: 30 }),
      );
      expect(after.checks).toBe('passed (1/1)');

      expect(err(await tool(client, 'ai_coder_control', { coder_id: g.id, action: 'pause' }))).toContain(
        'applies to one coder, not a group',
      );
      const rm = ok(
        await tool(client, 'ai_coder_control', { coder_id: g.id, action: 'remove', force: true }),
      );
      expect(rm).toMatchObject({ group: null, removed: true });
      expect(rm.members.map((m: Json) => m.note)).toEqual(['removed', 'removed']);
      expect(err(await tool(client, 'ai_coder_status', { coder_id: right }))).toContain(
        `no coder '${right}'`,
      );
      expect(err(await tool(client, 'ai_coder_status', { coder_id: g.id }))).toContain(`no group '${g.id}'`);
    } finally {
      await client.close();
    }
  });

  it('gives each agent entry its own role (agents[i].role), checked before anything is made', async () => {
    const taker = {
      ...writer('taker', '42'),
      command: ['bash', '-c', 'printf "%s\\n" "$@" > given.txt; echo wrote', '_', 'prompt={system_prompt}'],
      read_only: { tools: 'Read' },
    };
    h = await makeHome({ providers: [taker, writer('plain', '1')] });
    await startDaemon(h);
    const repo = makeRepo({ 'README.md': '# r\n' });
    const client = new Client({ name: 'fleet', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      const refused = err(
        await tool(client, 'ai_coder_create', {
          task: 't',
          repo,
          agents: [{ provider: 'taker' }, { provider: 'plain', role: 'reviewer' }],
        }),
      );
      expect(refused).toContain("provider 'plain' cannot take role 'reviewer'");
      const g = ok(
        await tool(client, 'ai_coder_create', {
          task: 'look at it',
          repo,
          agents: [{ provider: 'taker', role: 'reviewer' }, { provider: 'plain' }],
        }),
      );
      expect(g.members.map((m: Json) => m.role ?? null)).toEqual(['reviewer', null]);
      const done = ok(
        await tool(client, 'ai_coder_status', { coder_id: g.id, wait_for: 'terminal', timeout_s: 45 }),
      );
      expect(done.members.map((m: Json) => [m.state, m.role ?? null])).toEqual([
        ['completed', 'reviewer'],
        ['completed', null],
      ]);
    } finally {
      await client.close();
    }
  });
});
