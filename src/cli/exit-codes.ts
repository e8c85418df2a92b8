/**
 * The CLI's exit codes, in one place (documented in docs/cli.md):
 *   0 ok · 1 the coder failed/stopped/was interrupted (wait) or the operation failed ·
 *   2 usage error (bad arguments, invalid input, an ambiguous id prefix) · 3 daemon unreachable ·
 *   4 no such coder.
 */
import type { ErrorCode } from '../core/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNREACHABLE = 3;
export const EXIT_NOT_FOUND = 4;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid_input':
    case 'ambiguous_id':
      return EXIT_USAGE;
    case 'daemon_unreachable':
      return EXIT_UNREACHABLE;
    case 'forbidden':
      return EXIT_FAILED;
    case 'not_found':
      return EXIT_NOT_FOUND;
    case 'illegal_transition':
    case 'not_a_repo':
    case 'unknown_ref':
    case 'branch_exists':
    case 'unknown_provider':
    case 'provider_not_installed':
    case 'sandbox_unavailable':
    case 'provider_config':
    case 'dirty_worktree':
    case 'unmerged_commits':
    case 'path_outside':
    case 'not_supported':
    case 'conflict':
    case 'worktree_gone':
    case 'timeout':
    case 'internal':
      return EXIT_FAILED;
  }
}
