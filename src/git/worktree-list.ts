/**
 * `git worktree list --porcelain -z` parsed (git-worktree(1) "Porcelain Format": one `label value`
 * attribute per NUL-terminated field, an empty field between worktrees). Argv git: simple-git has no
 * worktree command.
 */
import { type GitResult, type GitRunner } from './exec.js';

export interface WorktreeEntry {
  /** The worktree's path as git recorded it. */
  path: string;
  /** `refs/heads/<name>` when a branch is checked out; absent when detached or bare. */
  branch?: string;
  /** HEAD's commit id; absent in a bare repository. */
  head?: string;
}

/** The worktrees registered in `repo`, main worktree first; `result` is git's answer (check its exitCode). */
export async function worktreeList(
  git: GitRunner,
  repo: string,
): Promise<{ result: GitResult; worktrees: WorktreeEntry[] }> {
  const result = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repo });
  return { result, worktrees: result.exitCode === 0 ? parseWorktreeList(result.stdout) : [] };
}

/** Parses the `-z` porcelain output of `git worktree list` (see the module doc). */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const list: WorktreeEntry[] = [];
  let cur: WorktreeEntry | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      cur = null;
      continue;
    }
    const space = field.indexOf(' ');
    const label = space < 0 ? field : field.slice(0, space);
    const value = space < 0 ? '' : field.slice(space + 1);
    if (label === 'worktree') {
      cur = { path: value };
      list.push(cur);
    } else if (cur !== null && label === 'branch') cur.branch = value;
    else if (cur !== null && label === 'HEAD') cur.head = value;
  }
  return list;
}
