/**
 * The log part of the store: numbered per-coder entries with a global id, ingested in batches
 * together with the run's output offsets and the coder's stats (one transaction per batch).
 */
import type Database from 'better-sqlite3';
import type { CoderStats, LogEntry } from '../core/coder.js';
import type { LogQuery, NewLogEntry, OutputOffsets, StoredLogEntry } from '../core/ports.js';
import { AicoderError } from '../core/errors.js';
import { intParam, notFound, rowToLogEntry, rowToStoredLog, type LogRow, type SqlValue } from './rows.js';
import { StatementCache } from './statements.js';

/** Rows per INSERT statement, largest first: multi-row inserts halve the per-line cost. */
const CHUNK_SIZES = [128, 32, 8, 1] as const;
const LOG_COLS = 6;
const DEFAULT_READ_LIMIT = 1000;

export interface RunOffsetsUpdate {
  run_no: number;
  offsets: OutputOffsets;
}

type AppendFn = (
  coderId: string,
  entries: readonly NewLogEntry[],
  run: RunOffsetsUpdate | undefined,
  delta: Partial<CoderStats> | undefined,
) => StoredLogEntry[];

export class LogTable {
  private readonly stmts: StatementCache;
  private readonly inserts = new Map<number, Database.Statement<unknown[], unknown>>();
  private readonly coderExists: Database.Statement<[string], unknown>;
  private readonly maxSeq: Database.Statement<[string], { s: number | null }>;
  private readonly updateOffsets: Database.Statement<[number, number, string, number], unknown>;
  private readonly addStats: Database.Statement<SqlValue[], unknown>;
  private readonly afterId: Database.Statement<[number, number], LogRow>;
  private readonly maxId: Database.Statement<[], { m: number | null }>;
  readonly append: AppendFn;

  constructor(private readonly db: Database.Database) {
    this.stmts = new StatementCache(db);
    this.coderExists = db.prepare('SELECT 1 FROM coders WHERE id = ?');
    this.maxSeq = db.prepare('SELECT MAX(seq) AS s FROM logs WHERE coder_id = ?');
    this.updateOffsets = db.prepare(
      'UPDATE runs SET stdout_offset = ?, stderr_offset = ? WHERE coder_id = ? AND run_no = ?',
    );
    this.addStats = db.prepare<SqlValue[], unknown>(
      `UPDATE coders SET
         turns = turns + ?, tokens_in = tokens_in + ?, tokens_out = tokens_out + ?, cost_usd = cost_usd + ?,
         files_changed = CASE WHEN ? THEN ? ELSE files_changed END,
         last_message = CASE WHEN ? THEN ? ELSE last_message END
       WHERE id = ?`,
    );
    this.afterId = db.prepare(
      'SELECT id, coder_id, seq, ts, stream, kind, text FROM logs WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.maxId = db.prepare('SELECT MAX(id) AS m FROM logs');
    const tx = db.transaction<AppendFn>((coderId, entries, run, delta) =>
      this.appendInTx(coderId, entries, run, delta),
    );
    // IMMEDIATE: take the write lock before reading the last seq, so a second connection cannot
    // slip in between (and busy_timeout applies instead of a snapshot error).
    this.append = (coderId, entries, run, delta) => tx.immediate(coderId, entries, run, delta);
  }

  lastSeq(coderId: string): number {
    return this.maxSeq.get(coderId)?.s ?? 0;
  }

  lastLogId(): number {
    return this.maxId.get()?.m ?? 0;
  }

  logsAfter(afterId: number, limit: number): StoredLogEntry[] {
    intParam('after_id', afterId, 0, 0);
    intParam('limit', limit, 1, 1);
    return this.afterId.all(afterId, limit).map(rowToStoredLog);
  }

  /** Oldest first. An empty `kinds` list means no kind filter; an unknown coder reads as empty. */
  read(coderId: string, q: LogQuery): LogEntry[] {
    const since = intParam('since_seq', q.since_seq, 0, 0);
    const tail = q.tail === undefined ? undefined : intParam('tail', q.tail, 0, 0);
    const limit = intParam('limit', q.limit, 1, DEFAULT_READ_LIMIT);
    const kinds = q.kinds ?? [];
    if (tail === 0) return [];

    let sql = 'SELECT coder_id, seq, ts, stream, kind, text FROM logs WHERE coder_id = ?';
    const params: SqlValue[] = [coderId];
    if (since > 0) {
      sql += ' AND seq > ?';
      params.push(since);
    }
    if (kinds.length > 0) {
      sql += ` AND kind IN (${StatementCache.placeholders(kinds.length)})`;
      params.push(...kinds);
    }
    if (tail !== undefined) {
      sql += ' ORDER BY seq DESC LIMIT ?';
      params.push(tail);
    } else {
      sql += ' ORDER BY seq LIMIT ?';
      params.push(limit);
    }
    const rows = (this.stmts.get(sql).all(params) as LogRow[]).map(rowToLogEntry);
    return tail !== undefined ? rows.reverse() : rows;
  }

  private insertStmt(rows: number): Database.Statement<unknown[], unknown> {
    let s = this.inserts.get(rows);
    if (s === undefined) {
      const values = Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ');
      s = this.db.prepare(`INSERT INTO logs (coder_id, seq, ts, stream, kind, text) VALUES ${values}`);
      this.inserts.set(rows, s);
    }
    return s;
  }

  private appendInTx(
    coderId: string,
    entries: readonly NewLogEntry[],
    run: RunOffsetsUpdate | undefined,
    delta: Partial<CoderStats> | undefined,
  ): StoredLogEntry[] {
    if (this.coderExists.get(coderId) === undefined) throw notFound(coderId);
    const base = this.lastSeq(coderId);
    const out: StoredLogEntry[] = new Array<StoredLogEntry>(entries.length);
    let i = 0;
    for (const n of CHUNK_SIZES) {
      if (entries.length - i < n) continue;
      const stmt = this.insertStmt(n);
      const params = new Array<SqlValue>(n * LOG_COLS);
      while (entries.length - i >= n) {
        let k = 0;
        for (let j = i; j < i + n; j++) {
          const e = entries[j]!;
          params[k++] = coderId;
          params[k++] = base + j + 1;
          params[k++] = e.ts;
          params[k++] = e.stream;
          params[k++] = e.kind;
          params[k++] = e.text;
        }
        // Rows of one INSERT get consecutive ids inside the write transaction.
        const firstId = Number(stmt.run(params).lastInsertRowid) - n + 1;
        for (let j = 0; j < n; j++) {
          const e = entries[i + j]!;
          out[i + j] = {
            id: firstId + j,
            coder_id: coderId,
            seq: base + i + j + 1,
            ts: e.ts,
            stream: e.stream,
            kind: e.kind,
            text: e.text,
          };
        }
        i += n;
      }
    }

    if (run !== undefined) {
      const { stdout, stderr } = run.offsets;
      if (this.updateOffsets.run(stdout, stderr, coderId, run.run_no).changes === 0) {
        throw new AicoderError('not_found', `coder ${coderId} has no run ${run.run_no}`, { field: 'run_no' });
      }
    }
    if (delta !== undefined && hasStats(delta)) {
      this.addStats.run(
        delta.turns ?? 0,
        delta.tokens_in ?? 0,
        delta.tokens_out ?? 0,
        delta.cost_usd ?? 0,
        delta.files_changed !== undefined ? 1 : 0,
        delta.files_changed ?? null,
        delta.last_message !== undefined ? 1 : 0,
        delta.last_message ?? null,
        coderId,
      );
    }
    return out;
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
