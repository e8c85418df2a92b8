/**
 * One MCP server (the SDK's low-level Server) over the manager: the six ai_coder_* tools and the
 * resources. Request params are checked here, so a malformed request gets -32602 with a short
 * message (never -32603 with a zod dump), and tools/list is the precomputed list of tool-registry.ts.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { z } from 'zod';
import type { ManagerApi } from '../core/api.js';
import type { Logger } from '../core/ports.js';
import { errorResult } from './errors.js';
import { parseParams, rawHandler } from './handlers.js';
import { SERVER_CAPABILITIES, SERVER_INSTRUCTIONS, SERVER_NAME } from './identity.js';
import { registerResources } from './resources.js';
import { hintContext, type ToolContext } from './tool-kit.js';
import { ToolRegistry } from './tool-registry.js';
import { registerCoderTools } from './tools-coders.js';
import { registerWorkspaceTools } from './tools-workspace.js';

export { SERVER_INSTRUCTIONS, TOOL_NAMES } from './identity.js';

export interface McpServerOptions {
  log: Logger;
  /** Reported as serverInfo.version. */
  version?: string;
  /** When the daemon started (epoch ms), for the uptime in aicoder://stats; default: this process. */
  startedAtMs?: number;
}

/** The low-level server plus the session's tool registry (docs and tests read it). */
export interface AicoderMcpServer {
  server: Server;
  tools: ToolRegistry;
  connect: Server['connect'];
  close(): Promise<void>;
}

const callParams = z.object({ name: z.string(), arguments: z.record(z.unknown()).optional() }).passthrough();

export function createMcpServer(manager: ManagerApi, opts: McpServerOptions): AicoderMcpServer {
  const server = new Server(
    { name: SERVER_NAME, title: SERVER_NAME, version: opts.version ?? '0.0.0' },
    { capabilities: { ...SERVER_CAPABILITIES }, instructions: SERVER_INSTRUCTIONS },
  );
  const ctx: ToolContext = { manager, log: opts.log, hints: hintContext(manager) };
  const tools = new ToolRegistry((err, tool) => errorResult(err, ctx.hints, opts.log, tool));
  registerCoderTools(tools, ctx);
  registerWorkspaceTools(tools, ctx);

  rawHandler(server, 'tools/list', () => ({ tools: tools.list() }));
  rawHandler(server, 'tools/call', (params, extra) => {
    const p = parseParams('tools/call', callParams, params);
    return tools.call(p.name, p.arguments, extra);
  });
  const resources = registerResources(server, manager, opts.log, {
    startedAtMs: opts.startedAtMs ?? Date.now() - process.uptime() * 1000,
  });
  server.onclose = () => resources.close();
  return {
    server,
    tools,
    connect: (t) => server.connect(t),
    close: () => server.close(),
  };
}
