/** The in-memory client follows the daemon's rules: the state machine, remove guards, log paging, events. */
import { describe, expect, test } from 'vitest';
import type { AicoderEvent } from '../../src/core/events.js';
import { MemoryClient } from '../helpers/memory-client.js';

describe('MemoryClient', () => {
  test('actions follow the state machine; illegal ones fail with illegal_transition', async () => {
    const c = new MemoryClient();
    const a = c.add({ id: 'aaaa0001', state: 'running' });
    await expect(c.control(a.id, { action: 'resume' })).rejects.toMatchObject({ code: 'illegal_transition' });
    expect((await c.control(a.id, { action: 'pause' })).coder.state).toBe('paused');
    expect((await c.control(a.id, { action: 'resume' })).coder.state).toBe('running');
    await expect(c.control(a.id, { action: 'remove' })).rejects.toMatchObject({ code: 'illegal_transition' });
    expect((await c.control(a.id, { action: 'stop' })).coder.state).toBe('stopped');
    expect((await c.control(a.id, { action: 'restart' })).coder.state).toBe('running');
    await expect(c.control(a.id, { action: 'message', message: 'hi' })).rejects.toMatchObject({
      code: 'illegal_transition',
    });
    await expect(c.control('zzzz', { action: 'stop' })).rejects.toMatchObject({ code: 'not_found' });
  });

  test('remove guards refuse unless forced; force stops a live coder first', async () => {
    const c = new MemoryClient();
    c.add({ id: 'aaaa0001', state: 'completed' });
    c.guards.set('aaaa0001', 'unmerged_commits');
    await expect(c.control('aaaa0001', { action: 'remove' })).rejects.toMatchObject({
      code: 'unmerged_commits',
    });
    expect((await c.control('aaaa0001', { action: 'remove', force: true })).removed).toBe(true);
    c.add({ id: 'aaaa0002', state: 'running' });
    expect((await c.control('aaaa0002', { action: 'remove', force: true })).removed).toBe(true);
    expect(c.coders.size).toBe(0);
  });

  test('events reach subscribers; create runs through queued → starting → running', async () => {
    const c = new MemoryClient();
    const seen: AicoderEvent[] = [];
    const sub = c.subscribe({ onEvent: (e) => seen.push(e) });
    const made = await c.create({ task: 'do it', provider: 'codex' });
    expect(made.state).toBe('running');
    expect(seen.map((e) => (e.type === 'coder.state' ? `${e.from}>${e.coder.state}` : e.type))).toEqual([
      'coder.created',
      'queued>starting',
      'starting>running',
    ]);
    await expect(c.create({ task: ' ' })).rejects.toMatchObject({ code: 'invalid_input', field: 'task' });
    await expect(c.create({ task: 'x', provider: 'nope' })).rejects.toMatchObject({
      code: 'unknown_provider',
    });
    sub.close();
    expect(c.subscriberCount).toBe(0);
  });

  test('logs: tail, since_seq and pages of 1000 like the daemon', async () => {
    const c = new MemoryClient();
    c.add({ id: 'aaaa0001' });
    c.appendLogs(
      'aaaa0001',
      Array.from({ length: 2500 }, (_, i) => `l${i + 1}`),
      { silent: true },
    );
    const tail = await c.logs('aaaa0001', { tail: 3 });
    expect(tail.entries.map((e) => e.seq)).toEqual([2498, 2499, 2500]);
    const page = await c.logs('aaaa0001', { since_seq: 10 });
    expect(page.entries.length).toBe(1000);
    expect(page.entries[0]!.seq).toBe(11);
    expect(page.next_seq).toBe(1010);
    const list = await c.list({ limit: 1 });
    expect(list).toMatchObject({ total: 1, next_cursor: null });
  });
});
