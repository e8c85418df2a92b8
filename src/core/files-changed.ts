/** A live run's `files_changed` stat: recomputed from git whenever its worktree's watcher fires. */
import type { Coder } from './coder.js';
import type { LiveRun } from './live-run.js';
import type { ManagerDeps } from './manager-deps.js';
import type { Records } from './records.js';

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Starts watching the coder's worktree for the run (a watcher that cannot start is logged, not fatal). */
export function watchFiles(deps: ManagerDeps, records: Records, lr: LiveRun, coder: Coder): void {
  try {
    lr.watcher = deps.workspace.watch(coder.workspace, () => refreshFiles(deps, records, lr, coder));
  } catch (err) {
    deps.log('warn', 'workspace watcher failed', { id: coder.id, error: errMessage(err) });
  }
}

/** Recomputes files_changed; at most one computation per coder at a time, coalescing bursts. */
export async function refreshFiles(
  deps: ManagerDeps,
  records: Records,
  lr: LiveRun,
  coder: Coder,
): Promise<void> {
  if (lr.filesBusy) {
    lr.filesAgain = true;
    return;
  }
  lr.filesBusy = true;
  try {
    do {
      lr.filesAgain = false;
      const total = await deps.git.countChanges(coder.workspace, coder.base_commit);
      const cur = records.get(coder.id);
      if (cur && cur.stats.files_changed !== total) {
        records.patch(coder.id, { stats: { files_changed: total } });
      }
    } while (lr.filesAgain);
  } catch (err) {
    deps.log('debug', 'files_changed refresh failed', { id: coder.id, error: errMessage(err) });
  } finally {
    lr.filesBusy = false;
  }
}
