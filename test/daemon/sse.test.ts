/**
 * The event stream and long polls in process: a real Manager (real store, git, processes) behind the
 * real HTTP server on a free loopback port, with short heartbeat and replay limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { createParser } from 'eventsource-parser';
import type { AicoderEvent } from '../../src/core/events.js';
import { createDaemonServer, type DaemonServer } from '../../src/daemon/server.js';
import type { SseOptions } from '../../src/daemon/sse.js';
import { cleanupTemp, freePort, makeRepo, waitFor } from '../helpers/env.js';
import { linesProvider, startTestManager, type TestManager } from '../helpers/manager.js';

let tm: TestManager | undefined;
let server: DaemonServer | undefined;

afterEach(async () => {
  await server?.close();
  await tm?.close();
  server = undefined;
  tm = undefined;
  cleanupTemp();
});

async function boot(sse: SseOptions): Promise<string> {
  tm = await startTestManager({
    providers: [linesProvider('lines'), linesProvider('slow', { delay: '0.05' })],
  });
  const port = await freePort();
  const started_at = new Date().toISOString();
  server = createDaemonServer({
    manager: tm.manager,
    log: () => undefined,
    port,
    health: () => ({ ok: true, pid: process.pid, port, home: tm!.home, version: 'test', started_at }),
    requestShutdown: () => undefined,
    sse,
  });
  await server.listen();
  return `http://127.0.0.1:${port}`;
}

/** Reads SSE messages and comment lines from a raw stream until `until` holds. */
/** One Server-Sent Event as the daemon sends it (`event` is "message" when the stream names none). */
interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

async function readStream(
  res: Response,
  until: (msgs: SseMessage[], comments: number) => boolean,
): Promise<{ msgs: SseMessage[]; comments: number }> {
  const msgs: SseMessage[] = [];
  let comments = 0;
  const parser = createParser({
    onEvent: (m) => msgs.push({ event: m.event ?? 'message', data: m.data, id: m.id }),
    onComment: (c) => {
      if (c.startsWith('ping')) comments++;
    },
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  while (!until(msgs, comments)) {
    const { value, done } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    parser.feed(text);
  }
  await reader.cancel();
  return { msgs, comments };
}

describe('SSE and long polls', () => {
  it('sends heartbeat comments', async () => {
    const base = await boot({ heartbeatMs: 50 });
    const res = await fetch(`${base}/api/events`);
    const { msgs, comments } = await readStream(res, (_m, c) => c >= 2);
    expect(comments).toBeGreaterThanOrEqual(2);
    expect(msgs[0]).toMatchObject({ event: 'ready' });
  });

  it('pages through a long replay, and sends `event: reset` when the client is too far behind', async () => {
    const base = await boot({ replayPage: 5, replayMaxPages: 100 });
    const client = createHttpClient({ baseUrl: base });
    const c = await client.create({ task: '30', repo: makeRepo(), provider: 'lines' });
    await client.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });

    // Read until the log entry itself (a coder record's last_message may say "line 30" earlier).
    const full = await readStream(
      await fetch(`${base}/api/events`, { headers: { 'last-event-id': '0:0' } }),
      (m) => m.some((x) => x.data.includes('"text":"line 30"')),
    );
    const lines = full.msgs
      .filter((m) => m.event === 'message')
      .map((m) => JSON.parse(m.data) as AicoderEvent)
      .flatMap((e) => (e.type === 'coder.log' && e.entry.stream !== 'system' ? [e.entry.text] : []));
    expect(lines).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    expect(full.msgs.some((m) => m.event === 'reset')).toBe(false);

    await server!.close();
    server = createDaemonServer({
      manager: tm!.manager,
      log: () => undefined,
      port: Number(new URL(base).port),
      health: () => ({ ok: true, pid: process.pid, port: 0, home: '', version: 'test', started_at: '' }),
      requestShutdown: () => undefined,
      sse: { replayPage: 5, replayMaxPages: 2 },
    });
    await server.listen();
    const resets: string[] = [];
    const sub = client.subscribe({
      lastEventId: '0:0',
      onEvent: () => undefined,
      onReset: () => resets.push('reset'),
    });
    await waitFor(() => resets.length === 1, { what: 'reset' });
    sub.close();
    const again = await readStream(await fetch(`${base}/api/events?last_event_id=0:0`), (m) =>
      m.some((x) => x.event === 'reset'),
    );
    const reset = again.msgs.find((m) => m.event === 'reset')!;
    expect(reset.id).toBe(tm!.manager.cursor());
    expect(JSON.parse(reset.data)).toEqual({ cursor: tm!.manager.cursor() });
  });

  it('ends a long poll and an event stream when the client goes away', async () => {
    const base = await boot({});
    const client = createHttpClient({ baseUrl: base });
    const c = await client.create({ task: '100000', repo: makeRepo(), provider: 'slow' });
    const ac = new AbortController();
    const poll = fetch(`${base}/api/coders/${c.id}/wait?for=completed&timeout_ms=50000`, {
      signal: ac.signal,
    });
    const stream = await fetch(`${base}/api/events`);
    await waitFor(() => server!.stats().inflight === 2 && server!.stats().sse === 1, { what: 'both open' });
    ac.abort();
    await expect(poll).rejects.toThrow();
    await stream.body!.cancel();
    await waitFor(() => server!.stats().inflight === 0 && server!.stats().sse === 0, { what: 'both closed' });
    await client.control(c.id, { action: 'stop' });
  });

  it('accepts any long-poll timeout (the server caps it at 50 s) and validates the target', async () => {
    const base = await boot({});
    const client = createHttpClient({ baseUrl: base });
    const c = await client.create({ task: '1', repo: makeRepo(), provider: 'lines' });
    await client.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });
    // Accepted (not an error), and answered at once since the state already holds.
    const r = await client.wait(c.id, { for: 'terminal', timeout_ms: 3_600_000 });
    expect(r).toMatchObject({ timed_out: false, coder: { state: 'completed' } });
    const bad = await fetch(`${base}/api/coders/${c.id}/wait?for=sleeping`);
    expect(bad.status).toBe(400);
  });
});
