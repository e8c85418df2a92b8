/**
 * GET /api/events — Server-Sent Events. Every event carries `id: E:L` (the resumption cursor after
 * it: last record-event id and last log id). A client resumes with Last-Event-ID (or ?last_event_id=);
 * when the manager cannot replay that far back the stream sends `event: reset` (refetch everything)
 * and continues live. A fresh stream starts with `event: ready` carrying the current cursor.
 * A comment line every 15 s keeps proxies and idle timers quiet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManagerApi } from '../core/api.js';
import type { AicoderEvent } from '../core/events.js';
import type { Logger } from '../core/ports.js';
import { parseCursor } from './validate.js';

export const HEARTBEAT_MS = 15_000;

export interface SseOptions {
  /** Comment line interval (default 15 s). */
  heartbeatMs?: number;
  /** Events per replay page (default 1000). */
  replayPage?: number;
  /** A client further behind than replayPage × replayMaxPages gets `event: reset` (default 100). */
  replayMaxPages?: number;
}
/** A client this far behind is cut off; it reconnects and resumes from its last id. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface SseHub {
  /** Opens a stream. `lastEventId` must already be validated with parseCursor. */
  open(req: IncomingMessage, res: ServerResponse, lastEventId: string | undefined): void;
  closeAll(): void;
  readonly size: number;
}

export function createSseHub(manager: ManagerApi, log: Logger, opts: SseOptions = {}): SseHub {
  const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  const replayPage = opts.replayPage ?? 1000;
  const replayMaxPages = opts.replayMaxPages ?? 100;
  const streams = new Set<ServerResponse>();

  function open(req: IncomingMessage, res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // The stream is the whole connection: when it ends, so does the socket.
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    streams.add(res);
    let pos = { e: 0, l: 0 };
    const cursor = () => `${pos.e}:${pos.l}`;
    let closed = false;

    const write = (chunk: string) => {
      if (closed) return;
      res.write(chunk);
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        log('warn', 'sse client too slow; closing its stream', { buffered: res.writableLength });
        finish();
        res.destroy();
      }
    };

    const send = (ev: AicoderEvent) => {
      if (ev.type === 'coder.log') {
        if (ev.log_id <= pos.l) return;
        pos.l = ev.log_id;
      } else {
        if (ev.event_id <= pos.e) return;
        pos.e = ev.event_id;
      }
      write(`id: ${cursor()}\ndata: ${JSON.stringify(ev)}\n\n`);
    };

    // Subscribing, replaying and reading the cursor happen in one synchronous run: no event can slip
    // between them. `send` drops anything at or before the position already sent.
    const unsubscribe = manager.subscribe(send);
    const heartbeat = setInterval(() => write(`: ping ${new Date().toISOString()}\n\n`), heartbeatMs);
    heartbeat.unref();

    function finish(): void {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    }
    res.on('close', finish);
    req.on('error', finish);

    if (lastEventId === undefined) {
      pos = parseCursor(manager.cursor(), 'cursor');
      write(`id: ${cursor()}\nevent: ready\ndata: ${JSON.stringify({ cursor: cursor() })}\n\n`);
      return;
    }
    pos = parseCursor(lastEventId, 'last_event_id');
    let complete = false;
    for (let page = 0; page < replayMaxPages && !closed; page++) {
      const r = manager.replay(cursor(), replayPage);
      const before = cursor();
      for (const ev of r.events) send(ev);
      if (r.complete) {
        complete = true;
        break;
      }
      if (cursor() === before) break; // no progress: the history is gone
    }
    if (!complete) {
      pos = parseCursor(manager.cursor(), 'cursor');
      write(`id: ${cursor()}\nevent: reset\ndata: ${JSON.stringify({ cursor: cursor() })}\n\n`);
    }
  }

  return {
    open,
    closeAll() {
      for (const res of [...streams]) res.end();
      streams.clear();
    },
    get size() {
      return streams.size;
    },
  };
}
