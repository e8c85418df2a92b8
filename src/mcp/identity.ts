/**
 * Who the server says it is: name, instructions and capabilities, shared by the daemon's /mcp and the
 * stdio bridge (which answers `initialize` itself). No imports, so the bridge loads it at no cost.
 */

export const SERVER_NAME = 'aicoder';

export const TOOL_NAMES = [
  'ai_coder_create',
  'ai_coder_list',
  'ai_coder_control',
  'ai_coder_status',
  'ai_coder_workspace',
  'ai_coder_logs',
] as const;

export const SERVER_INSTRUCTIONS =
  'aicoder runs AI coding agents ("coders"), each in its own git worktree and branch. To fan out work: ' +
  'ai_coder_create once per independent task (it returns at once); ai_coder_status with wait_for ' +
  '"terminal" to wait (≤ 50 s per call, call again while timed_out); ai_coder_logs and ' +
  'ai_coder_workspace (diff, changes, read) to see the result, and (commit, merge, conflicts) to bring ' +
  'it back; ai_coder_control remove to clean up. ' +
  'Coder ids accept unique prefixes.';

/**
 * MCP server capabilities (spec: lifecycle, ServerCapabilities). The tools never change while a
 * session lives, so `tools.listChanged` is not declared; the resource list does change (coders come
 * and go) and resources can be subscribed to.
 */
export const SERVER_CAPABILITIES = {
  tools: {},
  resources: { subscribe: true, listChanged: true },
} as const;

/** Protocol revisions the SDK serves, newest first (checked equal to the SDK's list by a test). */
export const SUPPORTED_PROTOCOL_VERSIONS = [
  '2025-11-25',
  '2025-06-18',
  '2025-03-26',
  '2024-11-05',
  '2024-10-07',
] as const;
