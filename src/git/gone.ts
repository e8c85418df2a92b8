/**
 * Worktrees whose folder or repository went away (deleted, moved, renamed): errors that say so,
 * instead of git's "not a git repository" or a "no such coder".
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AicoderError } from '../core/errors.js';
import { isDirectory } from './exec.js';

/** `worktree_gone`: the worktree folder does not exist. */
export function worktreeGone(worktree: string): AicoderError {
  return new AicoderError(
    'worktree_gone',
    `worktree ${worktree} is gone (its folder was deleted or moved); its commits stay on its branch; ` +
      'rm (with force) removes the coder',
    { field: 'workspace' },
  );
}

/** `worktree_gone`: the repository of a coder is gone. */
export function repoGone(repo: string, what: string): AicoderError {
  return new AicoderError(
    'worktree_gone',
    `repository ${repo} is gone (deleted, moved or renamed), so ${what}`,
    { field: 'repo' },
  );
}

/** Throws worktree_gone unless `worktree` is a directory. */
export async function ensureWorktreeDir(worktree: string): Promise<void> {
  if (!(await isDirectory(worktree))) throw worktreeGone(worktree);
}

/**
 * When git says a worktree is not a repository: worktree_gone when its `.git` file points to a git
 * directory that no longer exists (the repository moved or was deleted), else null.
 */
export async function explainNotARepo(worktree: string): Promise<AicoderError | null> {
  let text: string;
  try {
    text = await readFile(join(worktree, '.git'), 'utf8');
  } catch {
    return null;
  }
  const m = /^gitdir: (.+)$/m.exec(text);
  if (!m) return null;
  const gitdir = isAbsolute(m[1]!) ? m[1]! : resolve(worktree, m[1]!);
  if (await isDirectory(gitdir)) return null;
  return new AicoderError(
    'worktree_gone',
    `the repository of worktree ${worktree} is gone (deleted, moved or renamed): its .git file points ` +
      `to ${gitdir}, which does not exist; if the repository moved, run 'git worktree repair ${worktree}' ` +
      'in its new place',
    { field: 'repo' },
  );
}
