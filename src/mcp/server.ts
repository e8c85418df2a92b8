/** One McpServer over the manager: the six ai_coder_* tools and the coder resources. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ManagerApi } from '../core/api.js';
import type { Logger } from '../core/ports.js';
import { registerResources } from './resources.js';
import { hintContext, type ToolContext } from './tool-kit.js';
import { registerCoderTools } from './tools-coders.js';
import { registerWorkspaceTools } from './tools-workspace.js';

export interface McpServerOptions {
  log: Logger;
  /** Reported as serverInfo.version. */
  version?: string;
}

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

export function createMcpServer(manager: ManagerApi, opts: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'aicoder', title: 'aicoder', version: opts.version ?? '0.0.0' },
    {
      capabilities: { tools: {}, resources: { subscribe: true, listChanged: true } },
      instructions: SERVER_INSTRUCTIONS,
    },
  );
  const ctx: ToolContext = { manager, log: opts.log, hints: hintContext(manager) };
  registerCoderTools(server, ctx);
  registerWorkspaceTools(server, ctx);
  const resources = registerResources(server, manager, opts.log);
  const previous = server.server.onclose;
  server.server.onclose = () => {
    resources.close();
    previous?.();
  };
  return server;
}
