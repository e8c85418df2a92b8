/**
 * How a merge's outcome (core/worktree-types.ts MergeResult.outcome) reads in a sentence, for
 * `aicoder pick`/`merge` and the TUI's pick notice alike.
 */
import type { MergeResult } from '../core/worktree-types.js';

/** "fast-forward", "merge commit" or "already up to date". */
export function mergeOutcomeText(outcome: MergeResult['outcome']): string {
  switch (outcome) {
    case 'fast_forward':
      return 'fast-forward';
    case 'merged':
      return 'merge commit';
    case 'up_to_date':
      return 'already up to date';
  }
}
