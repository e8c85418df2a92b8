/** Error codes → HTTP statuses, in one exhaustive switch. */
import type { ErrorCode } from '../core/errors.js';

export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'invalid_input':
    case 'not_a_repo':
    case 'unknown_ref':
    case 'unknown_provider':
    case 'provider_not_installed':
    case 'sandbox_unavailable':
    case 'not_supported':
      return 400;
    case 'path_outside':
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'ambiguous_id':
    case 'illegal_transition':
    case 'branch_exists':
    case 'dirty_worktree':
    case 'unmerged_commits':
    case 'conflict':
      return 409;
    case 'worktree_gone':
      return 410;
    case 'provider_config':
      return 422;
    case 'internal':
      return 500;
    case 'daemon_unreachable':
      return 503;
    case 'timeout':
      return 504;
  }
}
