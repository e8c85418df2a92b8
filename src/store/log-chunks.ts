/**
 * One chunk of log entries stored: its bytes (header and body, log-codec.ts) written into the coder's
 * segment file (segments.ts) and its row in the index table log_chunks (LOG_INDEX_SCHEMA in
 * log-migrate.ts). Shared by the store's appends (logs.ts) and the move of old `logs` rows into
 * segments (log-migrate.ts), so both write the same row for the same chunk.
 */
import type Database from 'better-sqlite3';
import { chunkHeader, type EncodedChunk } from './log-codec.js';
import type { SqlValue } from './rows.js';
import type { SegmentFiles } from './segments.js';

/** The INSERT of one log_chunks row (13 parameters, in writeChunk's order). */
export const INSERT_CHUNK_SQL = `INSERT INTO log_chunks (coder_id, first_seq, last_seq, first_id, seg_no, byte_start,
  body_start, byte_end, mode, ts, stream, kind, kinds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Where a chunk goes: its coder, its first entry's seq and id, its segment and byte offset there. */
export interface ChunkPlace {
  coder: string;
  firstSeq: number;
  firstId: number;
  seg: number;
  /** Byte offset in the segment where the chunk's header starts. */
  start: number;
}

/**
 * Writes the chunk at `at` and its index row (with `insert`, a statement of INSERT_CHUNK_SQL);
 * returns the byte offset after the chunk.
 */
export function writeChunk(
  segments: SegmentFiles,
  insert: Database.Statement<SqlValue[], unknown>,
  at: ChunkPlace,
  chunk: EncodedChunk,
): number {
  const header = chunkHeader(at.firstSeq, chunk.meta);
  const end = segments.write(at.coder, at.seg, at.start, [header, chunk.body]);
  const m = chunk.meta;
  insert.run(
    at.coder,
    at.firstSeq,
    at.firstSeq + m.n - 1,
    at.firstId,
    at.seg,
    at.start,
    at.start + header.length,
    end,
    m.mode,
    m.ts,
    m.stream,
    m.kind,
    JSON.stringify(m.kinds),
  );
  return end;
}
