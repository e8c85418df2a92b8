/**
 * The REST dispatch, derived from the route table (protocol/routes.ts): the path picks the route
 * (none: 404; the path exists with another method: 405 with `Allow`), the path parameters are
 * decoded, the query and the JSON body are parsed with the route's schemas, and the route's handler
 * (one per route, grouped by family in this folder) returns the answer, sent with the route's status.
 * The security checks (Host/Origin, peer uid, owner token, coders' own endpoints, JSON content type)
 * run before, in server.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AicoderError } from '../../core/errors.js';
import {
  matchRoute,
  noQuery,
  ROUTE_SCHEMAS,
  type RouteName,
  type RouteSchemas,
} from '../../protocol/index.js';
import { readJsonBody, sendJson, sendStatus } from '../http-util.js';
import { parseWith } from '../validate.js';
import { coderHandlers } from './coders.js';
import { daemonHandlers } from './daemon.js';
import { groupHandlers } from './groups.js';
import { logHandlers } from './logs.js';
import {
  STREAMED,
  type RouteCall,
  type RouteContext,
  type RouteHandler,
  type RouteHandlers,
} from './types.js';
import { workspaceHandlers } from './workspace.js';
import { worktreeHandlers } from './worktree.js';

export type { RouteContext };

/** Every route's handler: a route of the table without one fails to compile here. */
export const HANDLERS: RouteHandlers = {
  ...daemonHandlers,
  ...coderHandlers,
  ...logHandlers,
  ...workspaceHandlers,
  ...worktreeHandlers,
  ...groupHandlers,
};

export interface DispatchRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Aborted when the client goes away or the daemon shuts down. */
  signal: AbortSignal;
}

function decodeParam(name: string, raw: string): string | number {
  if (name === 'seq') return Number(raw);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AicoderError('invalid_input', `${name} must be URL-encoded text`, { field: name });
  }
}

/** Dispatches one request. Returns false when no route has this path (the server answers 404). */
export async function dispatch(ctx: RouteContext, r: DispatchRequest): Promise<boolean> {
  const match = matchRoute(r.method, r.path);
  if (match.allowed.length === 0) return false;
  if (match.route === null) {
    const allowed = [...new Set(match.allowed)].join(', ');
    r.res.setHeader('allow', allowed);
    sendStatus(
      r.res,
      405,
      'invalid_input',
      `method ${r.method} is not allowed on ${r.path} (use ${allowed})`,
    );
    return true;
  }
  const name: RouteName = match.route;
  const route: RouteSchemas = ROUTE_SCHEMAS[name];
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(match.params)) params[k] = decodeParam(k, v);
  const query: unknown = parseWith(route.query ?? noQuery, r.query, 'query');
  let body: unknown;
  if (r.method === 'POST') {
    const raw = await readJsonBody(r.req);
    if (route.body !== undefined) body = parseWith(route.body, raw, 'body');
  }
  const after: (() => void)[] = [];
  const call = {
    ctx,
    req: r.req,
    res: r.res,
    params,
    query,
    body,
    signal: r.signal,
    after: (fn: () => void) => after.push(fn),
  } as RouteCall<never>;
  const answer = await (HANDLERS[name] as RouteHandler<never>)(call);
  if (answer === STREAMED) return true;
  sendJson(r.res, route.status, answer);
  for (const fn of after) fn();
  return true;
}
