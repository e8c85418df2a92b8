/** The REST routes of /api (see src/client/types.ts for the list and shapes). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManagerApi } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import { fleetStats } from '../core/stats.js';
import type { Health } from '../protocol/health.js';
import { HttpError, readJsonBody, sendJson, sendStatus } from './http-util.js';
import { dispatchWorktree } from './routes-worktree.js';
import { dispatchGroups } from './routes-groups.js';
import type { SseHub } from './sse.js';
import { sliceBytes } from '../workspace/slice.js';
import {
  attachSchema,
  controlSchema,
  createSchema,
  detachSchema,
  parseCursor,
  parseDiffQuery,
  parseEventsQuery,
  parseFileQuery,
  parseListQuery,
  parseLogsQuery,
  parseLogTextQuery,
  parseNoQuery,
  parsePageQuery,
  parseWaitQuery,
  parseWith,
} from './validate.js';

export interface RouteContext {
  manager: ManagerApi;
  sse: SseHub;
  health: () => Health;
  /** Asks the daemon to shut down gracefully (after the response is sent). */
  requestShutdown: () => void;
}

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Aborted when the client goes away or the daemon shuts down. */
  signal: AbortSignal;
}

const CODER_ROUTE =
  /^\/api\/coders\/([^/]+)(?:\/(control|attach|detach|logs|wait|diff|changes|files|file))?$/;
/** One entry's whole text, in slices: /api/coders/:id/logs/:seq/text. */
const LOG_TEXT_ROUTE = /^\/api\/coders\/([^/]+)\/logs\/(\d{1,15})\/text$/;

function methodNotAllowed(r: Request, allowed: string): true {
  r.res.setHeader('allow', allowed);
  sendStatus(r.res, 405, 'invalid_input', `method ${r.method} is not allowed on ${r.path} (use ${allowed})`);
  return true;
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AicoderError('invalid_input', 'coder id must be URL-encoded text', { field: 'id' });
  }
}

/** Dispatches one request. Returns false when no route matches. */
export async function dispatch(ctx: RouteContext, r: Request): Promise<boolean> {
  const { manager } = ctx;
  const { method, path, res } = r;

  if (path === '/health') {
    if (method !== 'GET') return methodNotAllowed(r, 'GET');
    sendJson(res, 200, ctx.health());
    return true;
  }
  if (path === '/api/coders') {
    if (method === 'GET') {
      sendJson(res, 200, manager.list(parseListQuery(r.query)));
    } else if (method === 'POST') {
      parseNoQuery(r.query);
      const input = parseWith(createSchema, await readJsonBody(r.req), 'body');
      sendJson(res, 201, await manager.create(input));
    } else methodNotAllowed(r, 'GET, POST');
    return true;
  }
  if (path === '/api/providers') {
    if (method !== 'GET') return methodNotAllowed(r, 'GET');
    parseNoQuery(r.query);
    sendJson(res, 200, await manager.providerReport());
    return true;
  }
  if (path === '/api/stats') {
    if (method !== 'GET') return methodNotAllowed(r, 'GET');
    parseNoQuery(r.query);
    sendJson(res, 200, fleetStats(manager, Date.now() - process.uptime() * 1000));
    return true;
  }
  if (path === '/api/events') {
    if (method !== 'GET') return methodNotAllowed(r, 'GET');
    const q = parseEventsQuery(r.query);
    const header = r.req.headers['last-event-id'];
    const last = (typeof header === 'string' && header !== '' ? header : undefined) ?? q.last_event_id;
    if (last !== undefined) parseCursor(last, 'last_event_id');
    ctx.sse.open(r.req, res, last);
    return true;
  }
  if (path === '/api/shutdown') {
    if (method !== 'POST') return methodNotAllowed(r, 'POST');
    parseNoQuery(r.query);
    await readJsonBody(r.req);
    sendJson(res, 200, { ok: true });
    ctx.requestShutdown();
    return true;
  }
  if (await dispatchWorktree(manager, r)) return true;
  if (await dispatchGroups(manager, r)) return true;
  const t = LOG_TEXT_ROUTE.exec(path);
  if (t !== null) {
    if (method !== 'GET') return methodNotAllowed(r, 'GET');
    sendJson(res, 200, manager.logText(decodeId(t[1]!), Number(t[2]), parseLogTextQuery(r.query)));
    return true;
  }
  const m = CODER_ROUTE.exec(path);
  if (m === null) return false;
  const id = decodeId(m[1]!);
  const sub = m[2];
  if (sub === undefined) {
    if (method !== 'GET') return methodNotAllowed(r, 'GET');
    parseNoQuery(r.query);
    sendJson(res, 200, manager.get(id));
    return true;
  }
  if (sub === 'control') {
    if (method !== 'POST') return methodNotAllowed(r, 'POST');
    parseNoQuery(r.query);
    const input = parseWith(controlSchema, await readJsonBody(r.req), 'body');
    sendJson(res, 200, await manager.control(id, input));
    return true;
  }
  if (sub === 'attach' || sub === 'detach') {
    if (method !== 'POST') return methodNotAllowed(r, 'POST');
    parseNoQuery(r.query);
    if (!manager.attach || !manager.detach)
      throw new AicoderError('not_supported', 'this daemon cannot attach');
    const body = await readJsonBody(r.req);
    if (sub === 'attach') sendJson(res, 200, await manager.attach(id, parseWith(attachSchema, body, 'body')));
    else sendJson(res, 200, await manager.detach(id, parseWith(detachSchema, body, 'body')));
    return true;
  }
  if (method !== 'GET') return methodNotAllowed(r, 'GET');
  switch (sub) {
    case 'logs': {
      const q = parseLogsQuery(r.query);
      if (q.follow) {
        if (q.tail !== undefined) {
          throw new AicoderError('invalid_input', 'tail cannot be combined with follow (use since_seq)', {
            field: 'tail',
          });
        }
        const input: Parameters<ManagerApi['followLogs']>[1] = {
          since_seq: q.since_seq ?? 0,
          timeout_ms: q.timeout_ms,
          signal: r.signal,
        };
        if (q.kinds !== undefined) input.kinds = q.kinds;
        if (q.max_bytes !== undefined) input.max_bytes = q.max_bytes;
        sendJson(res, 200, await manager.followLogs(id, input));
      } else {
        const input: Parameters<ManagerApi['logs']>[1] = {};
        if (q.since_seq !== undefined) input.since_seq = q.since_seq;
        if (q.tail !== undefined) input.tail = q.tail;
        if (q.kinds !== undefined) input.kinds = q.kinds;
        if (q.max_bytes !== undefined) input.max_bytes = q.max_bytes;
        sendJson(res, 200, manager.logs(id, input));
      }
      return true;
    }
    case 'wait': {
      const q = parseWaitQuery(r.query);
      sendJson(res, 200, await manager.wait(id, { for: q.for, timeout_ms: q.timeout_ms, signal: r.signal }));
      return true;
    }
    case 'diff': {
      // A byte page of the diff (each page recomputes it: diff_bytes changes when the worktree did).
      const q = parseDiffQuery(r.query);
      const slice = sliceBytes(await manager.diff(id), q.offset, q.max_bytes);
      sendJson(res, 200, {
        diff: slice.text,
        diff_bytes: slice.total,
        truncated: slice.next_offset !== null,
        next_offset: slice.next_offset,
      });
      return true;
    }
    case 'changes':
      sendJson(res, 200, await manager.changes(id, parsePageQuery(r.query)));
      return true;
    case 'files':
      sendJson(res, 200, await manager.files(id, parsePageQuery(r.query)));
      return true;
    case 'file': {
      const q = parseFileQuery(r.query);
      sendJson(res, 200, await manager.readFile(id, q.path, { max_bytes: q.max_bytes, offset: q.offset }));
      return true;
    }
    default:
      throw new HttpError(404, `no route ${method} ${path}`);
  }
}
