/** The CoderStore port on one better-sqlite3 connection. Plain records in and out. */
import type Database from 'better-sqlite3';
import type { Coder, CoderState, CoderStats, LogEntry } from '../core/coder.js';
import { AicoderError } from '../core/errors.js';
import type {
  Clock,
  CoderStore,
  ListCodersPage,
  ListCodersQuery,
  LogBlock,
  LogPage,
  LogQuery,
  LogText,
  NewLogEntry,
  RunRecord,
  StoredBlock,
  StoredEvent,
  StoredLogEntry,
} from '../core/ports.js';
import { LogTable, type RunOffsetsUpdate } from './logs.js';
import { GroupTable } from './groups.js';
import type { Group } from '../core/group.js';
import {
  CODER_COLUMNS,
  CODER_SELECT,
  coderParams,
  decodeCursor,
  encodeCursor,
  intParam,
  notFound,
  rowToCoder,
  rowToEvent,
  rowToRun,
  type CoderRow,
  type EventRow,
  type RunRow,
  type SqlValue,
} from './rows.js';
import { segmentDirOf } from './segments.js';
import { StatementCache } from './statements.js';
import { CoderCache } from './coder-cache.js';

const DEFAULT_PAGE = 20;
const DEFAULT_PREFIX_LIMIT = 2;
/** The largest code point: every id starting with `prefix` sorts below prefix + this (UTF-8 order). */
const MAX_CHAR = '\u{10FFFF}';

export class SqliteStore implements CoderStore {
  private readonly stmts: StatementCache;
  private readonly logs: LogTable;
  private readonly deleteTx: (id: string) => void;
  private readonly groups: GroupTable;
  /** Undefined: every read goes to SQL (`coderCache: false`). */
  private readonly cache: CoderCache | undefined;

  /**
   * `segmentDir`: where log segments live (default: `logs` next to the database file).
   * `coderCache` (default true): answer coder reads from memory (store/coder-cache.ts); false reads
   * every time with SQL (tests compare the two).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Pick<Clock, 'now'>,
    segmentDir: string = segmentDirOf(db.name),
    opts: { coderCache?: boolean } = {},
  ) {
    this.stmts = new StatementCache(db);
    this.logs = new LogTable(db, segmentDir);
    this.groups = new GroupTable(this.stmts);
    this.cache = opts.coderCache === false ? undefined : new CoderCache(db);
    const del = db.transaction((id: string) => {
      this.logs.deleteIndex(id);
      this.stmts.get('DELETE FROM runs WHERE coder_id = ?').run(id);
      this.stmts.get('DELETE FROM coders WHERE id = ?').run(id);
    });
    this.deleteTx = (id) => {
      try {
        del.immediate(id);
      } finally {
        this.cache?.touch(id);
      }
      this.logs.removeSegments(id);
    };
  }

  /** Every write to a coder row on this connection calls this once it is done (see CoderCache). */
  private touched(id: string): void {
    this.cache?.touch(id);
  }

  // ---------------------------------------------------------------- coders

  insertCoder(coder: Coder): void {
    const sql = `INSERT INTO coders (${CODER_COLUMNS.join(', ')}) VALUES (${StatementCache.placeholders(CODER_COLUMNS.length)})`;
    const params = coderParams(coder);
    try {
      this.stmts.get(sql).run(params);
    } catch (e) {
      if (isConstraint(e, 'SQLITE_CONSTRAINT_UNIQUE')) {
        throw new AicoderError('conflict', `a coder with id ${coder.id} already exists`, {
          field: 'id',
          cause: e,
        });
      }
      throw e;
    } finally {
      this.touched(coder.id);
    }
  }

  saveCoder(coder: Coder): Coder {
    const sets = CODER_COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = ?`)
      .join(', ');
    const params = coderParams(coder);
    const id = params.shift()!;
    let res: Database.RunResult;
    try {
      res = this.stmts.get(`UPDATE coders SET ${sets} WHERE id = ?`).run(...params, id);
    } finally {
      this.touched(coder.id);
    }
    if (res.changes === 0) throw notFound(coder.id);
    return this.getCoder(coder.id)!;
  }

  getCoder(id: string): Coder | undefined {
    if (this.cache !== undefined) {
      const cached = this.cache.get(id);
      if (cached !== null) return cached;
    }
    const row = this.stmts.get(`${CODER_SELECT} WHERE id = ?`).get(id) as CoderRow | undefined;
    return row === undefined ? undefined : rowToCoder(row);
  }

  findByIdPrefix(prefix: string, limit?: number): Coder[] {
    const n = intParam('limit', limit, 1, DEFAULT_PREFIX_LIMIT);
    // A range on the unique id index; no LIKE, so no escaping of % or _.
    if (this.cache !== undefined) {
      // The ids from SQL (its byte order and range), the records from the cache.
      const ids = this.stmts
        .get('SELECT id FROM coders WHERE id >= ? AND id < ? ORDER BY id LIMIT ?')
        .pluck()
        .all(prefix, prefix + MAX_CHAR, n) as string[];
      const cached = this.cache.getMany(ids);
      if (cached !== null) return cached;
    }
    const rows = this.stmts
      .get(`${CODER_SELECT} WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`)
      .all(prefix, prefix + MAX_CHAR, n) as CoderRow[];
    return rows.map(rowToCoder);
  }

  listCoders(q: ListCodersQuery): ListCodersPage {
    const limit = intParam('limit', q.limit, 1, DEFAULT_PAGE);
    if (q.states !== undefined && q.states.length === 0) return { coders: [], total: 0, next_cursor: null };
    return this.cache?.list(q, limit) ?? this.listCodersSql(q, limit);
  }

  /** listCoders by SQL: the definition the cache follows. */
  private listCodersSql(q: ListCodersQuery, limit: number): ListCodersPage {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.states !== undefined) {
      where.push(`state IN (${StatementCache.placeholders(q.states.length)})`);
      params.push(...q.states);
    }
    if (q.repo !== undefined) {
      where.push('repo = ?');
      params.push(q.repo);
    }
    const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const countRow = this.stmts.get(`SELECT COUNT(*) AS n FROM coders${filter}`).get(params) as { n: number };

    let pageSql = `${CODER_SELECT}${filter}`;
    const pageParams = [...params];
    if (q.cursor !== undefined) {
      pageSql += `${where.length > 0 ? ' AND' : ' WHERE'} created_seq < ?`;
      pageParams.push(decodeCursor(q.cursor));
    }
    pageSql += ' ORDER BY created_seq DESC LIMIT ?';
    pageParams.push(limit + 1);
    const rows = this.stmts.get(pageSql).all(pageParams) as CoderRow[];
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    return {
      coders: rows.map(rowToCoder),
      total: countRow.n,
      next_cursor: more && last !== undefined ? encodeCursor(last.created_seq) : null,
    };
  }

  codersInStates(states: readonly CoderState[]): Coder[] {
    if (states.length === 0) return [];
    const cached = this.cache?.inStates(states);
    if (cached) return cached;
    const sql = `${CODER_SELECT} WHERE state IN (${StatementCache.placeholders(states.length)}) ORDER BY created_seq`;
    return (this.stmts.get(sql).all(states) as CoderRow[]).map(rowToCoder);
  }

  /** Removes the coder with its logs and runs; events stay (history). No-op for an unknown id. */
  deleteCoder(id: string): void {
    this.deleteTx(id);
  }

  // ---------------------------------------------------------------- groups (store/groups.ts)

  insertGroup(group: Group): void {
    this.groups.insertGroup(group);
  }

  getGroup(id: string): Group | undefined {
    return this.groups.getGroup(id);
  }

  findGroupsByPrefix(prefix: string, limit?: number): Group[] {
    return this.groups.findGroupsByPrefix(prefix, limit);
  }

  listGroups(q: { repo?: string; limit?: number }): Group[] {
    return this.groups.listGroups(q);
  }

  groupMembers(id: string): Coder[] {
    return this.cache?.filter((c) => c.group_id === id) ?? this.groups.groupMembers(id);
  }

  deleteGroup(id: string): void {
    this.groups.deleteGroup(id);
  }

  setGroupPick(id: string, pick: NonNullable<Group['picked']>): void {
    this.groups.setGroupPick(id, pick);
  }

  setGroupReview(id: string, review: NonNullable<Group['review']>): void {
    this.groups.setGroupReview(id, review);
  }

  // ---------------------------------------------------------------- logs

  appendLogs(
    coderId: string,
    entries: readonly NewLogEntry[],
    run?: RunOffsetsUpdate,
    statsDelta?: Partial<CoderStats>,
  ): StoredLogEntry[] {
    try {
      return this.logs.append(coderId, entries, run, statsDelta);
    } finally {
      if (statsDelta !== undefined) this.touched(coderId);
    }
  }

  appendLogBlock(
    coderId: string,
    block: LogBlock,
    run?: RunOffsetsUpdate,
    statsDelta?: Partial<CoderStats>,
  ): StoredBlock {
    try {
      return this.logs.appendBlock(coderId, block, run, statsDelta);
    } finally {
      if (statsDelta !== undefined) this.touched(coderId);
    }
  }

  readLogs(coderId: string, q: LogQuery): LogEntry[] {
    return this.logs.read(coderId, q);
  }

  readLogPage(coderId: string, q: LogQuery): LogPage {
    return this.logs.readPage(coderId, q);
  }

  readLogText(coderId: string, seq: number, offset: number, maxBytes: number): LogText | undefined {
    return this.logs.readText(coderId, seq, offset, maxBytes);
  }

  lastSeq(coderId: string): number {
    return this.logs.lastSeq(coderId);
  }

  logsAfter(afterId: number, limit: number): StoredLogEntry[] {
    return this.logs.logsAfter(afterId, limit);
  }

  lastLogId(): number {
    return this.logs.lastLogId();
  }

  // ---------------------------------------------------------------- runs

  saveRun(run: RunRecord): void {
    if (this.stmts.get('SELECT 1 FROM coders WHERE id = ?').get(run.coder_id) === undefined) {
      throw notFound(run.coder_id);
    }
    this.stmts
      .get(
        `INSERT INTO runs (coder_id, run_no, pid, pgid, start_time, run_dir, stdout_offset, stderr_offset)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (coder_id, run_no) DO UPDATE SET
           pid = excluded.pid, pgid = excluded.pgid, start_time = excluded.start_time,
           run_dir = excluded.run_dir, stdout_offset = excluded.stdout_offset,
           stderr_offset = excluded.stderr_offset`,
      )
      .run(
        run.coder_id,
        run.run_no,
        run.pid,
        run.pgid,
        run.start_time,
        run.run_dir,
        run.offsets.stdout,
        run.offsets.stderr,
      );
  }

  /** The latest run (highest run_no) of the coder. */
  getRun(coderId: string): RunRecord | undefined {
    const row = this.stmts
      .get('SELECT * FROM runs WHERE coder_id = ? ORDER BY run_no DESC LIMIT 1')
      .get(coderId) as RunRow | undefined;
    return row === undefined ? undefined : rowToRun(row);
  }

  deleteRuns(coderId: string): void {
    this.stmts.get('DELETE FROM runs WHERE coder_id = ?').run(coderId);
  }

  // ---------------------------------------------------------------- events

  appendEvent(type: string, coderId: string, payload: unknown): StoredEvent {
    const json = JSON.stringify(payload) ?? 'null';
    const ts = this.clock.now().toISOString();
    const res = this.stmts
      .get('INSERT INTO events (type, coder_id, payload, ts) VALUES (?, ?, ?, ?)')
      .run(type, coderId, json, ts);
    return {
      id: Number(res.lastInsertRowid),
      type,
      coder_id: coderId,
      payload: JSON.parse(json) as unknown,
      ts,
    };
  }

  eventsAfter(afterId: number, limit: number): StoredEvent[] {
    intParam('after_id', afterId, 0, 0);
    intParam('limit', limit, 1, 1);
    const rows = this.stmts
      .get('SELECT id, type, coder_id, payload, ts FROM events WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId, limit) as EventRow[];
    return rows.map(rowToEvent);
  }

  lastEventId(): number {
    const row = this.stmts.get('SELECT MAX(id) AS m FROM events').get() as { m: number | null };
    return row.m ?? 0;
  }

  close(): void {
    this.cache?.clear();
    this.logs.close();
    if (this.db.open) this.db.close();
  }
}

function isConstraint(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === code;
}
