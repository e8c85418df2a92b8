/**
 * runStdioBridge in-process: the SDK Client speaks newline-delimited JSON-RPC over a pair of streams
 * (the same framing as stdio) to the bridge, which forwards to a real HTTP /mcp endpoint.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  createMcpHttpHandler,
  mcpUrl,
  runStdioBridge,
  TOOL_NAMES,
  type McpHttpHandler,
} from '../../src/mcp/index.js';
import { freePort, waitFor } from '../helpers/env.js';
import { ok } from './connect.js';
import { listenLoopback, type LoopbackServer } from './loopback.js';
import { MemoryManager } from './memory-manager.js';

let manager: MemoryManager;
let handler: McpHttpHandler;
let loopback: LoopbackServer;
let port: number;

function newHandler(): McpHttpHandler {
  return createMcpHttpHandler(manager, {
    log: () => {},
    allowedHosts: [`127.0.0.1:${port}`],
    allowedOrigins: [],
  });
}

beforeEach(async () => {
  manager = new MemoryManager();
  port = await freePort();
  handler = newHandler();
  loopback = await listenLoopback(port, () => handler);
});

afterEach(async () => {
  await handler.close();
  await loopback.close();
});

function startBridge(baseUrl: string): {
  client: Client;
  input: PassThrough;
  bridge: Promise<void>;
  connect: () => Promise<void>;
} {
  const input = new PassThrough(); // client → bridge ("stdin")
  const output = new PassThrough(); // bridge → client ("stdout")
  const bridge = runStdioBridge({ baseUrl, stdin: input, stdout: output });
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  // The SDK's stdio framing over the two streams, used from the client's side.
  const transport = new StdioServerTransport(output, input);
  return { client, input, bridge, connect: () => client.connect(transport) };
}

describe('runStdioBridge', () => {
  it('forwards requests, progress and resource notifications both ways, and ends the session', async () => {
    const { client, input, bridge, connect } = startBridge(`http://127.0.0.1:${port}`);
    await connect();
    expect(client.getServerVersion()?.name).toBe('aicoder');
    expect(client.getInstructions()).toMatch(/ai_coder_create/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toHaveLength(6);
    await waitFor(() => handler.sessionCount === 1, { what: 'the daemon session' });

    const c = ok(
      (await client.callTool({
        name: 'ai_coder_create',
        arguments: { task: 'via stdio' },
      })) as CallToolResult,
    );
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
    await waitFor(() => progress.length >= 1, { what: 'progress through the bridge' });
    manager.setState(c.id, 'stopped');
    expect(ok((await pending) as CallToolResult).state).toBe('stopped');
    expect(progress[0]).toBe('queued');
    await waitFor(() => updated.length >= 1, { what: 'resource update through the bridge' });

    const bad = (await client.callTool({
      name: 'ai_coder_status',
      arguments: { coder_id: 'zz' },
    })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(bad.content[0]).toMatchObject({ text: "no coder 'zz'; ai_coder_list shows the ids" });

    input.end();
    await bridge;
    expect(handler.sessionCount).toBe(0);
  });

  it('re-initializes transparently when the daemon lost the session', async () => {
    const { client, input, bridge, connect } = startBridge(`http://127.0.0.1:${port}/mcp`);
    await connect();
    await manager.create({ task: 'before restart' });
    const old = handler;
    handler = newHandler(); // a "restarted daemon": no sessions
    await old.close();
    const list = ok((await client.callTool({ name: 'ai_coder_list', arguments: {} })) as CallToolResult);
    expect(list.total).toBe(1);
    expect(handler.sessionCount).toBe(1);
    input.end();
    await bridge;
  });

  it('answers requests with an error naming the daemon when it is unreachable', async () => {
    const deadPort = await freePort();
    const { client, input, bridge, connect } = startBridge(`http://127.0.0.1:${deadPort}`);
    // initialize and tools/list never need the daemon.
    await connect();
    expect((await client.listTools()).tools).toHaveLength(6);
    await expect(client.callTool({ name: 'ai_coder_list', arguments: {} })).rejects.toThrow(
      `aicoder daemon at http://127.0.0.1:${deadPort}/mcp did not answer`,
    );
    input.end();
    await bridge;
  });

  it('answers initialize and tools/list before the daemon is there, and holds calls until it is', async () => {
    let release: (url: string) => void = () => {};
    const daemonUp = new Promise<string>((resolve) => (release = resolve));
    let asked = 0;
    const input = new PassThrough();
    const output = new PassThrough();
    const bridge = runStdioBridge({
      baseUrl: () => {
        asked += 1;
        return daemonUp;
      },
      stdin: input,
      stdout: output,
    });
    const client = new Client({ name: 'early', version: '1.0.0' });
    await client.connect(new StdioServerTransport(output, input));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    // The same tools as the daemon's own tools/list.
    const direct = new Client({ name: 'direct', version: '1.0.0' });
    await direct.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    expect(tools).toEqual((await direct.listTools()).tools);
    await direct.close();
    expect(asked).toBe(1); // the daemon is being looked for in the background
    const call = client.callTool({ name: 'ai_coder_list', arguments: {} });
    let answered = false;
    void call.then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    release(`http://127.0.0.1:${port}`);
    expect(ok((await call) as CallToolResult).total).toBe(0);
    input.end();
    await bridge;
  });

  it('replays resource subscriptions on the new session after a daemon restart', async () => {
    const { client, input, bridge, connect } = startBridge(`http://127.0.0.1:${port}`);
    await connect();
    const c = await manager.create({ task: 'watched across a restart' });
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    await client.subscribeResource({ uri: `aicoder://coders/${c.id}` });
    manager.setState(c.id, 'starting');
    await waitFor(() => updated.length === 1, { what: 'update before the restart' });
    const old = handler;
    handler = newHandler(); // a "restarted daemon": no sessions
    await old.close();
    // No request from the client: the bridge notices the broken stream and subscribes again.
    await waitFor(() => handler.sessionCount === 1 && manager.bus.size === 1, {
      what: 'a new session with the subscription replayed',
      timeoutMs: 20_000,
    });
    // The new server stream opens just after the session: change the coder until an update arrives.
    let turns = 0;
    await waitFor(
      () => {
        manager.update(c.id, { stats: { ...c.stats, turns: ++turns } });
        return updated.length >= 2;
      },
      { what: 'update after the restart', intervalMs: 100 },
    );
    expect(new Set(updated)).toEqual(new Set([`aicoder://coders/${c.id}`]));
    input.end();
    await bridge;
  });

  it('builds the /mcp URL from a base URL', () => {
    expect(mcpUrl('http://127.0.0.1:7777').href).toBe('http://127.0.0.1:7777/mcp');
    expect(mcpUrl('http://127.0.0.1:7777/').href).toBe('http://127.0.0.1:7777/mcp');
    expect(mcpUrl('http://127.0.0.1:7777/mcp').href).toBe('http://127.0.0.1:7777/mcp');
  });
});
