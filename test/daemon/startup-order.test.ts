/**
 * The daemon listens before its manager is loaded (docs/performance.md, figure 9): /health answers at
 * once, every other request waits for the manager, and the Host/Origin, peer and owner-token checks
 * apply to every request before and after. A real node:http server on a free loopback port.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagerApi } from '../../src/core/api.js';
import type { Health } from '../../src/protocol/health.js';
import { createDaemonServer, type DaemonServer } from '../../src/daemon/server.js';
import { freePort } from '../helpers/env.js';

const TOKEN = 'a'.repeat(64);

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let server: DaemonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose manager becomes usable when the returned `ready` is settled. */
async function startingServer() {
  const port = await freePort();
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let loaded = false;
  const calls: string[] = [];
  const manager = new Proxy({} as ManagerApi, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (!loaded) throw new Error(`manager used before it was ready (${String(prop)})`);
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return prop === 'list' ? { coders: [], total: 0, next_cursor: null, args } : undefined;
      };
    },
  });
  const health = (): Health => ({
    ok: true,
    pid: process.pid,
    port,
    home: '/nowhere',
    version: 'test',
    started_at: new Date(0).toISOString(),
    ...(loaded ? {} : { starting: true as const }),
  });
  server = createDaemonServer({
    manager,
    log: () => undefined,
    port,
    health,
    ready,
    requestShutdown: () => undefined,
    auth: { ownerToken: TOKEN, uid: process.getuid?.() ?? -1, coderOf: () => Promise.resolve(null) },
  });
  await server.listen();
  return {
    port,
    calls,
    ready: () => {
      loaded = true;
      settle.resolve();
    },
    fail: (e: Error) => settle.reject(e),
  };
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('daemon startup order: listen first, then the manager', () => {
  it('answers /health while starting; API requests wait for the manager; checks still apply', async () => {
    const s = await startingServer();
    const first = await get(s.port, '/health');
    expect(first.status).toBe(200);
    expect(first.body.starting).toBe(true);
    // Refused before any wait: a foreign Host.
    expect((await get(s.port, '/health', { host: 'evil.example:80' })).status).toBe(403);

    let answered = false;
    const list = get(s.port, '/api/coders', auth).finally(() => (answered = true));
    const noToken = get(s.port, '/api/coders');
    // Both are in the server, waiting: /health still answers meanwhile.
    expect((await get(s.port, '/health')).status).toBe(200);
    expect(answered).toBe(false);
    expect(s.calls).toEqual([]);

    s.ready();
    const r = await list;
    expect(r.status).toBe(200);
    expect(r.body.coders).toEqual([]);
    expect(s.calls).toEqual(['list']);
    expect((await noToken).status).toBe(401); // the owner-token check, after the wait
    expect((await get(s.port, '/health')).body.starting).toBeUndefined();
  });

  it('answers waiting requests 503 with the reason when the manager fails to load', async () => {
    const s = await startingServer();
    const waiting = get(s.port, '/api/coders', auth);
    expect((await get(s.port, '/health')).status).toBe(200);
    s.fail(new Error('database is damaged'));
    const r = await waiting;
    expect(r.status).toBe(503);
    expect(JSON.stringify(r.body)).toContain('failed to start: database is damaged');
    expect(s.calls).toEqual([]);
  });
});
