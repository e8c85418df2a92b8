/**
 * The log part of the store. Entries live in per-coder segment files (segments.ts, format in
 * log-codec.ts); SQLite holds the index of chunks (`log_chunks`: seq range, global id range, byte
 * range, kind counts) and the next global id (`log_ids`). A chunk is written to its segment and then
 * indexed in the same IMMEDIATE transaction as the run's output offsets and the coder's stats, so a
 * crash (or a full disk) between the write and the commit leaves only unindexed bytes, which the next
 * write overwrites: nothing is lost or repeated. Reads touch only the chunks of the page (O(page)).
 */
import type Database from 'better-sqlite3';
import type { CoderStats, LogEntry, LogStream } from '../core/coder.js';
import {
  LOG_ANSWER_MAX_BYTES,
  LOG_ENTRY_MAX_BYTES,
  type LogBlock,
  type LogPage,
  type LogQuery,
  type LogText,
  type NewLogEntry,
  type OutputOffsets,
  type StoredBlock,
  type StoredLogEntry,
} from '../core/ports.js';
import { AicoderError } from '../core/errors.js';
import { utf8Start } from '../core/log-budget.js';
import {
  decodeRange,
  encodeEntries,
  encodeTextBlock,
  lineRanges,
  toLogEntry,
  type ChunkMode,
  type EncodedChunk,
  type TextBudget,
} from './log-codec.js';
import { intParam, notFound, type SqlValue } from './rows.js';
import { INSERT_CHUNK_SQL, writeChunk } from './log-chunks.js';
import { SEGMENT_MAX_BYTES, SegmentFiles } from './segments.js';
import { StatementCache } from './statements.js';

const DEFAULT_READ_LIMIT = 1000;

export interface RunOffsetsUpdate {
  run_no: number;
  offsets: OutputOffsets;
}

/** One row of log_chunks. */
export interface ChunkRow {
  coder_id: string;
  first_seq: number;
  last_seq: number;
  first_id: number;
  seg_no: number;
  byte_start: number;
  body_start: number;
  byte_end: number;
  mode: ChunkMode;
  ts: string;
  stream: LogStream;
  kind: string | null;
}

const CHUNK_COLS =
  'coder_id, first_seq, last_seq, first_id, seg_no, byte_start, body_start, byte_end, mode, ts, stream, kind';

type AppendChunkFn = (
  coderId: string,
  chunk: EncodedChunk | null,
  run: RunOffsetsUpdate | undefined,
  delta: Partial<CoderStats> | undefined,
) => StoredBlock;

export class LogTable {
  readonly segments: SegmentFiles;
  private readonly stmts: StatementCache;
  private readonly q: Record<string, Database.Statement<SqlValue[], unknown>>;
  private readonly appendTx: AppendChunkFn;

  constructor(
    private readonly db: Database.Database,
    segmentDir: string,
  ) {
    this.segments = new SegmentFiles(segmentDir);
    this.stmts = new StatementCache(db);
    const p = (sql: string): Database.Statement<SqlValue[], unknown> => db.prepare<SqlValue[], unknown>(sql);
    this.q = {
      coderExists: p('SELECT 1 FROM coders WHERE id = ?'),
      lastChunk: p(`SELECT ${CHUNK_COLS} FROM log_chunks WHERE coder_id = ? ORDER BY last_seq DESC LIMIT 1`),
      nextId: p('SELECT next_id FROM log_ids WHERE one = 1'),
      setNextId: p('UPDATE log_ids SET next_id = ? WHERE one = 1'),
      insertChunk: p(INSERT_CHUNK_SQL),
      updateOffsets: p(
        'UPDATE runs SET stdout_offset = ?, stderr_offset = ? WHERE coder_id = ? AND run_no = ?',
      ),
      addStats: p(
        `UPDATE coders SET
           turns = turns + ?, tokens_in = tokens_in + ?, tokens_out = tokens_out + ?, cost_usd = cost_usd + ?,
           cost_estimated = cost_estimated OR ?,
           files_changed = CASE WHEN ? THEN ? ELSE files_changed END,
           last_message = CASE WHEN ? THEN ? ELSE last_message END
         WHERE id = ?`,
      ),
      chunksAfterId: p(`SELECT ${CHUNK_COLS} FROM log_chunks WHERE first_id > ? ORDER BY first_id LIMIT ?`),
      chunkAtId: p(`SELECT ${CHUNK_COLS} FROM log_chunks WHERE first_id <= ? ORDER BY first_id DESC LIMIT 1`),
      chunkAtSeq: p(
        `SELECT ${CHUNK_COLS} FROM log_chunks WHERE coder_id = ? AND last_seq >= ? ORDER BY last_seq LIMIT 1`,
      ),
      deleteChunks: p('DELETE FROM log_chunks WHERE coder_id = ?'),
    };
    const tx = db.transaction<AppendChunkFn>((coderId, chunk, run, delta) =>
      this.appendInTx(coderId, chunk, run, delta),
    );
    // IMMEDIATE: take the write lock before reading the last chunk, so a second connection cannot
    // slip in between (and busy_timeout applies instead of a snapshot error).
    this.appendTx = (coderId, chunk, run, delta) => tx.immediate(coderId, chunk, run, delta);
  }

  /** Appends entries (any kinds, texts with line breaks); returns them with their seqs and ids. */
  append(
    coderId: string,
    entries: readonly NewLogEntry[],
    run?: RunOffsetsUpdate,
    delta?: Partial<CoderStats>,
  ): StoredLogEntry[] {
    const b = this.appendTx(coderId, encodeEntries(entries), run, delta);
    return entries.map((e, i) => ({
      id: b.first_id + i,
      coder_id: coderId,
      seq: b.first_seq + i,
      ts: e.ts,
      stream: e.stream,
      kind: e.kind,
      text: e.text,
    }));
  }

  /** Appends a block of plain text lines (one entry per line). */
  appendBlock(
    coderId: string,
    block: LogBlock,
    run?: RunOffsetsUpdate,
    delta?: Partial<CoderStats>,
  ): StoredBlock {
    return this.appendTx(
      coderId,
      encodeTextBlock(block.text, block.ts, block.stream, block.kind, block.count),
      run,
      delta,
    );
  }

  lastSeq(coderId: string): number {
    return (this.q.lastChunk!.get(coderId) as ChunkRow | undefined)?.last_seq ?? 0;
  }

  lastLogId(): number {
    return this.nextId() - 1;
  }

  /** Entries of all coders with global id > afterId, oldest first (texts cut to the entry budget). */
  logsAfter(afterId: number, limit: number): StoredLogEntry[] {
    intParam('after_id', afterId, 0, 0);
    intParam('limit', limit, 1, 1);
    const budget: TextBudget = { entryMax: LOG_ENTRY_MAX_BYTES };
    const chunks: ChunkRow[] = [];
    const at = this.q.chunkAtId!.get(afterId) as ChunkRow | undefined;
    if (at && at.first_id + (at.last_seq - at.first_seq) > afterId) chunks.push(at);
    const out: StoredLogEntry[] = [];
    const take = (c: ChunkRow): boolean => {
      const from = Math.max(0, afterId + 1 - c.first_id);
      const to = Math.min(c.last_seq - c.first_seq, from + limit - out.length - 1);
      for (const d of decodeRange(c, c.first_seq, this.body(c), from, to, budget)) {
        out.push({ id: c.first_id + (d.seq - c.first_seq), ...toLogEntry(c.coder_id, d) });
        if (out.length >= limit) return false;
      }
      return true;
    };
    for (const c of chunks) if (!take(c)) return out;
    let after = afterId;
    for (;;) {
      const rows = this.q.chunksAfterId!.all(after, 64) as ChunkRow[];
      for (const c of rows) if (!take(c)) return out;
      if (rows.length < 64) return out;
      after = rows[rows.length - 1]!.first_id;
    }
  }

  read(coderId: string, q: LogQuery): LogEntry[] {
    return this.readPage(coderId, q).entries;
  }

  /**
   * Oldest first. An empty `kinds` list means no kind filter; an unknown coder reads as empty. Stops
   * at `limit` entries or once the texts reach `max_bytes` (always at least one entry).
   */
  readPage(coderId: string, q: LogQuery): LogPage {
    const since = intParam('since_seq', q.since_seq, 0, 0);
    const tail = q.tail === undefined ? undefined : intParam('tail', q.tail, 0, 0);
    const limit = intParam('limit', q.limit, 1, DEFAULT_READ_LIMIT);
    const maxBytes = intParam('max_bytes', q.max_bytes, 1, LOG_ANSWER_MAX_BYTES);
    const budget = {
      entryMax: Math.min(intParam('entry_max_bytes', q.entry_max_bytes, 1, LOG_ENTRY_MAX_BYTES), maxBytes),
    };
    const kinds = q.kinds && q.kinds.length > 0 ? new Set(q.kinds) : undefined;
    if (tail === 0) return { entries: [], more: false };
    const want = tail ?? limit;

    let sql = `SELECT ${CHUNK_COLS} FROM log_chunks WHERE coder_id = ? AND last_seq > ?`;
    const params: SqlValue[] = [coderId, since];
    if (kinds) {
      sql += ` AND EXISTS (SELECT 1 FROM json_each(kinds) WHERE key IN (${[...kinds].map(() => '?').join(', ')}))`;
      params.push(...kinds);
    }
    sql += tail !== undefined ? ' ORDER BY last_seq DESC' : ' ORDER BY last_seq';
    const out: LogEntry[] = [];
    let bytes = 0;
    let more = false;
    const stmt = this.stmts.get(sql) as Database.Statement<SqlValue[], ChunkRow>;
    outer: for (const c of stmt.iterate(...params)) {
      if (out.length >= want || bytes >= maxBytes) {
        more = true;
        break;
      }
      let from = Math.max(0, since + 1 - c.first_seq);
      // A tail without a kind filter needs only the chunk's last entries.
      if (tail !== undefined && !kinds)
        from = Math.max(from, c.last_seq - c.first_seq + 1 - (want - out.length));
      const got = decodeRange(c, c.first_seq, this.body(c), from, c.last_seq - c.first_seq, budget, kinds);
      if (tail !== undefined) got.reverse();
      for (let i = 0; i < got.length; i++) {
        if (out.length >= want || (out.length > 0 && bytes + got[i]!.text.length > maxBytes)) {
          more = true;
          break outer;
        }
        out.push(toLogEntry(coderId, got[i]!));
        bytes += got[i]!.text.length;
      }
    }
    if (tail !== undefined) out.reverse();
    return { entries: out, more };
  }

  /** A slice [offset, offset + maxBytes) of one entry's whole text, cut at character boundaries. */
  readText(coderId: string, seq: number, offset: number, maxBytes: number): LogText | undefined {
    intParam('seq', seq, 1, 1);
    intParam('offset', offset, 0, 0);
    intParam('max_bytes', maxBytes, 1, 1);
    const c = this.q.chunkAtSeq!.get(coderId, seq) as ChunkRow | undefined;
    if (!c || c.first_seq > seq) return undefined;
    const body = this.body(c);
    const i = seq - c.first_seq;
    let text: Buffer;
    if (c.mode === 'lines') {
      const r = lineRanges(body)[i];
      if (!r) return undefined;
      const s = r[0];
      let e = r[1];
      if (e > s && body[e - 1] === 0x0d) e--;
      text = body.subarray(s, e);
    } else {
      const d = decodeRange(c, c.first_seq, body, i, i, { entryMax: Number.MAX_SAFE_INTEGER })[0];
      if (!d) return undefined;
      text = Buffer.from(d.text);
    }
    const start = utf8Start(text, 0, Math.min(offset, text.length));
    const end =
      start + maxBytes >= text.length
        ? text.length
        : Math.max(start + 1, utf8Start(text, start, start + maxBytes));
    return {
      coder_id: coderId,
      seq,
      offset: start,
      text: text.toString('utf8', start, end),
      total_bytes: text.length,
      next_offset: end >= text.length ? null : end,
    };
  }

  /** Removes a coder's index rows (inside the caller's transaction) and, after it, its segments. */
  deleteIndex(coderId: string): void {
    this.q.deleteChunks!.run(coderId);
  }

  removeSegments(coderId: string): void {
    this.segments.remove(coderId);
  }

  close(): void {
    this.segments.close();
  }

  private nextId(): number {
    return (this.q.nextId!.get() as { next_id: number } | undefined)?.next_id ?? 1;
  }

  private body(c: ChunkRow): Buffer {
    return this.segments.read(c.coder_id, c.seg_no, c.body_start, c.byte_end);
  }

  private appendInTx(
    coderId: string,
    chunk: EncodedChunk | null,
    run: RunOffsetsUpdate | undefined,
    delta: Partial<CoderStats> | undefined,
  ): StoredBlock {
    if (this.q.coderExists!.get(coderId) === undefined) throw notFound(coderId);
    const last = this.q.lastChunk!.get(coderId) as ChunkRow | undefined;
    const firstSeq = (last?.last_seq ?? 0) + 1;
    const firstId = this.nextId();
    let stored: StoredBlock = { first_id: firstId, first_seq: firstSeq, count: 0 };
    if (chunk !== null && chunk.meta.n > 0) {
      const newSeg = last === undefined || last.byte_end >= SEGMENT_MAX_BYTES;
      const segNo = last === undefined ? 1 : newSeg ? last.seg_no + 1 : last.seg_no;
      const start = newSeg ? 0 : last.byte_end;
      const place = { coder: coderId, firstSeq, firstId, seg: segNo, start };
      writeChunk(this.segments, this.q.insertChunk!, place, chunk);
      this.q.setNextId!.run(firstId + chunk.meta.n);
      stored = { first_id: firstId, first_seq: firstSeq, count: chunk.meta.n };
    }
    if (run !== undefined) {
      const { stdout, stderr } = run.offsets;
      if (this.q.updateOffsets!.run(stdout, stderr, coderId, run.run_no).changes === 0) {
        throw new AicoderError('not_found', `coder ${coderId} has no run ${run.run_no}`, { field: 'run_no' });
      }
    }
    if (delta !== undefined && hasStats(delta)) {
      this.q.addStats!.run(
        delta.turns ?? 0,
        delta.tokens_in ?? 0,
        delta.tokens_out ?? 0,
        delta.cost_usd ?? 0,
        delta.cost_estimated === true ? 1 : 0,
        delta.files_changed !== undefined ? 1 : 0,
        delta.files_changed ?? null,
        delta.last_message !== undefined ? 1 : 0,
        delta.last_message ?? null,
        coderId,
      );
    }
    return stored;
  }
}

function hasStats(d: Partial<CoderStats>): boolean {
  return (
    d.turns !== undefined ||
    d.tokens_in !== undefined ||
    d.tokens_out !== undefined ||
    d.cost_usd !== undefined ||
    d.files_changed !== undefined ||
    d.last_message !== undefined
  );
}
