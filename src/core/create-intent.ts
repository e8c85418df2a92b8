/**
 * Create intents: AICODER_HOME/journal/create-<id>.json names the branch and worktree a create is
 * about to make, written (fsync, rename) before `git worktree add` and removed once the coder's
 * record is stored. A crash (kill -9) in between leaves an intent; the next start removes what it
 * names unless a record exists (ending first any process still writing inside the folder, such as
 * the checkout of a `git worktree add` that outlived the daemon), and logs what it did
 * (reconcileCreates).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from './durable-write.js';
import type { ManagerDeps } from './manager-deps.js';
import type { Records } from './records.js';

export interface CreateIntent {
  id: string;
  repo: string;
  branch: string;
  path: string;
  base_commit: string;
}

function journalDir(home: string): string {
  return join(home, 'journal');
}

/** Writes the intent durably; returns its file. */
export function writeCreateIntent(home: string, intent: CreateIntent): string {
  const dir = journalDir(home);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `create-${intent.id}.json`);
  writeFileDurably(file, JSON.stringify(intent) + '\n');
  return file;
}

export function dropIntent(file: string): void {
  rmSync(file, { force: true });
}

/**
 * At start: every create intent without a stored coder is undone (worktree folder and registration
 * removed, the fresh branch deleted); intents whose coder exists are just dropped.
 */
export async function reconcileCreates(deps: ManagerDeps, records: Records): Promise<void> {
  const dir = journalDir(deps.home);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^create-[^/]+\.json$/.test(n));
  } catch {
    return;
  }
  for (const n of names) {
    const file = join(dir, n);
    let intent: CreateIntent;
    try {
      intent = JSON.parse(readFileSync(file, 'utf8')) as CreateIntent;
    } catch {
      dropIntent(file);
      continue;
    }
    if (records.get(intent.id)) {
      dropIntent(file);
      continue;
    }
    try {
      // A crash kills the daemon, not the git it started: `git worktree add`'s own checkout may still
      // be filling the folder. It is ended first, or it would write the folder again after removal.
      const writers = deps.runner.processesUnder(intent.path);
      if (writers.length > 0) await deps.runner.endProcesses(writers, 0);
      await deps.git.removeWorktree({
        repo: intent.repo,
        path: intent.path,
        branch: intent.branch,
        base_ref: intent.base_commit,
        base_commit: intent.base_commit,
        force: true,
        keep_branch: false,
      });
      dropIntent(file);
      deps.log('warn', 'unfinished create cleaned up', {
        id: intent.id,
        repo: intent.repo,
        branch: intent.branch,
        workspace: intent.path,
        note: 'a create was interrupted (crash or kill) before its coder was stored; its branch and worktree were removed',
      });
    } catch (e) {
      deps.log('error', 'unfinished create could not be cleaned up', {
        ...intent,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
}
