/**
 * The stdio bridge's outbox on its own: the order it writes in, the ping it puts between a request's
 * progress and its result, and what it does with clients that never answer pings.
 */
import { describe, expect, it } from 'vitest';
import { createOutbox, type BridgeMsg } from '../../src/mcp/bridge-outbox.js';
import { waitFor } from '../helpers/env.js';

function setup(pingTimeoutMs = 60_000) {
  const out: BridgeMsg[] = [];
  const box = createOutbox({ idPrefix: 'b-', pingTimeoutMs, write: (m) => out.push(m) });
  const call = (id: number, token?: number): void =>
    box.request({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: token === undefined ? {} : { _meta: { progressToken: token } },
    });
  const progress = (token: number, n: number): BridgeMsg => ({
    jsonrpc: '2.0',
    method: 'notifications/progress',
    params: { progressToken: token, progress: n },
  });
  const result = (id: number): BridgeMsg => ({ jsonrpc: '2.0', id, result: {} });
  return { out, box, call, progress, result };
}

describe('bridge outbox', () => {
  it('writes a result after progress only once the client has answered a ping', async () => {
    const { out, box, call, progress, result } = setup();
    call(1, 1);
    box.send(progress(1, 1));
    box.send(result(1));
    await waitFor(() => out.length === 2, { what: 'progress and ping' });
    expect(out[0]).toMatchObject({ method: 'notifications/progress' });
    expect(out[1]).toMatchObject({ method: 'ping', id: 'b-ping-1' });
    expect(box.answer({ jsonrpc: '2.0', id: 'b-ping-1', result: {} })).toBe(true);
    await box.drained();
    expect(out[2]).toEqual(result(1));
  });

  it('writes results without progress at once, and keeps the order of everything', async () => {
    const { out, box, call, result } = setup();
    call(1);
    call(2, 2);
    box.send(result(2));
    box.send(result(1));
    await box.drained();
    expect(out).toEqual([result(2), result(1)]);
  });

  it('drops progress for a request that was answered, cancelled, or never forwarded', async () => {
    const { out, box, call, progress, result } = setup();
    call(1, 1);
    call(2, 2);
    box.send(result(1));
    box.send(progress(1, 1));
    box.cancelled(2);
    box.send(progress(2, 1));
    box.send(progress(9, 1));
    await box.drained();
    expect(out).toEqual([result(1)]);
  });

  it('stops pinging a client that does not answer, and writes the result after the timeout', async () => {
    const { out, box, call, progress, result } = setup(50);
    call(1, 1);
    box.send(progress(1, 1));
    box.send(result(1));
    await box.drained();
    expect(out.map((m) => m.method ?? m.id)).toEqual(['notifications/progress', 'ping', 1]);
    call(2, 2);
    box.send(progress(2, 1));
    box.send(result(2));
    await box.drained();
    expect(out.map((m) => m.method ?? m.id)).toEqual([
      'notifications/progress',
      'ping',
      1,
      'notifications/progress',
      2,
    ]);
    expect(box.answer({ jsonrpc: '2.0', id: 'b-ping-1', result: {} })).toBe(true); // late: still swallowed
  });

  it('does not hold results once the client is gone', async () => {
    const { out, box, call, progress, result } = setup();
    call(1, 1);
    box.send(progress(1, 1));
    box.send(result(1));
    await waitFor(() => out.length === 2, { what: 'the ping' });
    box.close();
    await box.drained();
    expect(out.at(-1)).toEqual(result(1));
  });
});
