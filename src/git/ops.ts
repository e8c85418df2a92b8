/** GitOpsPort over the git CLI (the worktree lifecycle: commit, merge, forecast, prune). */
import type { GitOpsPort } from '../core/worktree-types.js';
import { gitRunner } from './exec.js';
import { commitAll, forecast, isMerged, prune, snapshot } from './lifecycle.js';
import { createKeyedLock } from './lock.js';
import { mergeBranch } from './merge.js';

export function createGitOps(opts: { gitBinary?: string; worktreeRoot?: string } = {}): GitOpsPort {
  const git = gitRunner(opts.gitBinary, opts);
  // Merges into one repository run one at a time (each reads the base tip, then moves it).
  const lock = createKeyedLock();
  return {
    commitAll: (workspace, message) => commitAll(git, workspace, message),
    merge: (spec) => lock.run(spec.repo, () => mergeBranch(git, spec)),
    snapshot: (repo, workspace, branch) => snapshot(git, repo, workspace, branch),
    forecast: (repo, a, b) => forecast(git, repo, a, b),
    isMerged: (spec) => isMerged(git, spec),
    prune: (repo) => prune(git, repo),
  };
}
