/**
 * A damaged database: random bytes over the logs table's pages after real use. The next daemon must
 * refuse to start, say why (naming the file), and never answer /health as if it were fine.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Coder } from '../../src/core/coder.js';
import { cleanupHome, health, makeHome, runCli, startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { makeRepo } from '../helpers/env.js';
import { RELIABILITY_PROVIDERS, api, say } from './suite.js';

export interface DamagedDbFigures {
  pages_damaged: number;
  start_code: number;
  start_stderr: string;
  healthy_after: boolean;
}

/** Overwrites the root page of the tables whose name mentions logs (their root pages). */
export function damageLogsPages(path: string): number {
  const db = new Database(path);
  // Pages still in the WAL would mask the damage: move everything into the main file first.
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const roots = db
    .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name LIKE '%log%' AND rootpage > 0")
    .all() as { rootpage: number }[];
  db.close();
  const fd = openSync(path, 'r+');
  try {
    for (const { rootpage } of roots) {
      const junk = randomBytes(pageSize);
      writeSync(fd, junk, 0, junk.length, (rootpage - 1) * pageSize);
    }
  } finally {
    closeSync(fd);
  }
  return roots.length;
}

export async function damagedDbScenario(opts: { lines: number }): Promise<DamagedDbFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS });
  let d: RunningDaemon | undefined;
  try {
    d = await startDaemon(h);
    const repo = makeRepo();
    const c = await api<Coder>(h, 'POST', '/api/coders', { task: `${opts.lines}`, repo, provider: 'lines' });
    await api(h, 'GET', `/api/coders/${c.id}/wait?for=terminal&timeout_ms=50000`);
    d.proc.kill('SIGTERM');
    await new Promise((r) => d!.proc.once('exit', r));
    d = undefined;
    const pages = damageLogsPages(join(h.home, 'aicoder.db'));
    // A daemon that wrongly starts would run forever: the CLI child is ended after a deadline.
    const r = await runCli(h, ['daemon', 'run'], { timeoutMs: 60_000 });
    const f: DamagedDbFigures = {
      pages_damaged: pages,
      start_code: r.code,
      start_stderr: r.stderr.trim().split('\n')[0] ?? '',
      healthy_after: (await health(h)) !== null,
    };
    say('damaged-db', { ...f, start_stderr: f.start_stderr.slice(0, 200) });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}
