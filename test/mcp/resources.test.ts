/** aicoder://coders and aicoder://coders/{id}: read, list and subscriptions. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
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
      ['aicoder://coders', `aicoder://coders/${a.id}`, `aicoder://coders/${b.id}`].sort(),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['aicoder://coders/{id}']);
    await expect(client.readResource({ uri: 'aicoder://coders/zz' })).rejects.toThrow(/no coder 'zz'/);
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
