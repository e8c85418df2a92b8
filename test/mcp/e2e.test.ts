/**
 * The MCP surface on a real daemon (built code: `npm test` builds first), real git repo and a real
 * command provider: the full flow create → status(wait_for terminal, with progress) → logs →
 * workspace list/read/diff/changes → control remove, over Streamable HTTP and through `aicoder mcp`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BIN, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, git, makeRepo } from '../helpers/env.js';
import { err, ok, type Json } from './connect.js';

const PROVIDERS = [
  {
    name: 'lines',
    description: 'writes out.txt and a symlink that leaves the worktree',
    command: [
      'bash',
      '-c',
      'echo working; printf \'x\\n\' > out.txt; ln -s /etc/hostname escape; echo "task: $1"; echo done',
      '_',
      '{task}',
    ],
    env: {},
    parser: 'text',
  },
  {
    name: 'gate',
    description: 'prints "started", waits until a file named go appears in the worktree, prints "finished"',
    command: ['bash', '-c', 'echo started; while [ ! -e go ]; do sleep 0.05; done; echo finished'],
    env: {},
    parser: 'text',
  },
];

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The whole flow an assistant would run, through any connected client. */
async function fullFlow(client: Client, repo: string, home: string): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name).sort()).toEqual([
    'ai_coder_control',
    'ai_coder_create',
    'ai_coder_list',
    'ai_coder_logs',
    'ai_coder_status',
    'ai_coder_workspace',
  ]);
  for (const t of tools) {
    expect(t.inputSchema.type).toBe('object');
    expect(t.outputSchema).toBeUndefined();
  }

  const created = ok(
    await tool(client, 'ai_coder_create', {
      task: 'make out.txt; $(touch /tmp/pwned)',
      repo,
      provider: 'lines',
    }),
  );
  expect(created).toMatchObject({ provider: 'lines', name: 'make out.txt; $(touch /tmp/pwned)' });
  expect(['queued', 'starting', 'running', 'completed']).toContain(created.state);
  const id = created.id as string;
  const full = ok(await tool(client, 'ai_coder_status', { coder_id: id, detail: 'full' }));
  expect(full).toMatchObject({ provider: 'lines', repo, task: 'make out.txt; $(touch /tmp/pwned)' });

  const progress: { progress: number; message?: string }[] = [];
  const done = ok(
    await client.callTool(
      {
        name: 'ai_coder_status',
        arguments: { coder_id: id.slice(0, 6), wait_for: 'terminal', timeout_s: 30 },
      },
      undefined,
      { onprogress: (p) => progress.push(p) },
    ),
  );
  expect(done).toMatchObject({ id, state: 'completed', timed_out: false });
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
  if (progress.length > 0) expect(progress[0]!.message).toMatch(/^(queued|starting|running|completed)/);

  const logs = ok(await tool(client, 'ai_coder_logs', { coder_id: id, format: 'entries' }));
  const texts = logs.entries.map((e: Json) => e.text);
  expect(texts).toEqual(
    expect.arrayContaining(['working', 'task: make out.txt; $(touch /tmp/pwned)', 'done']),
  );
  expect(texts.indexOf('working')).toBeLessThan(texts.indexOf('done'));
  expect(logs.done).toBe(true);
  const after = ok(
    await tool(client, 'ai_coder_logs', {
      coder_id: id,
      since_seq: logs.next_seq,
      follow: true,
      format: 'entries',
    }),
  );
  expect(after).toMatchObject({ entries: [], done: true });

  const list = ok(await tool(client, 'ai_coder_workspace', { coder_id: id, operation: 'list' }));
  const paths = list.files.map((f: Json) => f.path);
  expect(paths).toEqual(expect.arrayContaining(['README.md', 'out.txt']));
  const read = ok(
    await tool(client, 'ai_coder_workspace', { coder_id: id, operation: 'read', path: 'out.txt' }),
  );
  expect(read.file).toMatchObject({ path: 'out.txt', content: 'x\n', binary: false });
  const diff = ok(await tool(client, 'ai_coder_workspace', { coder_id: id, operation: 'diff' }));
  expect(diff.diff).toMatch(/out\.txt[\s\S]*\+x/);
  const changes = ok(await tool(client, 'ai_coder_workspace', { coder_id: id, operation: 'changes' }));
  expect(changes.changes.map((c: Json) => c.path)).toContain('out.txt');

  // Never outside the worktree: '..', absolute paths, a symlink leaving it.
  const readPath = (path: string) =>
    tool(client, 'ai_coder_workspace', { coder_id: id, operation: 'read', path });
  expect(err(await readPath('../../etc/passwd'))).toMatch(/path must not contain '\.\.'/);
  expect(err(await readPath('/etc/passwd'))).toMatch(/path must be a relative path/);
  expect(err(await readPath('escape'))).toMatch(/'escape'.*outside the worktree; pass a path relative/);
  expect(err(await tool(client, 'ai_coder_status', { coder_id: 'zz' }))).toBe(
    "no coder 'zz'; ai_coder_list shows the ids",
  );
  expect(err(await tool(client, 'ai_coder_create', { task: 'x'.repeat(20001), repo }))).toMatch(
    /task must be 1–20000 characters/,
  );
  expect(err(await tool(client, 'ai_coder_control', { coder_id: id, action: 'pause' }))).toMatch(
    /cannot pause .*completed; allowed actions while completed: restart, remove/,
  );

  // The worktree has untracked files: remove refuses unless forced.
  const refused = await tool(client, 'ai_coder_control', { coder_id: id, action: 'remove' });
  expect(err(refused)).toMatch(/uncommitted changes .*out\.txt.*; .*or remove with force: true$/);
  expect(refused._meta?.['aicoder/error']).toMatchObject({ code: 'dirty_worktree' });
  const workspace = full.workspace as string;
  expect(existsSync(workspace)).toBe(true);
  const removed = ok(await tool(client, 'ai_coder_control', { coder_id: id, action: 'remove', force: true }));
  expect(removed.removed).toBe(true);
  expect(existsSync(workspace)).toBe(false);
  expect(workspace.startsWith(join(home, 'worktrees'))).toBe(true);
  expect(ok(await tool(client, 'ai_coder_list', {})).total).toBe(0);
  expect(existsSync('/tmp/pwned')).toBe(false);
  expect(git(repo, 'status', '--porcelain')).toBe('');
}

function statusWith(home: TestHome, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: home.port,
        method: 'POST',
        path: '/mcp',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...home.auth,
          ...headers,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      }),
    );
  });
}

describe('MCP on a real daemon', () => {
  it('runs the full flow over Streamable HTTP, and refuses foreign Host/Origin', async () => {
    h = await makeHome({ providers: PROVIDERS });
    d = await startDaemon(h);
    const repo = makeRepo();
    const client = new Client({ name: 'e2e-http', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      await fullFlow(client, repo, h.home);
    } finally {
      await client.close();
    }
    expect(await statusWith(h, { host: `evil.example:${h.port}` })).toBe(403);
    expect(await statusWith(h, { host: `127.0.0.1:${h.port + 1}` })).toBe(403);
    expect(await statusWith(h, { host: `127.0.0.1:${h.port}`, origin: 'http://evil.example' })).toBe(403);
    expect(await statusWith(h, { host: `127.0.0.1:${h.port}` })).toBe(200);
    expect(d.proc.exitCode).toBeNull();
  });

  it('sends progress with the state and last message while a status call waits', async () => {
    h = await makeHome({ providers: PROVIDERS });
    d = await startDaemon(h);
    const repo = makeRepo();
    const client = new Client({ name: 'e2e-progress', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      const made = ok(await tool(client, 'ai_coder_create', { task: 'wait for go', repo, provider: 'gate' }));
      const c = ok(await tool(client, 'ai_coder_status', { coder_id: made.id, detail: 'full' }));
      const messages: string[] = [];
      const res = ok(
        await client.callTool(
          { name: 'ai_coder_status', arguments: { coder_id: c.id, wait_for: 'terminal', timeout_s: 30 } },
          undefined,
          {
            onprogress: (p) => {
              messages.push(p.message ?? '');
              // The agent waits for this file: it finishes only after progress has arrived.
              if (p.message === 'running: started') writeFileSync(join(c.workspace as string, 'go'), '');
            },
          },
        ),
      );
      expect(res).toMatchObject({ state: 'completed', timed_out: false });
      expect(messages).toContain('running: started');
      expect(messages.at(-1)).toBe('completed: finished');
      expect(messages.indexOf('running: started')).toBeLessThan(messages.length - 1);
    } finally {
      await client.close();
    }
  });

  it('runs the same flow through `aicoder mcp` over stdio', async () => {
    h = await makeHome({ providers: PROVIDERS });
    d = await startDaemon(h);
    const repo = makeRepo();
    const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: h.env, stderr: 'pipe' }),
    );
    try {
      await fullFlow(client, repo, h.home);
    } finally {
      await client.close();
    }
  });
});
