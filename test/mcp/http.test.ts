/**
 * createMcpHttpHandler on a real HTTP server on loopback: sessions, the SDK client over Streamable
 * HTTP, progress and resource notifications across HTTP, DELETE, DNS-rebinding protection.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHttpHandler, type McpHttpHandler } from '../../src/mcp/index.js';
import { freePort, waitFor } from '../helpers/env.js';
import { ok } from './connect.js';
import { listenLoopback, type LoopbackServer } from './loopback.js';
import { MemoryManager } from './memory-manager.js';
import { scaled } from '../helpers/load.js';

let manager: MemoryManager;
let handler: McpHttpHandler;
let loopback: LoopbackServer;
let port: number;
let url: URL;

beforeEach(async () => {
  manager = new MemoryManager();
  port = await freePort();
  handler = createMcpHttpHandler(manager, {
    log: () => {},
    allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
    allowedOrigins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
  });
  loopback = await listenLoopback(port, () => handler, { mcpOnly: true });
  url = loopback.url;
});

afterEach(async () => {
  await handler.close();
  await loopback.close();
});

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(url);
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A request with exactly these headers (fetch does not let a caller set Host). */
function raw(
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method,
        headers: { accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        // A session's SSE answer stays open: the first chunk is enough.
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          if (res.headers['content-type']?.includes('text/event-stream')) res.destroy();
        });
        const done = (): void =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            headers: res.headers,
          });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('content-type', 'application/json');
      req.end(JSON.stringify(body));
    } else req.end();
  });
}

function post(headers: Record<string, string>, body: unknown = initialize): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe('MCP over Streamable HTTP', () => {
  it('serves the tools per session and ends the session on DELETE', async () => {
    const { client, transport } = await connect();
    expect(transport.sessionId).toBeTruthy();
    expect(handler.sessionCount).toBe(1);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(6);
    const created = ok(
      (await client.callTool({
        name: 'ai_coder_create',
        arguments: { task: 'over http' },
      })) as CallToolResult,
    );
    expect(manager.coders.get(created.id)?.task).toBe('over http');

    const second = await connect();
    expect(handler.sessionCount).toBe(2);
    expect(second.transport.sessionId).not.toBe(transport.sessionId);

    await transport.terminateSession();
    await client.close();
    expect(handler.sessionCount).toBe(1);
    const stale = await post(
      { 'mcp-session-id': transport.sessionId ?? 'x' },
      { jsonrpc: '2.0', id: 2, method: 'ping' },
    );
    expect(stale.status).toBe(404);
    await second.client.close();
  });

  it('sends progress during a status wait and resource updates on the GET stream', async () => {
    const { client } = await connect();
    const c = await manager.create({ task: 'wait over http' });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    await client.subscribeResource({ uri: `aicoder://coders/${c.id}` });
    const progress: string[] = [];
    const pending = client.callTool(
      { name: 'ai_coder_status', arguments: { coder_id: c.id, wait_for: 'terminal', timeout_s: 20 } },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? '') },
    );
    await waitFor(() => progress.length >= 1, { what: 'first progress' });
    manager.setState(c.id, 'starting');
    await waitFor(() => progress.includes('starting'), { what: 'starting progress' });
    manager.setState(c.id, 'running');
    manager.setState(c.id, 'failed', { exit_code: 3, error: 'exited with code 3' });
    const res = ok((await pending) as CallToolResult);
    expect(res).toMatchObject({ state: 'failed', error: 'exited with code 3', timed_out: false });
    expect(progress.slice(0, 2)).toEqual(['queued', 'starting']);
    await waitFor(() => updated.length >= 3, { what: 'resource updates (starting, running, failed)' });
    expect(new Set(updated)).toEqual(new Set([`aicoder://coders/${c.id}`]));
    await client.close();
  });

  it('answers 403 to a foreign Host or Origin', async () => {
    const evilHost = await raw('POST', { host: 'evil.example:7777' }, initialize);
    expect(evilHost.status).toBe(403);
    expect(evilHost.text).toMatch(/Invalid Host header: evil.example:7777/);
    const evilOrigin = await raw(
      'POST',
      { host: `127.0.0.1:${port}`, origin: 'http://evil.example' },
      initialize,
    );
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.text).toMatch(/Invalid Origin header: http:\/\/evil.example/);
    expect(handler.sessionCount).toBe(0);
    const good = await raw(
      'POST',
      { host: `localhost:${port}`, origin: `http://localhost:${port}` },
      initialize,
    );
    expect(good.status).toBe(200);
    const sid = good.headers['mcp-session-id'] as string;
    expect(sid).toBeTruthy();
    // A known session with a foreign Host or Origin is refused too.
    expect((await raw('GET', { host: 'evil.example', 'mcp-session-id': sid })).status).toBe(403);
    expect(
      (
        await raw('DELETE', {
          host: `127.0.0.1:${port}`,
          origin: 'http://evil.example',
          'mcp-session-id': sid,
        })
      ).status,
    ).toBe(403);
    expect(handler.sessionCount).toBe(1);
  });

  it('refuses requests without a session, unknown methods and bad JSON', async () => {
    expect((await post({}, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(400);
    expect((await fetch(url, { method: 'GET', headers: { accept: 'text/event-stream' } })).status).toBe(400);
    expect((await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': 'nope' } })).status).toBe(404);
    expect((await fetch(url, { method: 'PUT' })).status).toBe(405);
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Parse error/);
  });

  it('evicts the least recently used idle session instead of refusing a new client', async () => {
    await handler.close();
    handler = createMcpHttpHandler(manager, {
      log: () => {},
      allowedHosts: [`127.0.0.1:${port}`],
      allowedOrigins: [],
      maxSessions: 3,
    });
    // One client keeps its GET stream open: busy, never evicted.
    const busy = await connect();
    const quiet: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await post({}, initialize);
      expect(res.status).toBe(200);
      quiet.push(res.headers.get('mcp-session-id')!);
      await res.body?.cancel();
    }
    expect(handler.sessionCount).toBe(3);
    // The busy client still works; the oldest quiet ones are gone, the newest is there.
    expect((await busy.client.listTools()).tools).toHaveLength(6);
    expect(
      (await post({ 'mcp-session-id': quiet[0]! }, { jsonrpc: '2.0', id: 2, method: 'ping' })).status,
    ).toBe(404);
    const newest = await post(
      { 'mcp-session-id': quiet[9]!, 'mcp-protocol-version': '2025-11-25' },
      { jsonrpc: '2.0', id: 2, method: 'ping' },
    );
    expect(newest.status).toBe(200);
    await busy.client.close();
  });

  it(
    'keeps the heap flat over 1,000 clients that never DELETE',
    async () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const heap = (): number => {
        gc();
        gc();
        return process.memoryUsage().heapUsed / 1048576;
      };
      const readings: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const res = await post({}, initialize);
        expect(res.status).toBe(200);
        await res.text();
        if (i === 399 || i === 999) readings.push(heap());
      }
      expect(handler.sessionCount).toBe(256);
      // 600 more abandoned clients leave nothing behind (a session is about 100 kB: 600 would be 60 MB).
      expect(readings[1]! - readings[0]!, readings.join(' → ')).toBeLessThan(5);
    },
    scaled(120_000),
  );

  it('refuses JSON-RPC batches on protocol versions without them', async () => {
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: 2, method: 'ping' },
    ];
    const first = await post({}, [initialize]);
    expect(first.status).toBe(400);
    expect(await first.text()).toMatch(/batches are not supported for initialize/);
    const init = await post({}, initialize);
    const sid = init.headers.get('mcp-session-id')!;
    await init.body?.cancel();
    const res = await post({ 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' }, batch);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: -32600, message: expect.stringMatching(/not supported in protocol version 2025-11-25/) },
    });
    // 2025-03-26 had batches: still served there.
    const old = await post(
      {},
      { ...initialize, params: { ...initialize.params, protocolVersion: '2025-03-26' } },
    );
    const oldSid = old.headers.get('mcp-session-id')!;
    await old.body?.cancel();
    await post({ 'mcp-session-id': oldSid }, { jsonrpc: '2.0', method: 'notifications/initialized' });
    const ok2 = await post({ 'mcp-session-id': oldSid, 'mcp-protocol-version': '2025-03-26' }, batch);
    expect(ok2.status).toBe(200);
  });

  it('closes the SSE stream of a cancelled call, which then no longer counts as open', async () => {
    const { client } = await connect();
    const c = await manager.create({ task: 'never ends' });
    const controller = new AbortController();
    const pending = client
      .callTool(
        { name: 'ai_coder_status', arguments: { coder_id: c.id, wait_for: 'terminal', timeout_s: 50 } },
        undefined,
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    await waitFor(() => manager.bus.size > 0, { what: 'the wait is registered' });
    const before = handler.openRequests;
    controller.abort('changed my mind'); // the SDK client sends notifications/cancelled
    await pending;
    await waitFor(() => handler.openRequests === before - 1, { what: 'the stream is closed' });
    await waitFor(() => manager.bus.size === 0, { what: 'the wait ended' });
    await client.close();
  });

  it('closes every session on close()', async () => {
    await connect();
    await connect();
    expect(handler.sessionCount).toBe(2);
    await handler.close();
    expect(handler.sessionCount).toBe(0);
    expect((await post({})).status).toBe(503);
  });
});
