/**
 * What create/remove cycles could leave behind, counted before and after, so that a test proves
 * they leak nothing (test/lifecycle/gc.test.ts, test/git/cycles.test.ts): the repo's worktrees
 * (`git worktree list --porcelain`), its branches (`git branch -a`), its worktree admin folders
 * (.git/worktrees/*), the folders under the home's worktrees/, the home database's rows of coders and
 * what hangs off them, processes working in the home or the repo, and this process's open file
 * descriptors (vitest runs each file in its own process: pool `forks`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { processesUnder } from './daemon.js';
import { git } from './env.js';

export interface LeakSnapshot {
  worktrees: string;
  branches: string;
  /** Names in the repo's .git/worktrees. */
  admin: string[];
  /** Paths under the home's worktrees/ folder, two levels (repo folder, coder folder). */
  homeWorktrees: string[];
  /** Row counts per table of the home's aicoder.db that hold a coder's data (absent db: none). */
  rows: Record<string, number>;
  /** Pids of live processes whose cwd is in the home or the repo. */
  processes: number[];
  /** Open file descriptors of this process. */
  fds: number;
}

/** Tables whose rows belong to a coder (src/store/migrations.ts, log-migrate.ts). */
const CODER_TABLES = ['coders', 'runs', 'logs', 'log_chunks', 'groups'];

/** Counts what `repo` and the aicoder home `home` hold now (see the file's comment). */
export function leakSnapshot(repo: string, home: string): LeakSnapshot {
  const admin = join(repo, '.git', 'worktrees');
  const wtRoot = join(home, 'worktrees');
  const homeWorktrees = existsSync(wtRoot)
    ? readdirSync(wtRoot).flatMap((r) => [r, ...readdirSync(join(wtRoot, r)).map((c) => join(r, c))])
    : [];
  return {
    worktrees: git(repo, 'worktree', 'list', '--porcelain'),
    branches: git(repo, 'branch', '-a'),
    admin: existsSync(admin) ? readdirSync(admin) : [],
    homeWorktrees: homeWorktrees.filter((p) => p.includes('/')),
    rows: coderRows(join(home, 'aicoder.db')),
    processes: [...processesUnder(home), ...processesUnder(repo)],
    fds: readdirSync('/proc/self/fd').length,
  };
}

function coderRows(dbPath: string): Record<string, number> {
  if (!existsSync(dbPath)) return {};
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const present = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    const out: Record<string, number> = {};
    for (const t of CODER_TABLES.filter((t) => present.has(t))) {
      out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * What `after` holds that `before` did not, one line per kind ([] when nothing leaked). File
 * descriptors may grow by `fdSlack` (default 3: a lazily opened library or socket), never by one
 * per cycle.
 */
export function leaked(before: LeakSnapshot, after: LeakSnapshot, fdSlack = 3): string[] {
  const out: string[] = [];
  if (after.worktrees !== before.worktrees) out.push(`git worktree list:\n${after.worktrees}`);
  if (after.branches !== before.branches) out.push(`git branch -a:\n${after.branches}`);
  const newAdmin = after.admin.filter((a) => !before.admin.includes(a));
  if (newAdmin.length > 0) out.push(`.git/worktrees: ${newAdmin.join(', ')}`);
  const newDirs = after.homeWorktrees.filter((p) => !before.homeWorktrees.includes(p));
  if (newDirs.length > 0) out.push(`home worktrees/: ${newDirs.join(', ')}`);
  for (const [t, n] of Object.entries(after.rows)) {
    if (n > (before.rows[t] ?? 0)) out.push(`db table ${t}: ${before.rows[t] ?? 0} → ${n} rows`);
  }
  const newProcs = after.processes.filter((p) => !before.processes.includes(p));
  if (newProcs.length > 0) out.push(`processes in the home or repo: ${newProcs.join(', ')}`);
  if (after.fds > before.fds + fdSlack) out.push(`open fds: ${before.fds} → ${after.fds}`);
  return out;
}
