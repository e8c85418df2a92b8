/** GitPort over the git CLI (argv arrays, never a shell). */
import type { FileChange, GitPort } from '../core/ports.js';
import { changes, countChanges, diff } from './diff.js';
import { gitRunner, type GitRunnerOptions } from './exec.js';
import { createKeyedLock } from './lock.js';
import { Pager } from './paging.js';
import { gitStreamer } from './stream.js';
import { branchExists, headRef, locate, resolveCommit, toplevel } from './refs.js';
import { createWorktree, removeWorktree } from './worktree.js';

export function createGit(opts: { gitBinary?: string } & GitRunnerOptions = {}): GitPort {
  const git = gitRunner(opts.gitBinary, opts);
  const lock = createKeyedLock();
  const stream = gitStreamer(opts.gitBinary, opts);
  const pager = new Pager<FileChange>();
  return {
    toplevel: (path) => toplevel(git, path),
    headRef: (repo) => headRef(git, repo),
    resolveCommit: (repo, ref) => resolveCommit(git, repo, ref),
    branchExists: (repo, branch) => branchExists(git, repo, branch),
    locate: (path, baseRef) => locate(git, path, baseRef),
    createWorktree: (spec) => createWorktree(git, lock, spec),
    removeWorktree: (spec) => removeWorktree(git, lock, spec),
    diff: (worktree, baseCommit) => diff(git, worktree, baseCommit),
    changes: (worktree, baseCommit, page) => changes(git, stream, pager, worktree, baseCommit, page),
    countChanges: (worktree, baseCommit) => countChanges(git, stream, worktree, baseCommit),
  };
}
