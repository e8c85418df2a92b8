/**
 * Stream resumption for Streamable HTTP (MCP spec 2025-11-25, basic/transports "Resumability and
 * Redelivery"): the SDK's EventStore, one per MCP session, kept in memory and bounded. Every message
 * the server sends on an SSE stream is stored with an event id; a client whose stream broke sends a
 * GET with `Last-Event-ID` and gets every later message of that stream replayed, then the rest live.
 *
 * Event ids are `<stream id>_<seq>`: seq counts the session's events from 1, so an id names its
 * stream even after the event itself was dropped. The store keeps at most `maxEvents` events and
 * `maxBytes` of their JSON; the oldest go first. A resume that would miss a dropped event of its
 * stream is refused (the SDK answers 500) rather than replayed with a hole: the client then gives
 * up on that request instead of waiting for a result that never comes.
 *
 * The JSON copy of a message is made after the current turn of the event loop (setImmediate), not in
 * `storeEvent`: the SDK writes the message to its stream right after storing it, so the copy no
 * longer delays the answer (about 0.1–0.2 ms for a 17 KB list answer). A replay, `bytes` and the
 * byte bound make the pending copies first. Neither the SDK nor our tools change a message once it
 * is sent, so the copy equals what was sent.
 */
import type { EventStore, EventId, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface SessionEventStoreOptions {
  /** At most this many events are kept (default 1,000). */
  maxEvents?: number;
  /** At most this many bytes of stored JSON are kept (default 1 MiB). */
  maxBytes?: number;
  /**
   * Called after a replay whose stream already carried its response: nothing more will come on it,
   * so the caller may close the resumed stream (the SDK keeps it open otherwise).
   */
  onReplayedComplete?: (streamId: StreamId) => void;
}

interface Stored {
  id: EventId;
  streamId: StreamId;
  seq: number;
  /** The message's JSON; undefined until the pending copies are made (`flush`). */
  json: string | undefined;
  /** The message until its JSON is made (then, or once dropped, undefined). */
  message: JSONRPCMessage | undefined;
}

interface StreamState {
  /** Events of this stream still stored. */
  count: number;
  /** The highest seq of this stream that was dropped (0: none). */
  droppedUpTo: number;
  /** A response was stored on it: the stream is complete. */
  complete: boolean;
  /** The request was cancelled: a resume is refused. */
  ended: boolean;
}

/** Streams whose events are all gone are forgotten beyond this many (oldest first). */
const MAX_FORGOTTEN = 1000;

export class SessionEventStore implements EventStore {
  private readonly events: Stored[] = [];
  /** Index of the first live entry in `events` (dropped entries are compacted away in batches). */
  private head = 0;
  private seq = 0;
  private bytesHeld = 0;
  private readonly streams = new Map<StreamId, StreamState>();
  /** The highest seq ever dropped, for streams the store no longer remembers. */
  private droppedUpTo = 0;
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  /** Events stored since the last flush, whose JSON is not made yet. */
  private pending: Stored[] = [];
  private flushScheduled = false;

  constructor(private readonly opts: SessionEventStoreOptions = {}) {
    this.maxEvents = opts.maxEvents ?? 1000;
    this.maxBytes = opts.maxBytes ?? 1024 * 1024;
  }

  /** Stored events and their bytes of JSON (for tests and health). */
  get size(): number {
    return this.events.length - this.head;
  }
  get bytes(): number {
    this.flush();
    return this.bytesHeld;
  }

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    this.seq += 1;
    const id = `${streamId}_${this.seq}`;
    const e: Stored = { id, streamId, seq: this.seq, json: undefined, message };
    this.events.push(e);
    this.pending.push(e);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    const s = this.stream(streamId);
    s.count += 1;
    if ('id' in message && ('result' in message || 'error' in message)) s.complete = true;
    this.trim();
    return Promise.resolve(id);
  }

  /** Makes the JSON copies of the pending events, then applies the byte bound. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    for (const e of pending) {
      if (e.message === undefined) continue; // dropped meanwhile
      e.json = JSON.stringify(e.message);
      e.message = undefined;
      this.bytesHeld += e.json.length;
    }
    this.trim();
  }

  /** Marks a stream's request as cancelled: a later resume of it is refused. */
  end(streamId: StreamId): void {
    this.stream(streamId).ended = true;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    this.flush();
    const cut = lastEventId.lastIndexOf('_');
    const streamId = lastEventId.slice(0, cut);
    const after = Number(lastEventId.slice(cut + 1));
    if (cut <= 0 || !Number.isSafeInteger(after) || after < 1 || after > this.seq) {
      throw new Error(`unknown Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 100))}`);
    }
    const s = this.streams.get(streamId);
    if (s?.ended) throw new Error(`stream ${streamId} ended: its request was cancelled`);
    const dropped = s ? s.droppedUpTo : this.droppedUpTo;
    if (dropped > after) {
      throw new Error(`events after ${lastEventId} were dropped (the session's event store is full)`);
    }
    const replay = this.events.slice(this.head).filter((e) => e.streamId === streamId && e.seq > after);
    for (const e of replay) await send(e.id, JSON.parse(e.json!) as JSONRPCMessage);
    if (s?.complete) this.opts.onReplayedComplete?.(streamId);
    return streamId;
  }

  private stream(streamId: StreamId): StreamState {
    let s = this.streams.get(streamId);
    if (!s) {
      s = { count: 0, droppedUpTo: 0, complete: false, ended: false };
      this.streams.set(streamId, s);
    }
    return s;
  }

  /** Drops the oldest events beyond the bounds, and forgets streams with none left beyond MAX_FORGOTTEN. */
  private trim(): void {
    while (this.size > this.maxEvents || (this.bytesHeld > this.maxBytes && this.size > 1)) {
      const e = this.events[this.head]!;
      this.head += 1;
      this.bytesHeld -= e.json?.length ?? 0;
      e.message = undefined;
      this.droppedUpTo = e.seq;
      const s = this.streams.get(e.streamId);
      if (s) {
        s.count -= 1;
        s.droppedUpTo = e.seq;
      }
    }
    if (this.head > 256 && this.head * 2 > this.events.length) {
      this.events.splice(0, this.head);
      this.head = 0;
    }
    if (this.streams.size > MAX_FORGOTTEN) {
      for (const [id, s] of this.streams) {
        if (this.streams.size <= MAX_FORGOTTEN) break;
        if (s.count === 0) this.streams.delete(id);
      }
    }
  }
}
