/** aicoder://coders and aicoder://coders/{id}: read, list and subscriptions. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { waitFor } from '../helpers/env.js';
import { connectMemory, type Json } from './connect.js';
import { MemoryManager } from './memory-manager.js';

let manager: MemoryManager;
let client: Client;
let close: () => Promise<void>;

beforeEach(async () => {
  manager = new MemoryManager();
  ({ client, close } = await connectMemory(manager));
});
afterEach(async () => {
  await close();
});

function body(res: Awaited<ReturnType<Client['readResource']>>): Json {
  const c = res.contents[0]!;
  expect(c.mimeType).toBe('application/json');
  return JSON.parse(String((c as { text: string }).text));
}

describe('resources', () => {
  it('reads the list and one coder as JSON, and lists each coder', async () => {
    const a = await manager.create({ task: 'first' });
    const b = await manager.create({ task: 'second' });
    const list = body(await client.readResource({ uri: 'aicoder://coders' }));
    expect(list.total).toBe(2);
    expect(list.coders.map((c: Json) => c.id)).toEqual([b.id, a.id]);
    const one = body(await client.readResource({ uri: `aicoder://coders/${a.id}` }));
    expect(one).toMatchObject({ id: a.id, task: 'first', stats: { turns: 0 } });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(
      [
        'aicoder://coders',
        'aicoder://stats',
        'aicoder://roles',
        `aicoder://coders/${a.id}`,
        `aicoder://coders/${b.id}`,
      ].sort(),
    );
    expect(list.coders[0]).toMatchObject({ id: b.id, name: 'second', stats: '' });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['aicoder://coders/{id}']);
    await expect(client.readResource({ uri: 'aicoder://coders/zz' })).rejects.toThrow(/no coder 'zz'/);
  });

  it('pages resources/list with nextCursor', async () => {
    for (let i = 0; i < 130; i++) await manager.create({ task: `t${i}` });
    const first = await client.listResources();
    expect(first.resources).toHaveLength(103); // the list, the stats, the roles and 100 coders
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.listResources({ cursor: first.nextCursor! });
    expect(second.resources).toHaveLength(30);
    expect(second.nextCursor).toBeUndefined();
    const uris = new Set([...first.resources, ...second.resources].map((r) => r.uri));
    expect(uris.size).toBe(133);
  });

  it('serves the fleet stats: counts by state, running and queued, totals by provider, uptime', async () => {
    const a = await manager.create({ task: 'a' });
    await manager.create({ task: 'b', provider: 'claude' });
    manager.update(a.id, { stats: { ...a.stats, tokens_in: 1000, tokens_out: 200, cost_usd: 0.25 } });
    manager.setState(a.id, 'starting');
    manager.setState(a.id, 'running');
    const stats = body(await client.readResource({ uri: 'aicoder://stats' }));
    expect(stats).toMatchObject({
      total: 2,
      running: 1,
      queued: 1,
      by_state: { running: 1, queued: 1, completed: 0 },
      by_provider: {
        lines: { coders: 1, tokens_in: 1000, tokens_out: 200, cost_usd: 0.25 },
        claude: { coders: 1, tokens_in: 0, tokens_out: 0, cost_usd: 0 },
      },
      tokens_in: 1000,
      cost_usd: 0.25,
    });
    expect(stats.uptime_s).toBeGreaterThanOrEqual(0);
  });

  it('uses one code for every unknown resource, and -32602 with a short message for bad params', async () => {
    for (const uri of ['aicoder://coders/zz', 'aicoder://nope', 'file:///etc/passwd']) {
      await expect(client.readResource({ uri })).rejects.toMatchObject({ code: -32002 });
      await expect(client.subscribeResource({ uri })).rejects.toMatchObject({ code: -32002 });
    }
    const raw = (method: string, params: unknown) =>
      client.request({ method, params } as never, ResultSchema);
    await expect(raw('resources/read', {})).rejects.toMatchObject({
      code: -32602,
      message: 'MCP error -32602: Invalid params for resources/read: params.uri is required',
    });
    await expect(raw('tools/call', { arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: 'MCP error -32602: Invalid params for tools/call: params.name is required',
    });
    await expect(raw('tools/call', { name: 7 })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/params\.name must be a string \(got number\)$/),
    });
  });

  it('sends list_changed to every session that listed resources, not only subscribers', async () => {
    const second = await connectMemory(manager);
    try {
      const changed: number[] = [];
      client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
        changed.push(1);
      });
      const other: number[] = [];
      second.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
        other.push(1);
      });
      await client.listResources();
      const c = await manager.create({ task: 'new' });
      await waitFor(() => changed.length === 1, { what: 'list_changed' });
      manager.setState(c.id, 'stopped');
      await manager.control(c.id, { action: 'remove', force: true });
      await waitFor(() => changed.length === 2, { what: 'list_changed after remove' });
      // The second session never listed resources: it is not bothered.
      expect(other).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('sends resources/updated to subscribers on state changes, and stops after unsubscribe', async () => {
    expect(client.getServerCapabilities()?.resources?.subscribe).toBe(true);
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    const c = await manager.create({ task: 'watch me' });
    await client.subscribeResource({ uri: `aicoder://coders/${c.id}` });
    await client.subscribeResource({ uri: 'aicoder://coders' });
    expect(manager.bus.size).toBe(1);
    manager.setState(c.id, 'starting');
    await waitFor(() => updated.length >= 2, { what: 'updates' });
    expect(updated.sort()).toEqual(['aicoder://coders', `aicoder://coders/${c.id}`]);

    await client.unsubscribeResource({ uri: 'aicoder://coders' });
    updated.length = 0;
    manager.setState(c.id, 'running');
    await waitFor(() => updated.length >= 1, { what: 'coder update' });
    await client.unsubscribeResource({ uri: `aicoder://coders/${c.id}` });
    expect(updated).toEqual([`aicoder://coders/${c.id}`]);
    expect(manager.bus.size).toBe(0);
    await expect(client.subscribeResource({ uri: 'aicoder://coders/zz' })).rejects.toThrow(/no coder 'zz'/);
  });

  it('notifies with the URI the client subscribed with, also for an id prefix', async () => {
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });
    const c = await manager.create({ task: 'prefix' });
    await client.subscribeResource({ uri: `aicoder://coders/${c.id.slice(0, 5)}` });
    manager.setState(c.id, 'stopped');
    await waitFor(() => updated.length >= 1, { what: 'update' });
    expect(updated).toEqual([`aicoder://coders/${c.id.slice(0, 5)}`]);
  });

  it('stops listening to the manager when the session closes', async () => {
    const c = await manager.create({ task: 'x' });
    await client.subscribeResource({ uri: `aicoder://coders/${c.id}` });
    expect(manager.bus.size).toBe(1);
    await close();
    await waitFor(() => manager.bus.size === 0, { what: 'unsubscribed' });
    ({ client, close } = await connectMemory(manager));
  });
});
