/** Tracked and untracked (not ignored) files of a worktree, with sizes. */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { WorkspaceFile } from '../core/ports.js';
import { gitMessage, isNotARepo, splitZ, type GitRunner } from '../git/exec.js';
import { ensureWorktreeDir, explainNotARepo } from '../git/gone.js';

const STAT_BATCH = 256;

export async function listFiles(git: GitRunner, workspace: string): Promise<WorkspaceFile[]> {
  await ensureWorktreeDir(workspace);
  const [tracked, untracked] = await Promise.all([
    git(['ls-files', '-c', '-z'], { cwd: workspace }),
    git(['ls-files', '-o', '--exclude-standard', '-z'], { cwd: workspace }),
  ]);
  for (const r of [tracked, untracked]) {
    if (isNotARepo(r)) {
      throw (
        (await explainNotARepo(workspace)) ??
        new AicoderError('not_a_repo', `not a git repository: ${workspace}`, { field: 'workspace' })
      );
    }
    if (r.exitCode !== 0) throw new AicoderError('internal', `git ls-files failed: ${gitMessage(r)}`);
  }
  const entries = new Map<string, boolean>();
  for (const p of splitZ(tracked.stdout)) entries.set(p, true);
  for (const p of splitZ(untracked.stdout)) if (!p.endsWith('/') && !entries.has(p)) entries.set(p, false);

  const all = [...entries];
  const files: WorkspaceFile[] = [];
  for (let i = 0; i < all.length; i += STAT_BATCH) {
    const batch = all.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map(([p]) => lstat(join(workspace, p)).catch(() => null)));
    batch.forEach(([path, isTracked], j) => {
      const st = stats[j];
      // Deleted tracked files and submodule directories are not files of the worktree.
      if (!st || st.isDirectory()) return;
      files.push({ path, size: st.size, tracked: isTracked });
    });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
