/**
 * Resumption cursors for the event stream: "E:L" = last record event id and last global log id seen.
 * Both sequences are persisted, so a client can resume across daemon restarts.
 */
import type { Coder } from './coder.js';
import { AicoderError } from './errors.js';
import type { AicoderEvent } from './events.js';
import type { CoderStore, StoredEvent } from './ports.js';

export interface Cursor {
  event: number;
  log: number;
}

export function formatCursor(c: Cursor): string {
  return `${c.event}:${c.log}`;
}

export function parseCursor(s: string): Cursor {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(s.trim());
  if (!m) {
    throw new AicoderError(
      'invalid_input',
      `last_event_id must look like "<event>:<log>" (got '${s.slice(0, 40)}')`,
      {
        field: 'last_event_id',
      },
    );
  }
  return { event: Number(m[1]), log: Number(m[2]) };
}

/** Advances a cursor past one event. */
export function advance(c: Cursor, e: AicoderEvent): Cursor {
  return e.type === 'coder.log'
    ? { event: c.event, log: Math.max(c.log, e.log_id) }
    : { event: Math.max(c.event, e.event_id), log: c.log };
}

function toEvent(s: StoredEvent): AicoderEvent | null {
  const p = s.payload as { coder?: Coder; from?: Coder['state']; id?: string };
  switch (s.type) {
    case 'coder.created':
      return p.coder ? { type: 'coder.created', event_id: s.id, coder: p.coder } : null;
    case 'coder.updated':
      return p.coder ? { type: 'coder.updated', event_id: s.id, coder: p.coder } : null;
    case 'coder.state':
      return p.coder && p.from ? { type: 'coder.state', event_id: s.id, coder: p.coder, from: p.from } : null;
    case 'coder.removed':
      return { type: 'coder.removed', event_id: s.id, id: p.id ?? s.coder_id };
    default:
      return null;
  }
}

/** Record events and log entries after the cursor, merged in time order. */
export function replayEvents(
  store: CoderStore,
  c: Cursor,
  limit: number,
): { events: AicoderEvent[]; complete: boolean } {
  const stored = store.eventsAfter(c.event, limit + 1);
  const logs = store.logsAfter(c.log, limit + 1);
  const complete = stored.length <= limit && logs.length <= limit;
  const recs = stored
    .slice(0, limit)
    .map((s) => ({ ts: s.ts, ev: toEvent(s) }))
    .filter((x): x is { ts: string; ev: AicoderEvent } => x.ev !== null);
  const lines = logs.slice(0, limit).map((l) => {
    const { id, ...entry } = l;
    const ev: AicoderEvent = { type: 'coder.log', log_id: id, entry };
    return { ts: l.ts, ev };
  });
  const merged: AicoderEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < recs.length || j < lines.length) {
    if (j >= lines.length || (i < recs.length && recs[i]!.ts <= lines[j]!.ts)) merged.push(recs[i++]!.ev);
    else merged.push(lines[j++]!.ev);
  }
  return { events: merged, complete };
}
