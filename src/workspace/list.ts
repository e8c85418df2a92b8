/**
 * Tracked and untracked (not ignored) files of a worktree, with sizes, a page at a time. The path list
 * comes from streamed `git ls-files` output (no event-loop stall on 200,000 files); sizes are read
 * (lstat) only for the entries of the page served.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { FilesPage, PageQuery } from '../core/ports.js';
import { gitMessage } from '../git/exec.js';
import { ensureWorktreeDir, explainNotARepo } from '../git/gone.js';
import { sortByPath, type Pager } from '../git/paging.js';
import type { GitStreamer } from '../git/stream.js';

export interface ListedPath {
  path: string;
  tracked: boolean;
}

const NOT_A_REPO = /not a git repository|must be run in a work tree|dubious ownership/i;

/** Every file of the worktree (tracked, minus deleted ones and submodules; untracked, not ignored). */
export async function allPaths(stream: GitStreamer, worktree: string): Promise<ListedPath[]> {
  await ensureWorktreeDir(worktree);
  const tracked: ListedPath[] = [];
  const deleted = new Set<string>();
  const untracked: ListedPath[] = [];
  // Argv git, not simple-git: ls-files -z streamed chunk by chunk for 200,000-file trees (simple-git buffers all).
  const runs = await Promise.all([
    // "mode sha stage\tpath": mode 160000 is a submodule (a directory, listed by nobody here).
    stream(['ls-files', '-c', '-s', '-z'], { cwd: worktree }, (recs) => {
      for (const r of recs) {
        const tab = r.indexOf('\t');
        if (tab < 0 || r.startsWith('160000 ')) continue;
        tracked.push({ path: r.slice(tab + 1), tracked: true });
      }
    }),
    stream(['ls-files', '-d', '-z'], { cwd: worktree }, (recs) => {
      for (const r of recs) deleted.add(r);
    }),
    stream(['ls-files', '-o', '--exclude-standard', '-z'], { cwd: worktree }, (recs) => {
      for (const r of recs) if (!r.endsWith('/')) untracked.push({ path: r, tracked: false });
    }),
  ]);
  for (const r of runs) {
    if (r.exitCode !== 0 && NOT_A_REPO.test(r.stderr)) {
      throw (
        (await explainNotARepo(worktree)) ??
        new AicoderError('not_a_repo', `not a git repository: ${worktree}`, { field: 'workspace' })
      );
    }
    if (r.exitCode !== 0) {
      throw new AicoderError(
        'internal',
        `git ls-files failed: ${gitMessage({ exitCode: r.exitCode, stdout: '', stderr: r.stderr })}`,
      );
    }
  }
  const out = tracked.filter((t, i) => !deleted.has(t.path) && tracked[i - 1]?.path !== t.path);
  for (const u of untracked) out.push(u);
  return sortByPath(out);
}

/** One page of the worktree's files with their sizes (see git/paging.ts for cursors and budgets). */
export async function listFiles(
  stream: GitStreamer,
  pager: Pager<ListedPath>,
  worktree: string,
  q: PageQuery = {},
): Promise<FilesPage> {
  const page = await pager.page(`files\0${worktree}`, q, () => allPaths(stream, worktree));
  const stats = await Promise.all(page.entries.map((e) => lstat(join(worktree, e.path)).catch(() => null)));
  const files = [];
  for (const [i, e] of page.entries.entries()) {
    const st = stats[i];
    // Gone since the list was made, or a directory (a nested repository): not a file of the worktree.
    if (!st || st.isDirectory()) continue;
    files.push({ path: e.path, size: st.size, tracked: e.tracked });
  }
  return { files, total: page.total, next_cursor: page.next_cursor };
}
