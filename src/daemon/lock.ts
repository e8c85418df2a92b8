/**
 * One daemon per AICODER_HOME, decided by a real operating-system lock held for the life of the
 * process — never by /health, pid files or ages.
 *
 * The lock is SQLite's own exclusive lock on AICODER_HOME/daemon.lock.db (better-sqlite3, already a
 * dependency): `BEGIN EXCLUSIVE` takes POSIX fcntl locks that
 * - the kernel releases when the process ends in any way (kill -9 included), so there is no staleness
 *   to guess;
 * - a stopped (SIGSTOP) or slow process keeps, so nothing can take them from a live daemon;
 * - child processes do not inherit, so agents that outlive the daemon never hold the home.
 * The file is never deleted (deleting a lock file races with a process that has just opened it).
 *
 * AICODER_HOME/daemon.lock is informational only: `{pid, at}` of the holder, written after the lock
 * is taken and removed on release, so messages can name the holder.
 */
import { chmodSync, closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AicoderError } from '../core/errors.js';
import { readDaemonInfo } from './daemon-info.js';

/** AICODER_HOME/daemon.lock: `{pid, at}` of the lock's holder (informational, not the lock). */
export function lockPath(home: string): string {
  return join(home, 'daemon.lock');
}

/** AICODER_HOME/daemon.lock.db: the file whose SQLite lock is the home lock. */
export function lockDbPath(home: string): string {
  return join(home, 'daemon.lock.db');
}

function holderPid(home: string): number | null {
  try {
    const v = JSON.parse(readFileSync(lockPath(home), 'utf8')) as { pid?: unknown };
    return typeof v.pid === 'number' ? v.pid : null;
  } catch {
    return null;
  }
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * Whether a live process holds the home lock, and its pid when known (from daemon.lock; null while
 * it has not written it yet). Returns null when nobody holds it. Never blocks, never takes the lock
 * for longer than one probe. Safe to call from clients (the CLI's autostart).
 */
export function homeLockHolder(home: string): { pid: number | null } | null {
  let db: Database.Database;
  try {
    db = new Database(lockDbPath(home), { fileMustExist: true, timeout: 0 });
  } catch {
    return null; // never locked
  }
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return null;
  } catch (e) {
    if (!isBusy(e)) throw e;
    return { pid: holderPid(home) };
  } finally {
    db.close();
  }
}

/**
 * Takes the home lock or throws `conflict` naming the holder. Returns the release function (also
 * safe to call twice). A probe by another process can hold the lock for a few microseconds, so a
 * busy lock is retried for `waitMs` (default 1 s) before giving up.
 */
export function acquireHomeLock(home: string, opts: { waitMs?: number } = {}): () => void {
  const file = lockDbPath(home);
  const db = new Database(file, { timeout: opts.waitMs ?? 1000 });
  try {
    chmodSync(file, 0o600);
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if (!isBusy(e)) throw e;
    const pid = holderPid(home);
    const info = readDaemonInfo(home);
    const where = info !== null && info.pid === pid ? ` on http://127.0.0.1:${info.port}` : '';
    throw new AicoderError(
      'conflict',
      `another aicoder daemon${pid === null ? '' : ` (pid ${pid})`} already owns ${home}${where}; stop it with "aicoder daemon stop"`,
    );
  }
  const info = lockPath(home);
  const fd = openSync(info, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }) + '\n');
  } finally {
    closeSync(fd);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (holderPid(home) === process.pid) rmSync(info, { force: true });
    try {
      db.exec('ROLLBACK');
    } finally {
      db.close();
    }
  };
}
