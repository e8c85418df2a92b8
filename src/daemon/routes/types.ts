/**
 * What a route handler gets and returns. The dispatcher (index.ts) matched the route in the table
 * (protocol/routes.ts), decoded its path parameters and parsed its query and body with the table's
 * schemas; the handler returns the answer, which the dispatcher sends with the route's status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManagerApi } from '../../core/api.js';
import type { Health } from '../../protocol/health.js';
import type { RouteBody, RouteName, RouteParams, RouteQuery, RouteResponse } from '../../protocol/routes.js';
import type { SseHub } from '../sse.js';

export interface RouteContext {
  manager: ManagerApi;
  sse: SseHub;
  health: () => Health;
  /** Asks the daemon to shut down gracefully (after the response is sent). */
  requestShutdown: () => void;
}

export interface RouteCall<K extends RouteName> {
  ctx: RouteContext;
  req: IncomingMessage;
  res: ServerResponse;
  params: RouteParams<K>;
  query: RouteQuery<K>;
  body: RouteBody<K>;
  /** Aborted when the client goes away or the daemon shuts down. */
  signal: AbortSignal;
  /** Runs `fn` once the answer has been sent (shutdown). */
  after: (fn: () => void) => void;
}

/** The handler answered by itself (an SSE stream): the dispatcher sends nothing. */
export const STREAMED = Symbol('streamed');

export type RouteHandler<K extends RouteName> = (
  call: RouteCall<K>,
) => RouteResponse<K> | typeof STREAMED | Promise<RouteResponse<K> | typeof STREAMED>;

/** One handler per route of the table, by route name. */
export type RouteHandlers<K extends RouteName = RouteName> = { [N in K]: RouteHandler<N> };
