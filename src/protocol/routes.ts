/**
 * The route table: for every REST route of route-paths.ts (method and path pattern), the schemas of
 * its query and JSON body (inputs.ts), of its answer (records.ts, responses.ts, health.ts), its
 * success status, and the error codes it may answer besides the ones every /api route may
 * (COMMON_ERRORS). The daemon dispatches from this table (daemon/routes/index.ts: it parses the query
 * and body with these schemas before the handler runs), and the typed client (client/http-client.ts)
 * builds its requests from it. A route without a query schema takes no query parameter; a POST
 * without a body schema takes any JSON body (or none) and ignores it.
 */
import { z, type ZodType, type ZodTypeAny, type ZodTypeDef } from 'zod';
import type { ErrorCode } from './errors.js';
import { health } from './health.js';
import {
  attachInput,
  commitInput,
  conflictsQuery,
  controlInput,
  createGroupInput,
  createInput,
  detachInput,
  diffQuery,
  diskQuery,
  eventsQuery,
  fileQuery,
  gcInput,
  groupControlInput,
  groupListQuery,
  groupWaitQuery,
  listQuery,
  logsQuery,
  logTextQuery,
  mergeInput,
  pageQuery,
  waitQuery,
} from './inputs.js';
import { coderRecord, groupViewRecord } from './records.js';
import * as R from './responses.js';
import { ROUTES, type RouteName } from './route-paths.js';

export * from './route-paths.js';

/** Codes any /api route may answer: bad input, a refused caller, a daemon starting or failing. */
export const COMMON_ERRORS = ['invalid_input', 'forbidden', 'daemon_unreachable', 'internal'] as const;

export interface RouteSchemas {
  /** The query string's parameters (values arrive as text; inputs.ts `query()` reads numbers). */
  readonly query?: ZodType<unknown, ZodTypeDef, unknown>;
  /** The JSON body of a POST. */
  readonly body?: ZodType<unknown, ZodTypeDef, unknown>;
  /** The answer's JSON (for `/api/events`: the JSON of each of the stream's `data:` lines). */
  readonly response: ZodTypeAny;
  /** The success status (200 unless the route creates something). */
  readonly status: 200 | 201;
  /** Codes this route may answer besides COMMON_ERRORS. */
  readonly errors: readonly ErrorCode[];
  /** The answer is a Server-Sent Events stream, not JSON. */
  readonly stream?: true;
}

const ID = ['not_found', 'ambiguous_id'] as const;
const WORKSPACE = [...ID, 'worktree_gone', 'path_outside'] as const;
const GIT = [...ID, 'worktree_gone', 'dirty_worktree', 'conflict', 'unknown_ref', 'not_a_repo'] as const;

export const ROUTE_SCHEMAS = {
  health: { response: health, status: 200, errors: [] },
  create: {
    body: createInput,
    response: coderRecord,
    status: 201,
    errors: [
      'not_a_repo',
      'unknown_ref',
      'branch_exists',
      'unknown_provider',
      'provider_not_installed',
      'provider_config',
      'sandbox_unavailable',
    ],
  },
  list: { query: listQuery, response: R.listCodersPage, status: 200, errors: [] },
  get: { response: coderRecord, status: 200, errors: ID },
  control: {
    body: controlInput,
    response: R.controlResult,
    status: 200,
    errors: [...ID, 'illegal_transition', 'dirty_worktree', 'unmerged_commits', 'conflict', 'worktree_gone'],
  },
  attach: {
    body: attachInput,
    response: R.attachPlan,
    status: 200,
    errors: [...ID, 'illegal_transition', 'not_supported', 'conflict'],
  },
  detach: { body: detachInput, response: coderRecord, status: 200, errors: [...ID, 'not_supported'] },
  logs: { query: logsQuery, response: R.logsResult, status: 200, errors: ID },
  logText: { query: logTextQuery, response: R.logText, status: 200, errors: ID },
  wait: { query: waitQuery, response: R.waitResult, status: 200, errors: ID },
  diff: { query: diffQuery, response: R.diffPage, status: 200, errors: WORKSPACE },
  changes: { query: pageQuery, response: R.changesPage, status: 200, errors: WORKSPACE },
  files: { query: pageQuery, response: R.filesPage, status: 200, errors: WORKSPACE },
  readFile: { query: fileQuery, response: R.readResult, status: 200, errors: WORKSPACE },
  commit: {
    body: commitInput,
    response: R.commitResult.extend({ coder_id: z.string() }),
    status: 200,
    errors: [...GIT, 'not_supported'],
  },
  merge: {
    body: mergeInput,
    response: R.mergeResult.extend({ coder_id: z.string() }),
    status: 200,
    errors: [...GIT, 'not_supported', 'illegal_transition'],
  },
  conflicts: {
    query: conflictsQuery,
    response: R.conflictsAnswer,
    status: 200,
    errors: [...ID, 'not_a_repo', 'not_supported'],
  },
  gc: { body: gcInput, response: R.gcResult, status: 200, errors: ['not_supported'] },
  disk: { query: diskQuery, response: R.diskAnswer, status: 200, errors: [...ID, 'not_supported'] },
  createGroup: {
    body: createGroupInput,
    response: groupViewRecord,
    status: 201,
    errors: ['not_a_repo', 'unknown_ref', 'unknown_provider', 'provider_not_installed', 'not_supported'],
  },
  listGroups: { query: groupListQuery, response: R.groupsAnswer, status: 200, errors: ['not_supported'] },
  getGroup: { response: groupViewRecord, status: 200, errors: [...ID, 'not_supported'] },
  controlGroup: {
    body: groupControlInput,
    response: R.groupControlResult,
    status: 200,
    errors: [...ID, 'not_supported'],
  },
  waitGroup: {
    query: groupWaitQuery,
    response: R.groupWaitResult,
    status: 200,
    errors: [...ID, 'not_supported'],
  },
  compareGroup: { response: R.compareResult, status: 200, errors: [...ID, 'not_supported'] },
  providerReport: { response: R.providerReport, status: 200, errors: [] },
  roles: { response: R.rolesAnswer, status: 200, errors: ['not_supported'] },
  stats: { response: R.fleetStats, status: 200, errors: [] },
  events: { query: eventsQuery, response: R.eventStreamData, status: 200, errors: [], stream: true },
  shutdown: { response: R.okAnswer, status: 200, errors: [] },
} as const satisfies { readonly [K in RouteName]: RouteSchemas };

type Schemas = typeof ROUTE_SCHEMAS;

/** The parsed query of a route (`{}` when it takes none). */
export type RouteQuery<K extends RouteName> = Schemas[K] extends { query: infer Q extends ZodTypeAny }
  ? z.output<Q>
  : Record<string, never>;
/** What a caller sends as the query (before parsing: numbers and booleans as the schema takes them). */
export type RouteQueryInput<K extends RouteName> = Schemas[K] extends { query: infer Q extends ZodTypeAny }
  ? z.input<Q>
  : Record<string, never>;
/** The parsed JSON body of a route (`undefined` when it takes none). */
export type RouteBody<K extends RouteName> = Schemas[K] extends { body: infer B extends ZodTypeAny }
  ? z.output<B>
  : undefined;
/** The answer of a route. */
export type RouteResponse<K extends RouteName> = z.output<Schemas[K]['response']>;

/** The method and path pattern of a route, with its schemas. */
export function routeOf<K extends RouteName>(name: K): (typeof ROUTES)[K] & Schemas[K] {
  return { ...ROUTES[name], ...ROUTE_SCHEMAS[name] };
}
