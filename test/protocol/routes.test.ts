/**
 * The route table (src/protocol/route-paths.ts, routes.ts) is what the daemon dispatches and the
 * client calls: every route has a handler, paths match their own route only, a path of no route is
 * a 404 with the error body, a known path with another method a 405 naming the allowed ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  errorResponse,
  matchRoute,
  ROUTE_NAMES,
  ROUTE_SCHEMAS,
  ROUTES,
  routePath,
} from '../../src/protocol/index.js';
import { HANDLERS } from '../../src/daemon/routes/index.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp } from '../helpers/env.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;
afterEach(async () => {
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
