/**
 * The daemon's HTTP server: node:http on 127.0.0.1 only. Every request first passes the Host/Origin
 * guard (DNS rebinding, cross-site requests) and the owner checks (docs/security.md): the peer's uid
 * (Linux, once per connection) must be the daemon's, and /api/* and /mcp need the owner token. Then
 * it goes to /health, /api/*, /mcp or a coder's own /coder/<id>/… endpoint. A handler error becomes
 * a JSON error response; the server never crashes on bad input.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ManagerApi } from '../core/api.js';
import { AicoderError, isAicoderError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { Health } from '../protocol/health.js';
import { checkOwnerToken } from './owner-token.js';
import { coderOfSocket } from './peer-coder.js';
import { peerUid, peerUidSync, type PeerUid } from './peer-uid.js';
import { guardRequest, HttpError, requireJsonType, sendError, sendJson, sendStatus } from './http-util.js';
import type { RouteContext } from './routes/index.js';
import type { SseHub, SseOptions } from './sse.js';

/** What src/mcp/index.ts's createMcpHttpHandler returns. */
export interface McpHttpHandler {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

/** The coders' own endpoints (src/mcp/coder-endpoint.ts) and their token check (coder-tokens.ts). */
export interface CoderMcpRoute {
  handle(req: IncomingMessage, res: ServerResponse, coderId: string): Promise<void>;
  verify(coderId: string, token: string | undefined): boolean;
}

export interface DaemonServerOptions {
  manager: ManagerApi;
  log: Logger;
  port: number;
  health: () => Health;
  requestShutdown: () => void;
  mcp?: McpHttpHandler;
  coderMcp?: CoderMcpRoute;
  sse?: SseOptions;
  /**
   * Settles when the manager behind `manager` is usable (the daemon listens before it loads it).
   * Every request but /health waits for it after the Host/Origin and peer checks, and before the
   * owner-token and coder checks; a rejection is answered 503 with its message. Omitted: ready.
   */
  ready?: Promise<unknown>;
  /**
   * Who may use the daemon: connections from another uid are refused (where /proc/net/tcp tells),
   * and /api/* and /mcp need `Authorization: Bearer <ownerToken>`. Omitted: no check (in-process
   * tests of the routes only; the daemon always sets it).
   */
  auth?: {
    ownerToken: string;
    uid: number;
    /** Which coder's process holds the socket with this inode (default: peer-coder.ts), or null. */
    coderOf?: (inode: number) => Promise<string | null>;
  };
}

export interface DaemonServer {
  readonly http: Server;
  listen(): Promise<void>;
  /** Open SSE streams and requests in progress (long polls included). */
  stats(): { sse: number; inflight: number };
  /** Stops accepting, ends SSE streams and long polls, closes connections. */
  close(): Promise<void>;
}

export const BIND_HOST = '127.0.0.1';

export function createDaemonServer(opts: DaemonServerOptions): DaemonServer {
  const { manager, log, port } = opts;
  const inflight = new Set<AbortController>();
  // `ready` may reject before any request waits on it: that is answered (503) to each request that
  // comes, not an unhandled rejection of the daemon.
  opts.ready?.catch(() => undefined);
  // The routes and the event streams (their schemas: zod, the protocol) load on the first request
  // that needs them, not before the first /health answer (docs/performance.md, figure 9).
  let sse: SseHub | undefined;
  let routing: ReturnType<typeof loadRouting> | undefined;
  async function loadRouting() {
    const [routes, sseModule, validate] = await Promise.all([
      import('./routes/index.js'),
      import('./sse.js'),
      import('./validate.js'),
    ]);
    sse = sseModule.createSseHub(manager, log, opts.sse);
    const ctx: RouteContext = { manager, sse, health: opts.health, requestShutdown: opts.requestShutdown };
    return { dispatch: routes.dispatch, queryObject: validate.queryObject, ctx };
  }
  let closing = false;
  const peers = new WeakMap<Socket, Promise<PeerUid>>();
  const coderPeers = new WeakMap<Socket, Promise<string | null>>();
  let warnedUnavailable = false;

  // While the manager loads (after listen), its modules' compile steps hold the event loop and their
  // file reads fill the thread pool: an asynchronous peer check would wait behind them, so the first
  // clients' checks read the kernel's table synchronously (docs/performance.md, figure 9).
  let starting = opts.ready !== undefined;
  const started = () => (starting = false);
  opts.ready?.then(started, started);
  function peerOf(socket: Socket): Promise<PeerUid> {
    let who = peers.get(socket);
    if (who === undefined) {
      who = starting ? Promise.resolve(peerUidSync(socket)) : peerUid(socket);
      peers.set(socket, who);
    }
    return who;
  }

  function isOurCoder(id: string): boolean {
    try {
      return manager.get(id).id === id;
    } catch {
      return false;
    }
  }

  /** The coder whose process made this connection, or null (cached per connection; Linux only). */
  function coderPeer(req: IncomingMessage): Promise<string | null> {
    const auth = opts.auth;
    if (auth === undefined) return Promise.resolve(null);
    let c = coderPeers.get(req.socket);
    if (c === undefined) {
      const coderOf = auth.coderOf ?? coderOfSocket;
      // Only this daemon's coders count (an aicoder run inside another's coder keeps its own API).
      c = peerOf(req.socket)
        .then((p) => (p.kind === 'uid' ? coderOf(p.inode) : null))
        .then((id) => (id !== null && isOurCoder(id) ? id : null));
      coderPeers.set(req.socket, c);
    }
    return c;
  }

  /** Why this connection's peer may not use the daemon, or null (cached per connection). */
  async function foreignPeer(req: IncomingMessage): Promise<string | null> {
    const auth = opts.auth;
    if (auth === undefined) return null;
    const p = await peerOf(req.socket);
    if (p.kind === 'uid') {
      return p.uid === auth.uid
        ? null
        : `this daemon belongs to uid ${auth.uid}; requests from uid ${p.uid} are refused`;
    }
    if (p.kind === 'not_found') return 'cannot tell which user made this connection; refused';
    if (!warnedUnavailable) {
      warnedUnavailable = true;
      log('warn', 'peer uid check unavailable; the owner token is the only check', { reason: p.reason });
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const refused = guardRequest(req, port);
    if (refused !== null) {
      log('warn', 'refused request', {
        method,
        url: rawUrl,
        host: req.headers.host,
        origin: req.headers.origin,
      });
      sendStatus(res, 403, 'invalid_input', refused);
      return;
    }
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const search = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const foreign = await foreignPeer(req);
    if (foreign !== null) {
      log('warn', 'refused request from another user', { method, path, reason: foreign });
      res.setHeader('connection', 'close');
      sendStatus(res, 403, 'forbidden', foreign);
      return;
    }
    if (opts.ready !== undefined && path !== '/health') {
      try {
        await opts.ready;
      } catch (e) {
        res.setHeader('connection', 'close');
        const why = e instanceof Error ? e.message : String(e);
        sendError(res, new AicoderError('daemon_unreachable', `the aicoder daemon failed to start: ${why}`));
        return;
      }
    }
    if (
      opts.auth !== undefined &&
      (path === '/mcp' || path === '/api' || path.startsWith('/api/')) &&
      !checkOwnerToken(req.headers.authorization, opts.auth.ownerToken)
    ) {
      log('warn', 'refused request without the owner token', { method, path });
      res.setHeader('www-authenticate', 'Bearer realm="aicoder"');
      sendStatus(
        res,
        401,
        'forbidden',
        'missing or wrong owner token: send Authorization: Bearer <the token in AICODER_HOME/owner-token>',
      );
      return;
    }
    if (opts.auth !== undefined && (path === '/mcp' || path === '/api' || path.startsWith('/api/'))) {
      // A coder that read the owner token from disk still gets only its own endpoint.
      const coder = await coderPeer(req);
      if (coder !== null) {
        log('warn', "refused a coder's request to the owner's API", { method, path, coder });
        sendStatus(
          res,
          403,
          'forbidden',
          `coder ${coder}'s processes may use only their own endpoint (AICODER_MCP_URL), not /api or /mcp`,
        );
        return;
      }
    }

    if (path === '/mcp' && opts.mcp !== undefined) {
      await opts.mcp.handle(req, res);
      return;
    }
    if (path.startsWith('/coder/') && opts.coderMcp !== undefined) {
      const target = parseCoderPath(path, req.headers.authorization);
      if (target === null) {
        sendStatus(res, 404, 'not_found', `no route ${method} ${path}`);
        return;
      }
      if (!opts.coderMcp.verify(target.id, target.token)) {
        log('warn', 'refused coder endpoint request: bad or missing token', { id: target.id });
        sendStatus(res, 403, 'invalid_input', "missing or wrong token for this coder's endpoint");
        return;
      }
      await opts.coderMcp.handle(req, res, target.id);
      return;
    }
    if (closing) {
      res.setHeader('connection', 'close');
      sendStatus(res, 503, 'invalid_input', 'the daemon is shutting down');
      return;
    }
    if (path.startsWith('/api/')) {
      const notJson = requireJsonType(req);
      if (notJson !== null) {
        sendStatus(res, 415, 'invalid_input', notJson);
        return;
      }
    }
    if (path === '/health' && method === 'GET' && q === -1) {
      // Answered here, without loading the routes: the daemon's first answer (the route table's
      // health route answers the same; other methods and any query go through it).
      sendJson(res, 200, opts.health());
      return;
    }
    const ac = new AbortController();
    inflight.add(ac);
    res.on('close', () => {
      inflight.delete(ac);
      if (!res.writableFinished) ac.abort();
    });
    try {
      const { dispatch, queryObject, ctx } = await (routing ??= loadRouting());
      const matched = await dispatch(ctx, {
        req,
        res,
        method,
        path,
        query: queryObject(search),
        signal: ac.signal,
      });
      if (!matched) sendStatus(res, 404, 'not_found', `no route ${method} ${path}`);
    } catch (e) {
      if (ac.signal.aborted && !res.writable) return; // the client went away; nobody to answer
      if (e instanceof HttpError) {
        sendStatus(res, e.status, e.status === 404 ? 'not_found' : 'invalid_input', e.message);
        return;
      }
      const status = sendError(res, e);
      if (status >= 500 || !isAicoderError(e)) {
        log('error', 'request failed', { method, path, error: e instanceof Error ? e : String(e) });
      }
    }
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log('error', 'request handler crashed', { error: e instanceof Error ? e : String(e) });
      try {
        sendError(res, e);
      } catch {
        res.destroy();
      }
    });
  });
  // The peer check starts as the connection is accepted, while its first request is still arriving.
  if (opts.auth !== undefined) http.on('connection', (socket: Socket) => void peerOf(socket));
  http.on('clientError', (err, socket) => {
    log('debug', 'client error', { error: err.message });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return {
    http,
    stats() {
      return { sse: sse?.size ?? 0, inflight: inflight.size };
    },
    listen() {
      return new Promise<void>((resolve, reject) => {
        const onError = (e: NodeJS.ErrnoException) => {
          http.off('listening', onListening);
          reject(e);
        };
        const onListening = () => {
          http.off('error', onError);
          resolve();
        };
        http.once('error', onError);
        http.once('listening', onListening);
        http.listen(port, BIND_HOST);
      });
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      sse?.closeAll();
      for (const ac of inflight) ac.abort();
      if (opts.mcp !== undefined) {
        try {
          await opts.mcp.close();
        } catch (e) {
          log('warn', 'closing the MCP handler failed', { error: e instanceof Error ? e : String(e) });
        }
      }
      // Responses still finishing (ended streams, aborted long polls) leave keep-alive sockets behind:
      // close them as they go idle; whatever is left after 500 ms is cut.
      http.closeIdleConnections();
      const sweep = setInterval(() => http.closeIdleConnections(), 20);
      const timer = setTimeout(() => http.closeAllConnections(), 500);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
    },
  };
}

/**
 * /coder/<id>/<token>/mcp or /coder/<id>/mcp (token in `Authorization: Bearer`). Here, not in
 * coder-tokens.ts, which loads after listen.
 */
export function parseCoderPath(
  path: string,
  authorization: string | undefined,
): { id: string; token: string | undefined } | null {
  const m = /^\/coder\/([A-Za-z0-9_-]{1,64})(?:\/([^/]+))?\/mcp$/.exec(path);
  if (!m) return null;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return { id: m[1]!, token: m[2] ?? bearer };
}
