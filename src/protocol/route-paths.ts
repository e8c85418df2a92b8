/**
 * The REST routes the daemon serves, as plain data: method and path pattern (`:name` is one path
 * segment, URL-encoded; `:seq` is a decimal integer of 1–15 digits). This half of the route table
 * imports nothing (not even zod), so the CLI's hot path can build paths from it; the schemas of each
 * route's query, body and answer are in routes.ts, keyed by the same names.
 *
 * Every answer is JSON (`/api/events` is Server-Sent Events); every refusal is `{error: ErrorBody}`
 * (errors.ts) with the HTTP status of its code (daemon/http-errors.ts).
 */

export type RouteMethod = 'GET' | 'POST';

export interface RoutePath {
  readonly method: RouteMethod;
  /** e.g. `/api/coders/:id/logs/:seq/text`. */
  readonly path: string;
}

/** Every route, by the name the client method and the daemon's handler share. */
export const ROUTES = {
  health: { method: 'GET', path: '/health' },
  // coders
  create: { method: 'POST', path: '/api/coders' },
  list: { method: 'GET', path: '/api/coders' },
  get: { method: 'GET', path: '/api/coders/:id' },
  control: { method: 'POST', path: '/api/coders/:id/control' },
  attach: { method: 'POST', path: '/api/coders/:id/attach' },
  detach: { method: 'POST', path: '/api/coders/:id/detach' },
  logs: { method: 'GET', path: '/api/coders/:id/logs' },
  logText: { method: 'GET', path: '/api/coders/:id/logs/:seq/text' },
  wait: { method: 'GET', path: '/api/coders/:id/wait' },
  diff: { method: 'GET', path: '/api/coders/:id/diff' },
  changes: { method: 'GET', path: '/api/coders/:id/changes' },
  files: { method: 'GET', path: '/api/coders/:id/files' },
  readFile: { method: 'GET', path: '/api/coders/:id/file' },
  // worktree lifecycle
  commit: { method: 'POST', path: '/api/coders/:id/commit' },
  merge: { method: 'POST', path: '/api/coders/:id/merge' },
  conflicts: { method: 'GET', path: '/api/conflicts' },
  gc: { method: 'POST', path: '/api/gc' },
  disk: { method: 'GET', path: '/api/disk' },
  // groups (best of N)
  createGroup: { method: 'POST', path: '/api/groups' },
  listGroups: { method: 'GET', path: '/api/groups' },
  getGroup: { method: 'GET', path: '/api/groups/:id' },
  controlGroup: { method: 'POST', path: '/api/groups/:id/control' },
  waitGroup: { method: 'GET', path: '/api/groups/:id/wait' },
  compareGroup: { method: 'GET', path: '/api/groups/:id/compare' },
  // the daemon
  providerReport: { method: 'GET', path: '/api/providers' },
  roles: { method: 'GET', path: '/api/roles' },
  stats: { method: 'GET', path: '/api/stats' },
  events: { method: 'GET', path: '/api/events' },
  shutdown: { method: 'POST', path: '/api/shutdown' },
} as const satisfies Record<string, RoutePath>;

export type RouteName = keyof typeof ROUTES;
export const ROUTE_NAMES = Object.keys(ROUTES) as RouteName[];

/** The `:name` parameters of a path pattern, as a union of names. */
type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer N}`
    ? N
    : never;

/** The path parameters of a route: `seq` is a number, every other one a string. */
export type RouteParams<K extends RouteName> = {
  [N in ParamNames<(typeof ROUTES)[K]['path']>]: N extends 'seq' ? number : string;
};

/** The pattern of one parameter: `seq` digits, any other a non-empty segment. */
function paramPattern(name: string): string {
  return name === 'seq' ? '(\\d{1,15})' : '([^/]+)';
}

interface Compiled {
  name: RouteName;
  method: RouteMethod;
  re: RegExp;
  params: string[];
}

let compiled: Compiled[] | null = null;

function compile(): Compiled[] {
  compiled ??= ROUTE_NAMES.map((name) => {
    const { method, path } = ROUTES[name];
    const params: string[] = [];
    const source = path
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        params.push(seg.slice(1));
        return paramPattern(seg.slice(1));
      })
      .join('/');
    return { name, method, re: new RegExp(`^${source}$`), params };
  });
  return compiled;
}

/** What a path matched: the route of this method (or null) and the methods the path allows. */
export interface RouteMatch {
  route: RouteName | null;
  /** Raw (still URL-encoded) parameter values of the matched route. */
  params: Record<string, string>;
  /** Every method some route serves on this path (empty: no route has this path). */
  allowed: RouteMethod[];
}

/** Matches a request path (without the query) against the table. */
export function matchRoute(method: string, path: string): RouteMatch {
  const out: RouteMatch = { route: null, params: {}, allowed: [] };
  for (const c of compile()) {
    const m = c.re.exec(path);
    if (m === null) continue;
    out.allowed.push(c.method);
    if (c.method !== method || out.route !== null) continue;
    out.route = c.name;
    c.params.forEach((p, i) => (out.params[p] = m[i + 1]!));
  }
  return out;
}

/** The path of a route with its parameters filled in (each URL-encoded). */
export function routePath<K extends RouteName>(name: K, params: RouteParams<K>): string {
  const values = params as Record<string, string | number>;
  return ROUTES[name].path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(String(values[p])));
}
