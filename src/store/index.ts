/** The SQLite implementation of the CoderStore port (better-sqlite3, WAL, numbered migrations). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
}

/** Opens (creating the file and its parent directory if needed) and migrates the database. */
export function openStore(dbPath: string, opts: OpenStoreOptions = {}): CoderStore {
  mkdirSync(dirname(dbPath), { recursive: true });
  const db = new Database(dbPath);
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db, opts.clock ?? systemClock);
  } catch (e) {
    db.close();
    throw e;
  }
}
