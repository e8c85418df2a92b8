/**
 * The error body every surface sends: REST answers `{error: ErrorBody}` with the status of its code
 * (daemon/http-errors.ts), MCP puts it in a result's `_meta["aicoder/error"]`, the CLI maps the code to
 * its exit code (cli/exit-codes.ts).
 */
import { z } from 'zod';

/** Every error code, in the order docs/mcp.md lists them. */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'ambiguous_id',
  'illegal_transition',
  'not_a_repo',
  'unknown_ref',
  'branch_exists',
  'unknown_provider',
  'provider_not_installed',
  'provider_config',
  'sandbox_unavailable',
  'dirty_worktree',
  'unmerged_commits',
  'path_outside',
  'not_supported',
  'conflict',
  'worktree_gone',
  'daemon_unreachable',
  'forbidden',
  'timeout',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Plain-data form of an error, as it crosses a boundary. `field` names the input at fault. */
export const errorBody = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  field: z.string().optional(),
  details: z.record(z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** A REST error answer. */
export const errorResponse = z.object({ error: errorBody });
