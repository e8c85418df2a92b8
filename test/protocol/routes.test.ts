/**
 * The route table (src/protocol/route-paths.ts, routes.ts) is what the daemon dispatches and the
 * client calls: every route has a handler, paths match their own route only, a path of no route is
 * a 404 with the error body, a known path with another method a 405 naming the allowed ones.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorResponse,
  matchRoute,
  ROUTE_NAMES,
  ROUTE_SCHEMAS,
  ROUTES,
  routePath,
  type RouteSchemas,
} from '../../src/protocol/index.js';
import { HANDLERS } from '../../src/daemon/routes/index.js';
import { CLIENT_ROUTES, createHttpClient } from '../../src/client/http-client.js';
import type { DaemonClient } from '../../src/client/types.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, waitFor } from '../helpers/env.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server?.closeAllConnections();
  server = undefined;
  if (h) await cleanupHome(h, d);
  h = undefined;
  d = undefined;
  cleanupTemp();
});

/** A concrete path of a route: every parameter filled with a sample value. */
function samplePath(name: (typeof ROUTE_NAMES)[number]): string {
  return ROUTES[name].path.replace(/:(\w+)/g, (_, p: string) => (p === 'seq' ? '7' : 'ab%2Fc'));
}

describe('route table', () => {
  it('has a handler and schemas for every route, and nothing else', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...ROUTE_NAMES].sort());
    expect(Object.keys(ROUTE_SCHEMAS).sort()).toEqual([...ROUTE_NAMES].sort());
    for (const name of ROUTE_NAMES) expect(typeof HANDLERS[name], name).toBe('function');
  });

  it('matches each route by its own method and path only', () => {
    const seen = new Set<string>();
    for (const name of ROUTE_NAMES) {
      const { method, path } = ROUTES[name];
      expect(seen.has(`${method} ${path}`), `${method} ${path} twice`).toBe(false);
      seen.add(`${method} ${path}`);
      const m = matchRoute(method, samplePath(name));
      expect(m.route, name).toBe(name);
      expect(m.allowed).toContain(method);
    }
    expect(matchRoute('GET', '/api/coders/a/logs/12/text').params).toEqual({ id: 'a', seq: '12' });
    expect(matchRoute('GET', '/api/coders/a/logs/x/text').allowed).toEqual([]);
    expect(matchRoute('GET', '/api/coders/a/b/c').allowed).toEqual([]);
    expect(matchRoute('DELETE', '/api/coders')).toMatchObject({ route: null, allowed: ['POST', 'GET'] });
  });

  it('builds paths with URL-encoded parameters', () => {
    expect(routePath('logText', { id: 'a/b c', seq: 3 })).toBe('/api/coders/a%2Fb%20c/logs/3/text');
    expect(routePath('list', {})).toBe('/api/coders');
  });

  it('answers a path of no route 404 and a wrong method 405, with the error body', async () => {
    h = await makeHome();
    d = await startDaemon(h);
    const send = async (method: string, path: string) => {
      const res = await fetch(`${h!.baseUrl}${path}`, {
        method,
        headers: { ...h!.auth, 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { body: '{}' }),
      });
      return {
        status: res.status,
        allow: res.headers.get('allow'),
        body: errorResponse.parse(await res.json()),
      };
    };
    const none = await send('GET', '/api/nothing');
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'not_found', message: 'no route GET /api/nothing' });
    const wrong = await send('POST', '/api/groups/g1/compare');
    expect(wrong.status).toBe(405);
    expect(wrong.allow).toBe('GET');
    expect(wrong.body.error.code).toBe('invalid_input');
    const both = await send('PUT', '/api/coders');
    expect(both.status).toBe(405);
    expect(both.allow).toBe('POST, GET');
    const badId = await send('GET', '/api/coders/%E0%A4%A');
    expect(badId.status).toBe(400);
    expect(badId.body.error).toMatchObject({ code: 'invalid_input', field: 'id' });
  });
});

/** Calls every client method once with sample arguments (the answers are a recording server's). */
const SAMPLE_CALLS: { [M in keyof typeof CLIENT_ROUTES]: (c: DaemonClient) => unknown } = {
  health: (c) => c.health(),
  create: (c) => c.create({ task: 't' }),
  list: (c) => c.list({ states: ['running'], limit: 2 }),
  get: (c) => c.get('a/b'),
  control: (c) => c.control('a', { action: 'stop' }),
  attach: (c) => c.attach?.('a', { pid: 1, start_time: '1' }),
  detach: (c) => c.detach?.('a', {}),
  logs: (c) => c.logs('a', { kinds: ['tool_call', 'assistant'], follow: true, timeout_ms: 5 }),
  logText: (c) => c.logText('a', 3, { offset: 1 }),
  wait: (c) => c.wait('a', { for: ['running', 'failed'], timeout_ms: 1 }),
  diff: (c) => c.diff('a'),
  changes: (c) => c.changes('a', { limit: 5 }),
  files: (c) => c.files('a', {}),
  readFile: (c) => c.readFile('a', 'src/x.ts', { max_bytes: 10 }),
  providers: (c) => c.providers(),
  providerReport: (c) => c.providerReport(),
  roles: (c) => c.roles(),
  stats: (c) => c.stats(),
  subscribe: (c) => c.subscribe({ onEvent: () => undefined }),
  shutdown: (c) => c.shutdown(),
  commit: (c) => c.commit('a', { message: 'm' }),
  merge: (c) => c.merge('a', { strategy: 'squash' }),
  conflicts: (c) => c.conflicts({ repo: '/r' }),
  gc: (c) => c.gc({ dry_run: true }),
  disk: (c) => c.disk(['a', 'b']),
  createGroup: (c) => c.createGroup({ task: 't', agents: [{ provider: 'echo' }] }),
  listGroups: (c) => c.listGroups({ limit: 3 }),
  getGroup: (c) => c.getGroup('g'),
  controlGroup: (c) => c.controlGroup('g', { action: 'check' }),
  waitGroup: (c) => c.waitGroup('g', { timeout_ms: 10 }),
  compareGroup: (c) => c.compareGroup('g'),
};

describe('the one client', () => {
  it('calls, for each method, the route the table names for it, and every route has a method', async () => {
    const seen: { method: string; url: string; type: string | undefined; body: string }[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, type: req.headers['content-type'], body });
        if (req.url!.startsWith('/api/events')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        // A last diff page; every other method only passes the answer on.
        res.end(JSON.stringify({ diff: '', diff_bytes: 0, truncated: false, next_offset: null }));
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const client = createHttpClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    expect(Object.keys(CLIENT_ROUTES).sort()).toEqual(
      Object.keys(client)
        .filter((k) => k !== 'baseUrl' && k !== 'authHeaders')
        .sort(),
    );
    for (const [method, route] of Object.entries(CLIENT_ROUTES)) {
      seen.length = 0;
      const ret = SAMPLE_CALLS[method as keyof typeof CLIENT_ROUTES](client);
      if (method === 'subscribe') {
        await waitFor(() => seen.length > 0);
        (ret as { close(): void }).close();
      } else await ret;
      expect(seen.length, method).toBeGreaterThan(0);
      for (const r of seen) {
        const [path, search] = r.url.split('?');
        expect(matchRoute(r.method, path!).route, `${method}: ${r.method} ${r.url}`).toBe(route);
        // The query parses with the route's own schema; a POST declares and sends JSON.
        const schema = (ROUTE_SCHEMAS[route] as RouteSchemas).query;
        const query = Object.fromEntries(new URLSearchParams(search ?? ''));
        if (schema !== undefined) expect(schema.safeParse(query).success, `${method} ${r.url}`).toBe(true);
        else expect(query, method).toEqual({});
        if (r.method === 'POST') {
          expect(r.type).toBe('application/json');
          const body = (ROUTE_SCHEMAS[route] as RouteSchemas).body;
          if (body !== undefined) expect(body.safeParse(JSON.parse(r.body)).success, method).toBe(true);
        }
      }
    }
    const called = new Set<string>(Object.values(CLIENT_ROUTES));
    expect(ROUTE_NAMES.filter((n) => !called.has(n))).toEqual([]);
  });
});
