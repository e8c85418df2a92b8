/** GitPort over the git CLI (argv arrays, never a shell). */
import type { FileChange, GitPort } from '../core/ports.js';
import { ChangesCache, type WorktreeClock } from './changes-cache.js';
import { changes, countChanges, diff } from './diff.js';
import { gitRunner, type GitRunnerOptions } from './exec.js';
import { createKeyedLock } from './lock.js';
import { Pager } from './paging.js';
import { gitStreamer } from './stream.js';
import { branchExists, headRef, locate, resolveCommit, toplevel } from './refs.js';
import { createWorktree, removeWorktree } from './worktree.js';

export interface CreateGitOptions extends GitRunnerOptions {
  gitBinary?: string;
  /**
   * Tells when a worktree's files changed (workspace/tree-clock.ts): with it, a repeated `changes`
   * on an unchanged worktree is answered from the last list (changes-cache.ts).
   */
  changeClock?: WorktreeClock;
}

export function createGit(opts: CreateGitOptions = {}): GitPort {
  const git = gitRunner(opts.gitBinary, opts);
  const lock = createKeyedLock();
  // Inspection (diff, changes, counts) runs at a lower CPU priority; create and remove do not.
  const inspect = gitRunner(opts.gitBinary, { ...opts, background: true });
  const stream = gitStreamer(opts.gitBinary, { ...opts, background: true });
  const pager = new Pager<FileChange>();
  const cache = opts.changeClock === undefined ? undefined : new ChangesCache(opts.changeClock, inspect);
  return {
    toplevel: (path) => toplevel(git, path),
    headRef: (repo) => headRef(git, repo),
    resolveCommit: (repo, ref) => resolveCommit(git, repo, ref),
    branchExists: (repo, branch) => branchExists(git, repo, branch),
    locate: (path, baseRef) => locate(git, path, baseRef),
    createWorktree: (spec) => createWorktree(git, lock, spec),
    removeWorktree: (spec) => removeWorktree(git, lock, spec),
    diff: (worktree, baseCommit) => diff(inspect, worktree, baseCommit),
    changes: (worktree, baseCommit, page) =>
      changes(inspect, stream, pager, worktree, baseCommit, page, cache),
    countChanges: (worktree, baseCommit) => countChanges(inspect, stream, worktree, baseCommit),
  };
}
