/** The SQLite implementation of the CoderStore port (better-sqlite3, WAL, numbered migrations). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AicoderError } from '../core/errors.js';
import { systemClock, type Clock, type CoderStore } from '../core/ports.js';
import { migrate } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';

export { MIGRATIONS, latestVersion, migrate, type Migration } from './migrations.js';
export { SqliteStore } from './sqlite-store.js';

export interface OpenStoreOptions {
  /** Source of event timestamps (default: the system clock). */
  clock?: Pick<Clock, 'now'>;
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Answer coder reads (get, list, status, group members) from an in-memory copy of the coders
   * table kept true by this connection's writes and SQLite's data_version (store/coder-cache.ts).
   * Default true; false reads with SQL every time.
   */
  coderCache?: boolean;
}

/**
 * Opens (creating the file and its parent directory if needed), checks and migrates the database.
 * Throws `internal` with a message naming the file and what to do when it is read-only (the file or
 * its filesystem) or damaged (`PRAGMA quick_check` fails, or SQLite reports SQLITE_CORRUPT/NOTADB):
 * a daemon must not start, report healthy and then drop every write.
 */
export function openStore(dbPath: string, opts: OpenStoreOptions = {}): CoderStore {
  mkdirSync(dirname(dbPath), { recursive: true });
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath);
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    probeWritable(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    checkIntegrity(db, dbPath);
    migrate(db);
    return new SqliteStore(db, opts.clock ?? systemClock, undefined, {
      ...(opts.coderCache !== undefined ? { coderCache: opts.coderCache } : {}),
    });
  } catch (e) {
    db?.close();
    throw storeOpenError(e, dbPath);
  }
}

/** A write transaction fails at once (SQLITE_READONLY) on a file SQLite could only open read-only. */
function probeWritable(db: Database.Database): void {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    // Busy: another connection writes right now; the migrations below wait for it (busy_timeout).
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY') return;
    throw e;
  }
  db.exec('ROLLBACK');
}

/** `PRAGMA quick_check` (O(size), no index-content cross-check): anything but "ok" refuses the file. */
function checkIntegrity(db: Database.Database, dbPath: string): void {
  const rows = db.pragma('quick_check(20)') as { quick_check: string }[];
  const problems = rows
    .flatMap((r) => r.quick_check.split('\n'))
    .filter((m) => m !== 'ok' && !m.startsWith('*** in database'));
  if (problems.length > 0) {
    throw new AicoderError(
      'internal',
      `the database ${dbPath} is damaged (SQLite quick_check: ${problems.slice(0, 3).join('; ')}); aicoder will not start on it. Move it aside (mv ${dbPath} ${dbPath}.damaged) to start with an empty one, or restore a copy`,
      { details: { problems } },
    );
  }
}

function storeOpenError(e: unknown, dbPath: string): unknown {
  if (e instanceof AicoderError) return e;
  const raw = (e as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  const msg = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new AicoderError(
      'internal',
      `the database ${dbPath} cannot be written (${msg}); aicoder needs to write it: check the file's and its folder's permissions and that the filesystem is not read-only`,
      { cause: e },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new AicoderError(
      'internal',
      `the database ${dbPath} is damaged (${msg}); aicoder will not start on it. Move it aside (mv ${dbPath} ${dbPath}.damaged) to start with an empty one, or restore a copy`,
      { cause: e },
    );
  }
  return e;
}
