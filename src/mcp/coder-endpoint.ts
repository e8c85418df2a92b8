/**
 * A coder's own MCP endpoint (/coder/<id>/<token>/mcp, served by the daemon): three tools only that
 * coder's agent can call — aicoder_report_progress, aicoder_ask_user, aicoder_heartbeat; a coder
 * with a role is offered only those its role allows (docs/roles.md; a call is refused anyway). The daemon
 * checks the token before a request gets here. Stateless Streamable HTTP: every POST gets a fresh
 * server and transport, so a daemon restart never strands a session.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer, type RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Logger } from '../core/ports.js';
import { REPORT_TOOLS } from '../core/roles.js';
import type { CoderSideApi } from '../core/talkback.js';
import { heartbeat, progressFor, type ToolExtra } from './progress.js';

export const CODER_TOOL_NAMES = ['aicoder_report_progress', 'aicoder_ask_user', 'aicoder_heartbeat'] as const;

export interface CoderMcpOptions {
  log: Logger;
  allowedHosts: string[];
  allowedOrigins: string[];
  version?: string;
  /** While aicoder_ask_user waits: a progress notification this often (default 15 s). */
  waitTickMs?: number;
}

export interface CoderMcpHandler {
  /** Serves one request of an already verified coder. */
  handle(req: IncomingMessage, res: ServerResponse, coderId: string): Promise<void>;
}

function text(t: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: t }], ...(isError ? { isError: true } : {}) };
}

function failure(err: unknown): CallToolResult {
  return text(err instanceof Error ? err.message : String(err), true);
}

function coderServer(side: CoderSideApi, coderId: string, opts: CoderMcpOptions): McpServer {
  const server = new McpServer(
    { name: 'aicoder-coder', title: 'aicoder (this coder)', version: opts.version ?? '0.0.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Talk back to the person supervising you: report progress, ask a question when you are blocked ' +
        'on a decision only they can make (the call waits for the answer), send a heartbeat during long ' +
        'silent work.',
    },
  );
  const tools = new Map<string, RegisteredTool>();
  tools.set(
    'aicoder_report_progress',
    server.registerTool(
      'aicoder_report_progress',
      {
        title: 'Report progress',
        description: 'Tell the supervisor what you are doing and, if you know it, how far along you are.',
        inputSchema: {
          message: z.string().min(1).max(2000).describe('What you are doing or have done, one line'),
          percent: z.number().min(0).max(100).optional().describe('Estimated completion, 0–100'),
        },
      },
      ({ message, percent }) => {
        try {
          side.reportProgress(coderId, message, percent);
          return text('progress recorded');
        } catch (err) {
          return failure(err);
        }
      },
    ),
  );
  tools.set(
    'aicoder_heartbeat',
    server.registerTool(
      'aicoder_heartbeat',
      {
        title: 'Heartbeat',
        description:
          'Say you are still working (during long silent work), so you are not flagged as stalled.',
        inputSchema: {},
      },
      () => {
        try {
          side.heartbeat(coderId);
          return text('ok');
        } catch (err) {
          return failure(err);
        }
      },
    ),
  );
  tools.set(
    'aicoder_ask_user',
    server.registerTool(
      'aicoder_ask_user',
      {
        title: 'Ask the user',
        description:
          'Ask the person supervising you a question and wait for the answer (it is the result of this ' +
          'call). Use it only for decisions you cannot make yourself.',
        inputSchema: {
          question: z.string().min(1).max(4000).describe('The question, self-contained'),
          context: z.string().max(8000).optional().describe('What the person needs to know to answer'),
        },
      },
      async ({ question, context }, extra: ToolExtra) => {
        const progress = progressFor(extra);
        progress.report('waiting for the answer');
        const stopTicks = heartbeat(opts.waitTickMs ?? 15_000, () => {
          progress.report('still waiting for the answer');
          try {
            side.heartbeat(coderId);
          } catch {
            /* the coder is gone; the ask resolves on its own */
          }
        });
        try {
          const outcome = await side.askUser(coderId, question, context, extra.signal);
          await progress.flush();
          return outcome.answered
            ? text(`The user answered: ${outcome.answer}`)
            : text(
                `No answer yet (${outcome.reason}). Go on with your best judgement if you can; otherwise ` +
                  'finish your turn and say what you need — the answer will arrive as a follow-up message.',
              );
        } catch (err) {
          return failure(err);
        } finally {
          stopTicks();
        }
      },
    ),
  );
  // A role that may not report some kinds is not offered their tools (core/roles.ts REPORT_TOOLS).
  let allowed: readonly string[] | undefined;
  try {
    allowed = side.reports?.(coderId);
  } catch {
    allowed = undefined; // the coder is gone: each call says so
  }
  if (allowed !== undefined) {
    const keep = new Set(allowed.map((k) => REPORT_TOOLS[k as keyof typeof REPORT_TOOLS]));
    for (const [name, tool] of tools) if (!keep.has(name)) tool.remove();
  }
  return server;
}

export function createCoderMcpHandler(side: CoderSideApi, opts: CoderMcpOptions): CoderMcpHandler {
  return {
    async handle(req, res, coderId) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32000, message: 'this endpoint is stateless: POST only' },
            id: null,
          }),
        );
        return;
      }
      const server = coderServer(side, coderId, opts);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableDnsRebindingProtection: true,
        allowedHosts: opts.allowedHosts,
        allowedOrigins: opts.allowedOrigins,
      });
      res.on('close', () => {
        void transport.close().catch(() => {});
        void server.close().catch(() => {});
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(req, res);
      } catch (err) {
        opts.log('error', 'coder endpoint request failed', { id: coderId, error: String(err) });
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null }),
          );
        }
      }
    },
  };
}
