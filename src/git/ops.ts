/** GitOpsPort over the git CLI (the worktree lifecycle: commit, merge, forecast, prune). */
import { join } from 'node:path';
import type { GitOpsPort, MergeRecovery } from '../core/worktree-types.js';
import { gitRunner, type GitRunnerOptions } from './exec.js';
import { commitAll, forecast, isMerged, prune, snapshot } from './lifecycle.js';
import { createKeyedLock } from './lock.js';
import { mergeBranch } from './merge.js';
import { mergeJournal, recoverMerge } from './merge-journal.js';

export function createGitOps(
  opts: { gitBinary?: string; /** AICODER_HOME/journal */ journalDir?: string } & GitRunnerOptions = {},
): GitOpsPort {
  const git = gitRunner(opts.gitBinary, opts);
  // Merges into one repository run one at a time (each reads the base tip, then moves it).
  const lock = createKeyedLock();
  const journal = opts.journalDir === undefined ? undefined : mergeJournal(opts.journalDir);
  return {
    commitAll: (worktree, message) => commitAll(git, worktree, message),
    merge: (spec) => lock.run(spec.repo, () => mergeBranch(git, spec, journal)),
    recoverMerges: async () => {
      const out: MergeRecovery[] = [];
      for (const { file, intent } of journal?.pending() ?? []) {
        const rec = await lock.run(intent.repo, () =>
          recoverMerge(git, intent, undefined, join(opts.journalDir!, 'recovered')),
        );
        if (rec.outcome !== 'untouched') journal!.done(file);
        out.push(rec);
      }
      return out;
    },
    snapshot: (repo, worktree, branch) => snapshot(git, repo, worktree, branch),
    forecast: (repo, a, b) => forecast(git, repo, a, b),
    isMerged: (spec) => isMerged(git, spec),
    prune: (repo) => prune(git, repo),
  };
}
