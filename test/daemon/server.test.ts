/** The HTTP surface of a real daemon: the Host/Origin guard, loopback-only binding, input errors, SSE. */
import { request } from 'node:http';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import type { AicoderEvent } from '../../src/core/events.js';
import type { ErrorBody } from '../../src/core/errors.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';

/** A JSON body: an error, or anything else the route answers. */
type Body = { error: ErrorBody } & Record<string, unknown>;

interface RawResponse {
  status: number;
  body: Body;
  headers: Record<string, string | string[] | undefined>;
}

function raw(
  h: TestHome,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: h.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { ...h.auth, ...opts.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body = text as unknown as Body;
          try {
            body = JSON.parse(text) as Body;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

let h: TestHome;
let d: RunningDaemon | undefined;

afterEach(async () => {
  if (h) await cleanupHome(h, d);
  d = undefined;
  cleanupTemp();
});

async function boot(config: Record<string, unknown> = {}): Promise<void> {
  h = await makeHome({ config });
  d = await startDaemon(h);
}

describe('daemon HTTP server', () => {
  it('refuses foreign Host and Origin headers with 403 and accepts the loopback names', async () => {
    await boot();
    const evilHost = await raw(h, { path: '/health', headers: { host: `evil.example:${h.port}` } });
    expect(evilHost.status).toBe(403);
    expect(evilHost.body.error.message).toMatch(/Host/);
    const wrongPort = await raw(h, { path: '/health', headers: { host: `127.0.0.1:${h.port + 1}` } });
    expect(wrongPort.status).toBe(403);
    const evilOrigin = await raw(h, {
      path: '/api/coders',
      headers: { host: `127.0.0.1:${h.port}`, origin: 'http://evil.example' },
    });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.body.error.message).toMatch(/Origin/);
    // A cross-site POST is refused before it can act.
    const evilPost = await raw(h, {
      method: 'POST',
      path: '/api/shutdown',
      headers: { host: `localhost:${h.port}`, origin: `http://evil.example:${h.port}` },
    });
    expect(evilPost.status).toBe(403);

    for (const host of [`127.0.0.1:${h.port}`, `localhost:${h.port}`, `[::1]:${h.port}`]) {
      const ok = await raw(h, { path: '/health', headers: { host } });
      expect(ok.status, host).toBe(200);
    }
    const okOrigin = await raw(h, {
      path: '/health',
      headers: { host: `localhost:${h.port}`, origin: `http://localhost:${h.port}` },
    });
    expect(okOrigin.status).toBe(200);
    expect(okOrigin.body).toMatchObject({ ok: true, pid: d!.pid, port: h.port, home: h.home });
    // Still up after all that.
    expect((await raw(h, { path: '/health', headers: { host: `127.0.0.1:${h.port}` } })).status).toBe(200);
  });

  it('listens on 127.0.0.1 only', async () => {
    await boot();
    const hex = h.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = (file: string) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A')
        .map((f) => f[1]!.split(':')[0]!);
    expect(listening('/proc/net/tcp')).toEqual(['0100007F']);
    let v6: string[] = [];
    try {
      v6 = listening('/proc/net/tcp6');
    } catch {
      /* no IPv6 */
    }
    expect(v6).toEqual([]);
    const refused = await new Promise<string>((resolve) => {
      const s = connect({ host: '::1', port: h.port });
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).not.toBe('connected');
  });

  it('answers bad input with 400 naming the problem, and never falls over', async () => {
    await boot();
    const host = { host: `127.0.0.1:${h.port}` };
    const json = { ...host, 'content-type': 'application/json' };
    const badJson = await raw(h, { method: 'POST', path: '/api/coders', headers: json, body: '{"task": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toMatchObject({ code: 'invalid_input', field: 'body' });
    expect(badJson.body.error.message).toMatch(/not valid JSON/);

    const missing = await raw(h, { method: 'POST', path: '/api/coders', headers: json, body: '{}' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ field: 'task', message: 'task is required' });

    const wrongType = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: json,
      body: '{"task": 5}',
    });
    expect(wrongType.body.error.message).toBe('task must be a string (got number)');

    const tooLong = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: json,
      body: JSON.stringify({ task: 'x'.repeat(20_001) }),
    });
    expect(tooLong.body.error.message).toBe('task must be 1–20000 characters');

    const unknown = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: json,
      body: JSON.stringify({ task: 'x', colour: 'red' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ field: 'colour' });
    expect(unknown.body.error.message).toMatch(/unknown field "colour"/);

    const relRepo = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: json,
      body: JSON.stringify({ task: 'x', repo: 'relative/path' }),
    });
    expect(relRepo.body.error.message).toBe('repo must be an absolute path');

    const badAction = await raw(h, {
      method: 'POST',
      path: '/api/coders/abc/control',
      headers: json,
      body: JSON.stringify({ action: 'explode' }),
    });
    expect(badAction.status).toBe(400);
    expect(badAction.body.error.field).toBe('action');
    expect(badAction.body.error.message).toMatch(/action must be one of "start", "pause"/);

    const big = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: json,
      body: JSON.stringify({ task: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(big.status).toBe(413);

    const notJson = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: { ...host, 'content-type': 'text/plain' },
      body: '{"task":"x"}',
    });
    expect(notJson.status).toBe(415);

    const badLimit = await raw(h, { path: '/api/coders?limit=0', headers: host });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error).toMatchObject({
      field: 'limit',
      message: 'limit must be an integer from 1 to 1000',
    });

    const badState = await raw(h, { path: '/api/coders?state=sleeping', headers: host });
    expect(badState.body.error.field).toBe('state');

    const unknownParam = await raw(h, { path: '/api/coders?colour=red', headers: host });
    expect(unknownParam.body.error.message).toMatch(/unknown field "colour"/);

    const badCursor = await raw(h, { path: '/api/events?last_event_id=yesterday', headers: host });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.field).toBe('last_event_id');

    const notFound = await raw(h, { path: '/api/coders/zzzz', headers: host });
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.code).toBe('not_found');

    const noRoute = await raw(h, { path: '/api/nothing', headers: host });
    expect(noRoute.status).toBe(404);
    const wrongMethod = await raw(h, {
      method: 'DELETE',
      path: '/api/coders',
      headers: { ...host, ...json },
    });
    expect(wrongMethod.status).toBe(405);

    const repo = makeRepo();
    const unknownProvider = await raw(h, {
      method: 'POST',
      path: '/api/coders',
      headers: json,
      body: JSON.stringify({ task: 'x', repo, provider: 'nope' }),
    });
    expect(unknownProvider.status).toBe(400);
    expect(unknownProvider.body.error.code).toBe('unknown_provider');

    expect((await raw(h, { path: '/health', headers: host })).status).toBe(200);
  });

  it('serves the workspace routes: files, file (confined to the worktree), changes and diff', async () => {
    await boot();
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    const repo = makeRepo({ 'README.md': '# hello\n', 'src/a.txt': 'a\n' });
    const c = await client.create({ task: 'hi', repo, provider: 'echo' });
    await client.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });
    expect((await client.files(c.id)).files.map((f) => f.path)).toEqual(['README.md', 'src/a.txt']);
    const first = await client.files(c.id, { limit: 1 });
    expect(first.files.map((f) => f.path)).toEqual(['README.md']);
    expect(first.total).toBe(2);
    const second = await client.files(c.id, { limit: 1, cursor: first.next_cursor! });
    expect(second).toMatchObject({ files: [{ path: 'src/a.txt' }], total: 2, next_cursor: null });
    expect(await client.readFile(c.id, 'README.md')).toMatchObject({
      path: 'README.md',
      content: '# hello\n',
    });
    expect(await client.changes(c.id)).toEqual({ changes: [], total: 0, next_cursor: null });
    expect(await client.diff(c.id)).toBe('');
    const host = { host: `127.0.0.1:${h.port}` };
    const outside = await raw(h, {
      path: `/api/coders/${c.id}/file?path=${encodeURIComponent('../../x')}`,
      headers: host,
    });
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('path_outside');
    const noPath = await raw(h, { path: `/api/coders/${c.id}/file`, headers: host });
    expect(noPath.status).toBe(400);
    expect(noPath.body.error).toMatchObject({ field: 'path', message: 'path is required' });
    await expect(client.readFile('zzzz', 'README.md')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('streams state changes and log lines over SSE and resumes from a Last-Event-ID', async () => {
    await boot();
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    const repo = makeRepo();
    const seen: { ev: AicoderEvent; id: string }[] = [];
    const statuses: string[] = [];
    const sub = client.subscribe({
      onEvent: (ev, id) => seen.push({ ev, id }),
      onStatus: (s) => statuses.push(s),
    });
    await waitFor(() => statuses.includes('connected'), { what: 'SSE connected' });

    const coder = await client.create({ task: '5 0', repo, provider: 'lines' });
    await waitFor(
      () =>
        seen.some(
          (s) => s.ev.type === 'coder.state' && s.ev.coder.id === coder.id && s.ev.coder.state === 'failed',
        ) ||
        seen.some(
          (s) =>
            s.ev.type === 'coder.state' && s.ev.coder.id === coder.id && s.ev.coder.state === 'completed',
        ),
      { what: 'terminal state event' },
    );
    await waitFor(() => seen.filter((s) => s.ev.type === 'coder.log').length >= 7, { what: 'log events' });
    sub.close();

    const states = seen.flatMap((s) => (s.ev.type === 'coder.state' ? [s.ev.coder.state] : []));
    expect(states).toEqual(expect.arrayContaining(['starting', 'running', 'completed']));
    const lines = seen.flatMap((s) => (s.ev.type === 'coder.log' ? [s.ev.entry.text] : []));
    expect(lines).toEqual([
      '── run 1 started ──',
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
      'run 1 ended: the agent finished (exit code 0)',
    ]);
    for (const s of seen) expect(s.id).toMatch(/^\d+:\d+$/);

    // Resume from the id of the second log line: exactly what came after it is replayed.
    const firstLog = seen.findIndex((s) => s.ev.type === 'coder.log');
    const cut = firstLog + 1;
    const replayed: { ev: AicoderEvent; id: string }[] = [];
    const sub2 = client.subscribe({
      lastEventId: seen[cut]!.id,
      onEvent: (ev, id) => replayed.push({ ev, id }),
    });
    const rest = seen.slice(cut + 1);
    await waitFor(() => replayed.length >= rest.length, { what: 'replay' });
    sub2.close();
    const key = (e: AicoderEvent) => (e.type === 'coder.log' ? `L${e.log_id}` : `E${e.event_id}`);
    expect(replayed.map((r) => key(r.ev)).sort()).toEqual(rest.map((r) => key(r.ev)).sort());
    expect(
      replayed
        .filter((r) => r.ev.type === 'coder.log')
        .map((r) => (r.ev as Extract<AicoderEvent, { type: 'coder.log' }>).entry.text),
    ).toEqual(rest.flatMap((r) => (r.ev.type === 'coder.log' ? [r.ev.entry.text] : [])));
    expect(replayed.some((r) => r.ev.type === 'coder.log' && r.ev.entry.text === 'line 5')).toBe(true);

    // The raw stream: a fresh connection starts with `event: ready` and its cursor.
    const res = await fetch(`${h.baseUrl}/api/events`, {
      headers: { ...h.auth, accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(
      /^id: \d+:\d+\nevent: ready\ndata: \{"cursor":"\d+:\d+"\}\n\n/,
    );
    await reader.cancel();
  });

  it('resumes through the ?last_event_id= parameter after a daemon restart', async () => {
    await boot();
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    const repo = makeRepo();
    const c = await client.create({ task: '3 0', repo, provider: 'lines' });
    await client.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });
    // Stop and start again: the cursor survives (both sequences are stored).
    await cleanupHome(h, d);
    d = await startDaemon(h);
    const res = await fetch(`${h.baseUrl}/api/events?last_event_id=0:0`, { headers: h.auth });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"text":"line 3"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(text).toMatch(/"type":"coder.created"/);
    expect(text.indexOf('line 1')).toBeLessThan(text.indexOf('line 2'));
    expect(text).toContain('"text":"line 3"');
  });
});
