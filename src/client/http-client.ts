/**
 * The one typed client of the daemon's REST routes (DaemonClient, types.ts): every method builds its
 * request from the route table (protocol/route-paths.ts: method and path; its query and body types
 * from protocol/routes.ts) and sends it through the clients' one JSON request (json-request.ts:
 * node:http, every failure an AicoderError). The event stream is in events.ts. Loads no zod: the
 * schemas are imported as types only.
 */
import type { Coder } from '../core/coder.js';
import type { WaitTarget } from '../core/api.js';
import { bearerHeaders } from '../local/owner-token.js';
import { ROUTES, routePath, type RouteName, type RouteParams } from '../protocol/route-paths.js';
import type { RouteResponse } from '../protocol/routes.js';
import { subscribeEvents } from './events.js';
import { jsonRequester, type Query } from './json-request.js';
import type { DaemonClient } from './types.js';

export { subscribeEvents };

export interface HttpClientOptions {
  baseUrl: string;
  /** The owner token (AICODER_HOME/owner-token, see local/owner-token.ts); sent as a Bearer header. */
  token?: string | null;
}

/** The client's methods and the route each one calls (the rest of its keys are properties). */
export const CLIENT_ROUTES = {
  health: 'health',
  create: 'create',
  list: 'list',
  get: 'get',
  control: 'control',
  attach: 'attach',
  detach: 'detach',
  logs: 'logs',
  logText: 'logText',
  wait: 'wait',
  /** The whole diff, page by page. */
  diff: 'diff',
  changes: 'changes',
  files: 'files',
  readFile: 'readFile',
  /** The providers of providerReport, without their status. */
  providers: 'providerReport',
  providerReport: 'providerReport',
  roles: 'roles',
  stats: 'stats',
  /** The event stream, reconnecting (events.ts). */
  subscribe: 'events',
  shutdown: 'shutdown',
  commit: 'commit',
  merge: 'merge',
  conflicts: 'conflicts',
  gc: 'gc',
  disk: 'disk',
  createGroup: 'createGroup',
  listGroups: 'listGroups',
  getGroup: 'getGroup',
  controlGroup: 'controlGroup',
  waitGroup: 'waitGroup',
  compareGroup: 'compareGroup',
} as const satisfies Record<Exclude<keyof DaemonClient, 'baseUrl' | 'authHeaders'>, RouteName>;

/** A query as the daemon reads it: lists comma-separated, booleans `1`/`0`, numbers in decimal. */
function queryOf(q: object = {}): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries(q) as [string, unknown][]) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number);
  }
  return out;
}

function targetParam(t: WaitTarget): string {
  return t === 'terminal' ? 'terminal' : t.join(',');
}

export function createHttpClient(opts: HttpClientOptions): DaemonClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const authHeaders = bearerHeaders(opts.token);
  const request = jsonRequester(baseUrl, authHeaders);

  /** One request of route `name`: its method and path from the table; a body only on a POST. */
  const call = <K extends RouteName>(
    name: K,
    params: RouteParams<K>,
    input: { query?: object; body?: unknown } = {},
  ): Promise<RouteResponse<K>> => {
    const { method } = ROUTES[name];
    return request(
      method,
      routePath(name, params),
      method === 'POST' ? input.body : undefined,
      queryOf(input.query),
    );
  };

  return {
    baseUrl,
    authHeaders,
    health: () => call('health', {}),
    create: (body) => call('create', {}, { body }),
    list: (input = {}) =>
      call(
        'list',
        {},
        { query: { state: input.states, repo: input.repo, limit: input.limit, cursor: input.cursor } },
      ),
    get: (id) => call('get', { id }),
    control: (id, body) => call('control', { id }, { body }),
    attach: (id, body) => call('attach', { id }, { body }),
    detach: (id, body) => call('detach', { id }, { body }),
    logs: (id, query = {}) =>
      call('logs', { id }, { query: { ...query, follow: query.follow ? true : undefined } }),
    logText: (id, seq, query = {}) => call('logText', { id, seq }, { query }),
    wait: (id, input) =>
      call('wait', { id }, { query: { for: targetParam(input.for), timeout_ms: input.timeout_ms } }),
    diff: async (id) => {
      // The daemon answers the diff in byte pages (256 KiB); a page of another size than the first
      // means the worktree changed meanwhile: start again (three tries, then the last snapshot wins).
      for (let attempt = 0; ; attempt++) {
        const parts: string[] = [];
        let offset: number | null = 0;
        let total: number | null = null;
        let changed = false;
        while (offset !== null) {
          const page: RouteResponse<'diff'> = await call('diff', { id }, { query: { offset } });
          if (total !== null && page.diff_bytes !== total) {
            changed = true;
            break;
          }
          total = page.diff_bytes;
          parts.push(page.diff);
          offset = page.next_offset;
        }
        if (!changed || attempt >= 2) return parts.join('');
      }
    },
    changes: (id, query = {}) => call('changes', { id }, { query }),
    files: (id, query = {}) => call('files', { id }, { query }),
    readFile: (id, path, o = {}) => call('readFile', { id }, { query: { path, ...o } }),
    providers: async () => (await call('providerReport', {})).providers,
    providerReport: () => call('providerReport', {}),
    roles: () => call('roles', {}),
    stats: () => call('stats', {}),
    subscribe: (s) => subscribeEvents(baseUrl, s, authHeaders),
    shutdown: async () => {
      await call('shutdown', {});
    },
    commit: (id, body) => call('commit', { id }, { body }),
    merge: (id, body) => call('merge', { id }, { body }),
    conflicts: async (query) => (await call('conflicts', {}, { query })).reports,
    gc: (body) => call('gc', {}, { body }),
    disk: async (ids) =>
      ids.length === 0 ? [] : (await call('disk', {}, { query: { ids: ids.join(',') } })).disk,
    createGroup: (body) => call('createGroup', {}, { body }),
    listGroups: async (query = {}) => (await call('listGroups', {}, { query })).groups,
    getGroup: (id) => call('getGroup', { id }),
    controlGroup: (id, body) => call('controlGroup', { id }, { body }),
    waitGroup: (id, query) => call('waitGroup', { id }, { query }),
    compareGroup: (id) => call('compareGroup', { id }),
  };
}

export type { Coder };
