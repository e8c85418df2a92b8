/**
 * The byte format of log chunks in segment files, and the size budget applied to served entries.
 * Pure: no I/O.
 *
 * A chunk is one header line and a body:
 *   `\x1e{"seq":<first seq>,"n":<entries>,"mode":"lines"|"json",...}\n` then the body.
 * - mode "lines": every entry has the chunk's ts, stream and kind; the body is the entries' texts,
 *   each followed by `\n` (one trailing `\r` of a line is not part of its text). This is the agent's
 *   output as written (after redaction), so ingesting a block of plain text lines costs one write.
 * - mode "json": one JSON array `[ts, stream, kind, text]` per line.
 * The header makes a segment readable without the index; the index (SQLite) is the truth about which
 * chunks are committed.
 */
import type { LogEntry, LogStream } from '../core/coder.js';
import { AicoderError } from '../core/errors.js';
import { cutBytes, cutText } from '../core/log-budget.js';
import type { NewLogEntry } from '../core/ports.js';

export type ChunkMode = 'lines' | 'json';

export interface ChunkMeta {
  mode: ChunkMode;
  /** Entries in the chunk. */
  n: number;
  /** For mode "lines": the ts/stream/kind of every entry. */
  ts: string;
  stream: LogStream;
  kind: string | null;
  /** Entries per kind. */
  kinds: Record<string, number>;
}

export interface EncodedChunk {
  meta: ChunkMeta;
  body: Buffer;
}

const NL = 0x0a;
const CR = 0x0d;
export const CHUNK_MARK = '\x1e';

export function chunkHeader(firstSeq: number, meta: ChunkMeta): Buffer {
  const h: Record<string, unknown> = { seq: firstSeq, n: meta.n, mode: meta.mode };
  if (meta.mode === 'lines') Object.assign(h, { ts: meta.ts, stream: meta.stream, kind: meta.kind });
  return Buffer.from(`${CHUNK_MARK}${JSON.stringify(h)}\n`);
}

/** Number of `\n` bytes in buf. */
export function countLines(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(NL);
  while (i !== -1) {
    n++;
    i = buf.indexOf(NL, i + 1);
  }
  return n;
}

/**
 * A block of plain text lines of one stream (already redacted). Every `\n` ends one entry; a last
 * line without one becomes an entry too. Null when the block holds no entry. `count`, when the
 * caller knows it, is that number of entries (saves a scan of the block).
 */
export function encodeTextBlock(
  text: Buffer,
  ts: string,
  stream: LogStream,
  kind: string,
  count?: number,
): EncodedChunk | null {
  if (text.length === 0) return null;
  const body = text[text.length - 1] === NL ? text : Buffer.concat([text, Buffer.from('\n')]);
  const n = count ?? countLines(body);
  return { meta: { mode: 'lines', n, ts, stream, kind, kinds: { [kind]: n } }, body };
}

/** Any entries: mode "lines" when they share ts/stream/kind and have no line breaks, else "json". */
export function encodeEntries(entries: readonly NewLogEntry[]): EncodedChunk | null {
  if (entries.length === 0) return null;
  for (const e of entries) checkEntry(e);
  const first = entries[0]!;
  const kinds: Record<string, number> = {};
  let uniform = true;
  for (const e of entries) {
    kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
    if (
      uniform &&
      (e.ts !== first.ts ||
        e.stream !== first.stream ||
        e.kind !== first.kind ||
        e.text.includes('\n') ||
        e.text.endsWith('\r'))
    ) {
      uniform = false;
    }
  }
  const n = entries.length;
  if (uniform) {
    const body = Buffer.from(entries.map((e) => e.text).join('\n') + '\n');
    return { meta: { mode: 'lines', n, ts: first.ts, stream: first.stream, kind: first.kind, kinds }, body };
  }
  const lines = entries.map((e) => JSON.stringify([e.ts, e.stream, e.kind, e.text]));
  const body = Buffer.from(lines.join('\n') + '\n');
  return { meta: { mode: 'json', n, ts: first.ts, stream: first.stream, kind: null, kinds }, body };
}

const STREAMS: ReadonlySet<string> = new Set(['stdout', 'stderr', 'system']);

/** The store keeps only well-formed entries (callers are the daemon's own code). */
function checkEntry(e: NewLogEntry): void {
  const bad = (field: string, rule: string): AicoderError =>
    new AicoderError('invalid_input', `log entry ${field} ${rule}`, { field });
  if (!STREAMS.has(e.stream)) throw bad('stream', 'must be stdout, stderr or system');
  if (typeof e.text !== 'string') throw bad('text', 'must be a string');
  if (typeof e.kind !== 'string' || e.kind === '') throw bad('kind', 'must be a non-empty string');
  if (typeof e.ts !== 'string') throw bad('ts', 'must be a string');
}

/** Byte ranges [start, end) of the body's lines, without the `\n`. */
export function lineRanges(body: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  while (start < body.length) {
    let nl = body.indexOf(NL, start);
    if (nl === -1) nl = body.length;
    out.push([start, nl]);
    start = nl + 1;
  }
  return out;
}

/** The size budget of served text: an entry's text longer than `entryMax` UTF-8 bytes is cut. */
export interface TextBudget {
  entryMax: number;
}

export interface DecodedEntry {
  seq: number;
  ts: string;
  stream: LogStream;
  kind: string;
  text: string;
  /** Set when the text was cut: the whole text's UTF-8 length, and the offset where the rest starts. */
  cut?: { total_bytes: number; next_offset: number };
}

/**
 * Decodes entries `from..to` (indexes within the chunk, inclusive) of a chunk body. Texts longer than
 * the budget are cut (see cutText) without decoding the rest.
 */
export function decodeRange(
  meta: Pick<ChunkMeta, 'mode' | 'ts' | 'stream' | 'kind'>,
  firstSeq: number,
  body: Buffer,
  from: number,
  to: number,
  budget: TextBudget,
  kindFilter?: ReadonlySet<string>,
): DecodedEntry[] {
  const ranges = lineRanges(body);
  const out: DecodedEntry[] = [];
  for (let i = Math.max(0, from); i <= to && i < ranges.length; i++) {
    const [s, e0] = ranges[i]!;
    if (meta.mode === 'lines') {
      if (kindFilter && !kindFilter.has(meta.kind!)) continue;
      const e = e0 > s && body[e0 - 1] === CR ? e0 - 1 : e0;
      out.push({
        seq: firstSeq + i,
        ts: meta.ts,
        stream: meta.stream,
        kind: meta.kind!,
        ...cutBytes(body, s, e, budget.entryMax, firstSeq + i),
      });
    } else {
      const [ts, stream, kind, text] = JSON.parse(body.toString('utf8', s, e0)) as [
        string,
        LogStream,
        string,
        string,
      ];
      if (kindFilter && !kindFilter.has(kind)) continue;
      out.push({ seq: firstSeq + i, ts, stream, kind, ...cutText(text, budget.entryMax, firstSeq + i) });
    }
  }
  return out;
}

export function toLogEntry(coderId: string, d: DecodedEntry): LogEntry {
  const e: LogEntry = {
    coder_id: coderId,
    seq: d.seq,
    ts: d.ts,
    stream: d.stream,
    kind: d.kind,
    text: d.text,
  };
  if (d.cut) e.cut = d.cut;
  return e;
}
