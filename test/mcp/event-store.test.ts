/** The per-session SSE event store (src/mcp/event-store.ts): replay order, bounds, refusals. */
import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { SessionEventStore } from '../../src/mcp/event-store.js';

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 1, progress: n },
});

async function replay(store: SessionEventStore, after: string): Promise<[string, JSONRPCMessage[]]> {
  const got: JSONRPCMessage[] = [];
  const stream = await store.replayEventsAfter(after, {
    send: (_id, m) => Promise.resolve(void got.push(m)),
  });
  return [stream, got];
}

describe('SessionEventStore', () => {
  it("replays a stream's later events in order, and only that stream's", async () => {
    const s = new SessionEventStore();
    const first = await s.storeEvent('a', {} as JSONRPCMessage);
    await s.storeEvent('b', note(0));
    for (let i = 1; i <= 3; i++) await s.storeEvent('a', note(i));
    const [stream, got] = await replay(s, first);
    expect(stream).toBe('a');
    expect(got).toEqual([note(1), note(2), note(3)]);
  });

  it('keeps at most maxEvents and maxBytes, and refuses a resume that would skip a dropped event', async () => {
    const s = new SessionEventStore({ maxEvents: 10, maxBytes: 100_000 });
    const first = await s.storeEvent('a', note(0));
    for (let i = 1; i <= 50; i++) await s.storeEvent('a', note(i));
    expect(s.size).toBe(10);
    await expect(replay(s, first)).rejects.toThrow(/dropped/);
    const small = new SessionEventStore({ maxBytes: 1000 });
    for (let i = 0; i < 200; i++) await small.storeEvent('a', note(i));
    expect(small.bytes).toBeLessThanOrEqual(1000);
    // The newest are kept: a resume from a recent id works.
    const last = await small.storeEvent('a', note(200));
    await small.storeEvent('a', note(201));
    expect((await replay(small, last))[1]).toEqual([note(201)]);
  });

  it('refuses unknown ids and cancelled streams, and reports a replayed response', async () => {
    const done: string[] = [];
    const s = new SessionEventStore({ onReplayedComplete: (id) => done.push(id) });
    await expect(replay(s, 'nonsense')).rejects.toThrow(/unknown Last-Event-ID/);
    const p = await s.storeEvent('x', {} as JSONRPCMessage);
    s.end('x');
    await expect(replay(s, p)).rejects.toThrow(/cancelled/);
    const q = await s.storeEvent('y', {} as JSONRPCMessage);
    await s.storeEvent('y', { jsonrpc: '2.0', id: 7, result: {} });
    expect((await replay(s, q))[1]).toHaveLength(1);
    expect(done).toEqual(['y']);
  });
});

describe('SessionEventStore copies', () => {
  it('replays what was sent even before the deferred JSON copy, and later changes to the object do not leak in', async () => {
    const s = new SessionEventStore();
    const first = await s.storeEvent('a', {} as JSONRPCMessage);
    const sent = note(1);
    await s.storeEvent('a', sent);
    // No turn of the event loop has passed: the copy is made for the replay.
    expect((await replay(s, first))[1]).toEqual([note(1)]);
    const params = { progressToken: 1, progress: 2 };
    await s.storeEvent('a', { jsonrpc: '2.0', method: 'notifications/progress', params });
    await new Promise((resolve) => setImmediate(resolve));
    params.progress = 99;
    expect((await replay(s, first))[1]).toEqual([note(1), note(2)]);
    expect(s.bytes).toBe(JSON.stringify({}).length + 2 * JSON.stringify(note(1)).length);
  });
});
