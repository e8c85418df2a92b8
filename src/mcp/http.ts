/**
 * Streamable HTTP with sessions, mounted by the daemon at /mcp: POST (requests; an initialize without
 * a session starts one), GET (the session's server-to-client stream), DELETE (ends the session).
 * Every session gets its own server and transport; both are dropped on DELETE, on close(), after
 * `idleMs` with no open request or stream, and when a new client needs room: at `maxSessions`, the
 * least recently used session with nothing open is evicted, so no client is refused because earlier
 * ones (Claude Code, Gemini CLI, the Inspector never DELETE) left sessions behind.
 * Foreign Host/Origin headers get 403 here and in the SDK transport.
 * Streams are resumable: each session keeps its recent SSE events (event-store.ts), every POST stream
 * of a 2025-11-25 client opens with a priming event (an id and a `retry`), and a GET with
 * Last-Event-ID replays what the client missed, then carries the rest of the call.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ManagerApi } from '../core/api.js';
import type { Logger } from '../core/ports.js';
import { SessionEventStore } from './event-store.js';
import { createMcpServer, type AicoderMcpServer } from './server.js';
import { closeStream, streamOfRequest } from './sse-streams.js';
import { serveWebTransport } from './node-http.js';

export interface McpHttpOptions {
  log: Logger;
  /** Exact Host header values accepted, e.g. ["127.0.0.1:7777", "localhost:7777"]. */
  allowedHosts: string[];
  /** Origin header values accepted when a request carries one. */
  allowedOrigins: string[];
  version?: string;
  /** Sessions with no open request or stream and no activity for this long are closed (default 5 min). */
  idleMs?: number;
  /**
   * At most this many sessions at once (default 256). A new client beyond it evicts the least
   * recently used session that has no open request or stream; only when every session is busy: 503.
   */
  maxSessions?: number;
  /** The SSE `retry` the priming event suggests: how soon a client resumes a broken stream (1,000 ms). */
  retryMs?: number;
}

export interface McpHttpHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
  /** Number of open sessions (for health and tests). */
  readonly sessionCount: number;
  /** Requests and streams still open over all sessions (for tests). */
  readonly openRequests: number;
}

interface Session {
  id: string | undefined;
  /** The SDK's web-standard transport, served to Node by node-http.ts. */
  transport: WebStandardStreamableHTTPServerTransport;
  server: AicoderMcpServer;
  /** Requests and streams (POST or GET responses) still open. */
  open: number;
  lastActive: number;
  /** The protocol version the client asked for in initialize. */
  version: string | undefined;
  /** Its SSE events, for Last-Event-ID resumption (event-store.ts). */
  events: SessionEventStore;
}

/** Protocol revisions from this one on have no JSON-RPC batches (removed in 2025-06-18). */
const NO_BATCH_FROM = '2025-06-18';

const MAX_BODY = 4 * 1024 * 1024;

function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY) throw new BodyError(413, -32600, `request body larger than ${MAX_BODY} bytes`);
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    throw new BodyError(400, -32700, `Parse error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function lower(list: string[]): Set<string> {
  return new Set(list.map((s) => s.toLowerCase()));
}

export function createMcpHttpHandler(manager: ManagerApi, opts: McpHttpOptions): McpHttpHandler {
  const sessions = new Map<string, Session>();
  const hosts = lower(opts.allowedHosts);
  const origins = lower(opts.allowedOrigins);
  const idleMs = opts.idleMs ?? 5 * 60_000;
  const maxSessions = opts.maxSessions ?? 256;
  let closed = false;

  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      for (const s of sessions.values()) {
        if (s.open === 0 && s.lastActive < cutoff) void closeSession(s);
      }
    },
    Math.min(30_000, idleMs),
  );
  sweep.unref();

  async function closeSession(s: Session): Promise<void> {
    try {
      await s.transport.close();
      await s.server.close();
    } catch (err) {
      opts.log('warn', 'mcp session close failed', { error: String(err) });
    }
  }

  /** Marks the session used (most recently used last in the map) and counts res as open. */
  function track(s: Session, res: ServerResponse): void {
    s.open += 1;
    s.lastActive = Date.now();
    if (s.id !== undefined && sessions.get(s.id) === s) {
      sessions.delete(s.id);
      sessions.set(s.id, s);
    }
    res.on('close', () => {
      s.open -= 1;
      s.lastActive = Date.now();
    });
  }

  /** Frees one slot: the least recently used session with nothing open. False when all are busy. */
  function evictOne(): boolean {
    for (const s of sessions.values()) {
      if (s.open > 0) continue;
      if (s.id !== undefined) sessions.delete(s.id);
      opts.log('debug', 'mcp session evicted (least recently used)', { session: s.id });
      void closeSession(s);
      return true;
    }
    return false;
  }

  /**
   * notifications/cancelled: the SDK stops the handler and never answers the request, which would
   * leave its SSE stream open and counted; close that stream (spec: cancellation).
   */
  function closeCancelled(s: Session, body: unknown): void {
    for (const m of Array.isArray(body) ? body : [body]) {
      const msg = m as { method?: unknown; params?: { requestId?: unknown } } | null;
      if (msg?.method !== 'notifications/cancelled') continue;
      const id = msg.params?.requestId;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      // A client that got a priming event would resume the closed stream and wait forever.
      const stream = streamOfRequest(s.transport, id);
      if (stream !== undefined) s.events.end(stream);
      s.transport.closeSSEStream(id);
    }
  }

  /** The Host/Origin check; an empty allow-list disables that check. */
  function foreign(req: IncomingMessage): string | undefined {
    const host = req.headers.host;
    if (hosts.size > 0 && (host === undefined || !hosts.has(host.toLowerCase()))) {
      return `Invalid Host header: ${host ?? '(none)'}`;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origins.size > 0 && !origins.has(origin.toLowerCase())) {
      return `Invalid Origin header: ${origin}`;
    }
    return undefined;
  }

  async function startSession(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    while (sessions.size >= maxSessions) {
      if (!evictOne()) {
        rpcError(res, 503, -32000, `all ${maxSessions} MCP sessions are busy; try again shortly`);
        return;
      }
    }
    const server = createMcpServer(manager, {
      log: opts.log,
      ...(opts.version ? { version: opts.version } : {}),
    });
    const events = new SessionEventStore({
      // After the SDK has registered the resumed stream (it does so once the replay returns).
      onReplayedComplete: (streamId) => setImmediate(() => closeStream(transport, streamId)),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: events,
      retryInterval: opts.retryMs ?? 1000,
      enableDnsRebindingProtection: true,
      allowedHosts: opts.allowedHosts,
      allowedOrigins: opts.allowedOrigins,
      onsessioninitialized: (id) => {
        session.id = id;
        sessions.set(id, session);
        opts.log('debug', 'mcp session started', { session: id });
      },
    });
    const params = (body as { params?: { protocolVersion?: unknown } }).params;
    const session: Session = {
      id: undefined,
      transport,
      server,
      open: 0,
      lastActive: Date.now(),
      version: typeof params?.protocolVersion === 'string' ? params.protocolVersion : undefined,
      events,
    };
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id !== undefined && sessions.get(id) === session) {
        sessions.delete(id);
        opts.log('debug', 'mcp session ended', { session: id });
      }
    };
    await server.connect(transport);
    track(session, res);
    await serveWebTransport(transport, req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const bad = foreign(req);
      if (bad !== undefined) return rpcError(res, 403, -32000, bad);
      if (closed) return rpcError(res, 503, -32000, 'the MCP endpoint is shutting down');
      const header = req.headers['mcp-session-id'];
      const sid = Array.isArray(header) ? header[0] : header;
      const session = sid !== undefined ? sessions.get(sid) : undefined;
      const method = req.method ?? 'GET';
      if (method === 'POST') {
        const body = await readJson(req);
        // JSON-RPC: an empty batch is an Invalid Request (the SDK would answer 202 as if to notifications).
        if (Array.isArray(body) && body.length === 0) {
          return rpcError(res, 400, -32600, 'Invalid Request: an empty batch');
        }
        if (Array.isArray(body)) {
          const header = req.headers['mcp-protocol-version'];
          const version = (Array.isArray(header) ? header[0] : header) ?? session?.version;
          if (!session || version === undefined || version >= NO_BATCH_FROM) {
            return rpcError(
              res,
              400,
              -32600,
              `Invalid Request: JSON-RPC batches are not supported${version ? ` in protocol version ${version}` : ' for initialize'}; send one message per request`,
            );
          }
        }
        if (session) {
          track(session, res);
          await serveWebTransport(session.transport, req, res, body);
          closeCancelled(session, body);
          return;
        }
        if (sid !== undefined) return rpcError(res, 404, -32001, 'Session not found; initialize a new one');
        if (!isInitializeRequest(body)) {
          return rpcError(res, 400, -32000, 'Bad Request: no valid mcp-session-id; send initialize first');
        }
        return await startSession(req, res, body);
      }
      if (method === 'GET' || method === 'DELETE') {
        if (sid === undefined)
          return rpcError(res, 400, -32000, 'Bad Request: mcp-session-id header is required');
        if (!session) return rpcError(res, 404, -32001, 'Session not found; initialize a new one');
        track(session, res);
        return await serveWebTransport(session.transport, req, res);
      }
      res.setHeader('allow', 'GET, POST, DELETE');
      return rpcError(res, 405, -32000, `Method ${method} not allowed on /mcp`);
    } catch (err) {
      if (err instanceof BodyError) return rpcError(res, err.status, err.code, err.message);
      opts.log('error', 'mcp request failed', {
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      return rpcError(res, 500, -32603, 'Internal server error');
    }
  }

  return {
    handle,
    async close(): Promise<void> {
      closed = true;
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map(closeSession));
      sessions.clear();
    },
    get sessionCount(): number {
      return sessions.size;
    },
    get openRequests(): number {
      let n = 0;
      for (const s of sessions.values()) n += s.open;
      return n;
    },
  };
}
