/**
 * The migration to LOG_SEGMENTS_VERSION: log entries move from one SQLite row each (`logs`) to segment files with a chunk
 * index (`log_chunks`, see logs.ts). Runs inside the migration's transaction: a crash rolls the index
 * back and the segments' bytes are overwritten on the next try. Global ids and seqs are kept: rows that
 * were one batch (consecutive ids and seqs of one coder) become one chunk.
 */
import type Database from 'better-sqlite3';
import type { LogStream } from '../core/coder.js';
import type { NewLogEntry } from '../core/ports.js';
import { encodeEntries } from './log-codec.js';
import { INSERT_CHUNK_SQL, writeChunk } from './log-chunks.js';
import type { SqlValue } from './rows.js';
import { SEGMENT_MAX_BYTES, SegmentFiles, segmentDirOf } from './segments.js';

const MOVE_MAX_ENTRIES = 1000;
const MOVE_MAX_BYTES = 1 << 20;

export const LOG_INDEX_SCHEMA = `
  CREATE TABLE log_chunks (
    coder_id   TEXT NOT NULL REFERENCES coders (id) ON DELETE CASCADE,
    last_seq   INTEGER NOT NULL,
    first_seq  INTEGER NOT NULL,
    first_id   INTEGER NOT NULL,
    seg_no     INTEGER NOT NULL,
    byte_start INTEGER NOT NULL,
    body_start INTEGER NOT NULL,
    byte_end   INTEGER NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('lines', 'json')),
    ts         TEXT NOT NULL,
    stream     TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
    kind       TEXT,
    kinds      TEXT NOT NULL,
    PRIMARY KEY (coder_id, last_seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX log_chunks_first_id ON log_chunks (first_id);
  CREATE TABLE log_ids (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    next_id INTEGER NOT NULL
  );
`;

interface OldRow {
  id: number;
  coder_id: string;
  seq: number;
  ts: string;
  stream: LogStream;
  kind: string;
  text: string;
}

interface Pending {
  coder: string;
  firstId: number;
  firstSeq: number;
  entries: NewLogEntry[];
  bytes: number;
}

/** Creates the index tables, moves every `logs` row into segments, and drops `logs`. */
export function moveLogsToSegments(db: Database.Database, segmentDir = segmentDirOf(db.name)): number {
  db.exec(LOG_INDEX_SCHEMA);
  const high = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'logs'").get() as
    { seq: number } | undefined;
  const maxId = (db.prepare('SELECT MAX(id) AS m FROM logs').get() as { m: number | null }).m ?? 0;
  db.prepare('INSERT INTO log_ids (one, next_id) VALUES (1, ?)').run(Math.max(high?.seq ?? 0, maxId) + 1);

  const segs = new SegmentFiles(segmentDir);
  const ends = new Map<string, { seg: number; end: number }>();
  const insert = db.prepare<SqlValue[], unknown>(INSERT_CHUNK_SQL);
  let moved = 0;
  const flush = (p: Pending): void => {
    const chunk = encodeEntries(p.entries)!;
    const at = ends.get(p.coder) ?? { seg: 1, end: 0 };
    if (at.end >= SEGMENT_MAX_BYTES) [at.seg, at.end] = [at.seg + 1, 0];
    const place = { coder: p.coder, firstSeq: p.firstSeq, firstId: p.firstId, seg: at.seg, start: at.end };
    const end = writeChunk(segs, insert, place, chunk);
    ends.set(p.coder, { seg: at.seg, end });
    moved += chunk.meta.n;
  };
  try {
    let cur: Pending | null = null;
    // Pages, not iterate(): a connection cannot write while a statement iterates.
    const page = db.prepare(
      'SELECT id, coder_id, seq, ts, stream, kind, text FROM logs WHERE id > ? ORDER BY id LIMIT 2000',
    );
    const rows = function* (): Generator<OldRow> {
      for (let after = 0; ;) {
        const got = page.all(after) as OldRow[];
        yield* got;
        if (got.length < 2000) return;
        after = got[got.length - 1]!.id;
      }
    };
    for (const r of rows()) {
      const n = cur?.entries.length ?? 0;
      const joins =
        cur !== null &&
        cur.coder === r.coder_id &&
        r.id === cur.firstId + n &&
        r.seq === cur.firstSeq + n &&
        n < MOVE_MAX_ENTRIES &&
        cur.bytes < MOVE_MAX_BYTES;
      if (!joins) {
        if (cur !== null) flush(cur);
        cur = { coder: r.coder_id, firstId: r.id, firstSeq: r.seq, entries: [], bytes: 0 };
      }
      cur!.entries.push({ ts: r.ts, stream: r.stream, kind: r.kind, text: r.text });
      cur!.bytes += r.text.length;
    }
    if (cur !== null) flush(cur);
  } finally {
    segs.close();
  }
  db.exec('DROP TABLE logs');
  return moved;
}
