/** GET /api/stats on a real daemon: counts by state, running and queued, totals by provider, uptime. */
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';

let h: TestHome | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: ReturnType<typeof JSON.parse> }> {
  const res = await fetch(`${h!.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...h!.auth },
    ...(method !== 'GET' ? { body: JSON.stringify(body ?? {}) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

describe('GET /api/stats', () => {
  it('summarizes the fleet', async () => {
    h = await makeHome();
    await startDaemon(h);
    const repo = makeRepo();
    const done = await api('POST', '/api/coders', { task: '2', repo, provider: 'lines' });
    await api('POST', '/api/coders', { task: 'waiting', repo, provider: 'echo', autostart: false });
    await waitFor(async () => (await api('GET', `/api/coders/${done.json.id}`)).json.state === 'completed', {
      what: 'the first coder completes',
    });
    const { status, json } = await api('GET', '/api/stats');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      total: 2,
      by_state: { completed: 1, created: 1, running: 0 },
      running: 0,
      queued: 0,
      by_provider: { lines: { coders: 1 }, echo: { coders: 1 } },
      tokens_in: 0,
      cost_usd: 0,
    });
    expect(json.uptime_s).toBeGreaterThanOrEqual(0);
    expect((await api('GET', '/api/stats?x=1')).status).toBe(400);
    expect((await api('POST', '/api/stats', {})).status).toBe(405);
  });
});
