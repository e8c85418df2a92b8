/**
 * The Node adapter for the SDK's web-standard transport (src/mcp/node-http.ts), through the real
 * /mcp handler on loopback: a call's stream carries the priming event then the answer; a GET stream
 * answers its headers before any event; whole answers carry their length; a client that goes away
 * ends its stream.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMcpHttpHandler, type McpHttpHandler } from '../../src/mcp/index.js';
import { freePort, waitFor } from '../helpers/env.js';
import { listenLoopback, type LoopbackServer } from './loopback.js';
import { MemoryManager } from './memory-manager.js';

let handler: McpHttpHandler;
let loopback: LoopbackServer;
let url: URL;

beforeEach(async () => {
  const port = await freePort();
  handler = createMcpHttpHandler(new MemoryManager(), {
    log: () => {},
    allowedHosts: [`127.0.0.1:${port}`],
    allowedOrigins: [],
  });
  loopback = await listenLoopback(port, () => handler);
  url = loopback.url;
});

afterEach(async () => {
  await handler.close();
  await loopback.close();
});

const VERSION = '2025-11-25';

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': VERSION,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** A session, initialized as a client does it; returns its id. */
async function session(): Promise<string> {
  const init = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  expect(init.status).toBe(200);
  const sid = init.headers.get('mcp-session-id')!;
  await init.text();
  const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sid });
  expect(note.status).toBe(202);
  return sid;
}

describe('node-http adapter', () => {
  it("streams a call's priming event, then its answer, and ends the stream", async () => {
    const sid = await session();
    const res = await post(
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'ai_coder_list', arguments: {} } },
      { 'mcp-session-id': sid },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter((e) => e.trim() !== '');
    // The priming event: an id to resume from, a retry, empty data (spec 2025-11-25).
    const prime = /^id: (\S+)_(\d+)\nretry: 1000\ndata: $/.exec(events[0]!);
    expect(prime).not.toBeNull();
    const [, stream, seq] = prime!;
    // The answer on the same stream, the next event id.
    expect(events[1]!.startsWith(`event: message\nid: ${stream}_${Number(seq) + 1}\ndata: {`)).toBe(true);
    expect(JSON.parse(events[1]!.split('\ndata: ')[1]!)).toMatchObject({ id: 2, result: {} });
    expect(events).toHaveLength(2);
    await waitFor(() => handler.openRequests === 0, { what: 'the call stream is closed' });
  });

  it('sends the headers of a GET stream before any event, and ends it when the client goes away', async () => {
    const sid = await session();
    const ac = new AbortController();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': sid, 'mcp-protocol-version': VERSION },
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(handler.openRequests).toBe(1);
    ac.abort();
    await res.body?.cancel().catch(() => undefined);
    await waitFor(() => handler.openRequests === 0, { what: 'the GET stream is closed' });
  });

  it('answers whole (non-stream) answers with their length', async () => {
    const sid = await session();
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'mcp-session-id': sid },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
    });
    expect(res.status).toBe(406);
    const text = await res.text();
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toMatchObject({ error: { message: expect.stringMatching(/Not Acceptable/) } });
  });
});
