/**
 * The live event stream of the daemon (`GET /api/events`, Server-Sent Events; src/daemon/sse.ts):
 * resumption by the last event id (`Last-Event-ID`), reconnection with exponential backoff, `reset`
 * when the daemon cannot replay from our position.
 */
import type { AicoderEvent } from '../core/events.js';
import { ROUTES } from '../protocol/route-paths.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { EventSubscription, SubscribeOptions } from './types.js';

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;

/** SSE over fetch with automatic reconnection (exponential backoff) and resumption by last event id. */
export function subscribeEvents(
  baseUrl: string,
  opts: SubscribeOptions,
  authHeaders: Readonly<Record<string, string>> = {},
): EventSubscription {
  let lastId = opts.lastEventId;
  let closed = false;
  let failures = 0;
  let ac: AbortController | null = null;
  let timer: NodeJS.Timeout | null = null;

  // eventsource-parser leaves `event` undefined when the stream names none (the WHATWG default is
  // "message").
  const handle = (m: EventSourceMessage) => {
    if (m.id !== undefined) lastId = m.id;
    switch (m.event ?? 'message') {
      case 'reset':
        opts.onReset?.();
        return;
      case 'message': {
        if (m.data === '') return;
        let ev: AicoderEvent;
        try {
          ev = JSON.parse(m.data) as AicoderEvent;
        } catch {
          return;
        }
        opts.onEvent(ev, m.id ?? lastId ?? '');
        return;
      }
      default:
        return; // "ready" and future event types only move the id
    }
  };

  const connect = async (): Promise<void> => {
    timer = null;
    opts.onStatus?.(failures === 0 ? 'connecting' : 'reconnecting');
    ac = new AbortController();
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      const res = await fetch(`${baseUrl}${ROUTES.events.path}`, { headers, signal: ac.signal });
      if (res.status === 400 && lastId !== undefined) {
        // The server does not understand our position: start over.
        await res.body?.cancel();
        lastId = undefined;
        opts.onReset?.();
        throw new Error('bad last event id');
      }
      if (!res.ok || res.body === null) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      failures = 0;
      opts.onStatus?.('connected');
      const parser = createParser({ onEvent: handle });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        if (closed) break;
        parser.feed(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      /* reconnect below */
    }
    if (closed) return;
    failures += 1;
    opts.onStatus?.('reconnecting');
    const wait = Math.min(BACKOFF_MIN_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    timer = setTimeout(() => void connect(), wait);
  };

  void connect();
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      ac?.abort();
    },
  };
}
