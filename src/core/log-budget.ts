/**
 * Size budgets of served log text. An entry's text longer than the budget is cut at a UTF-8
 * character boundary and ends with a visible marker; `LogEntry.cut` tells the whole length and the
 * offset where the rest starts (ManagerApi.logText serves it in slices).
 */
import type { LogEntry } from './coder.js';

/** The marker that ends a cut text. */
export function cutMarker(seq: number | null, shown: number, total: number): string {
  const which = seq === null ? '' : ` of entry ${seq}`;
  return ` …[cut: ${shown} of ${total} bytes shown; the rest${which} from byte ${shown}]`;
}

/** Moves `cut` back to the start of a UTF-8 character (never below `from`). */
export function utf8Start(buf: Uint8Array, from: number, cut: number): number {
  let c = cut;
  while (c > from && c < buf.length && ((buf[c] ?? 0) & 0xc0) === 0x80) c--;
  return c;
}

export interface CutText {
  text: string;
  cut?: { total_bytes: number; next_offset: number };
}

/** Bytes [s, e) of buf as text within `max` bytes (cut with the marker when longer). */
export function cutBytes(buf: Buffer, s: number, e: number, max: number, seq: number | null): CutText {
  if (e - s <= max) return { text: buf.toString('utf8', s, e) };
  const c = utf8Start(buf, s, s + max);
  const shown = c - s;
  return {
    text: buf.toString('utf8', s, c) + cutMarker(seq, shown, e - s),
    cut: { total_bytes: e - s, next_offset: shown },
  };
}

/** A text within `max` UTF-8 bytes, cut at a character boundary with a visible marker. */
export function cutText(text: string, max: number, seq: number | null = null): CutText {
  // A string of at most max/3 UTF-16 units is at most max bytes.
  if (text.length * 3 <= max) return { text };
  if (Buffer.byteLength(text) <= max) return { text };
  const buf = Buffer.from(text);
  return cutBytes(buf, 0, buf.length, max, seq);
}

/** The entry with its text cut to `max` bytes (the same object when it fits). */
export function cutEntry<E extends LogEntry>(e: E, max: number): E {
  if (e.cut !== undefined) return e;
  const c = cutText(e.text, max, e.seq);
  return c.cut === undefined ? e : { ...e, text: c.text, cut: c.cut };
}
