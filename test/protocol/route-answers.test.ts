/**
 * Every route of the table (src/protocol/route-paths.ts, routes.ts) asked of one real daemon on a real
 * temp repo: each answer comes with the route's success status, and its JSON parses with the route's
 * answer schema with nothing left over at any depth (a schema that strips a key would make the parsed
 * value differ from what was sent); for the event stream each `data:` line parses. The table is walked,
 * so a route added to it and not asked here fails the test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import type { ZodTypeAny } from 'zod';
import {
  ROUTE_NAMES,
  ROUTE_SCHEMAS,
  ROUTES,
  routePath,
  type RouteName,
  type RouteParams,
} from '../../src/protocol/index.js';
import { parseProcStat } from '../../src/process/proc-stat.js';
import { ATTACH_PROVIDER } from '../fixtures/agents/attach-providers.js';
import { makeHome, pidAlive, startDaemon, TEST_PROVIDERS, type TestHome } from '../helpers/daemon.js';
import { makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

/**
 * Writes "<task> <coder id>" into `<task>.txt` in the worktree: work to commit, merge, compare and
 * pick, and two members of a group write the same file differently.
 */
const WRITER = {
  name: 'writer',
  description: 'writes the task and the coder id into <task>.txt',
  command: [
    'bash',
    '-c',
    'printf "%s %s\\n" "$1" "$AICODER_CODER_ID" > "$1.txt"; echo "wrote $1.txt"',
    '_',
    '{task}',
  ],
  parser: 'text',
};

interface Answer {
  status: number;
  body: unknown;
}

/** Parses `value` with `schema` and requires the result to be the value itself (no key stripped). */
function exactly(schema: ZodTypeAny, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success, `${what}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  expect(parsed.data, `${what} has keys the schema does not name`).toEqual(value);
}

/** Sends requests by route name (method and path from the table) and keeps every answer per route. */
class RouteCaller {
  readonly answers = new Map<RouteName, Answer[]>();
  constructor(private readonly h: TestHome) {}

  async call<K extends RouteName>(
    name: K,
    params: RouteParams<K>,
    opts: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<Answer> {
    const { method } = ROUTES[name];
    const search = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const res = await fetch(`${this.h.baseUrl}${routePath(name, params)}${search}`, {
      method,
      headers: { ...this.h.auth, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(opts.body ?? {}) } : {}),
    });
    const answer = { status: res.status, body: await res.json() };
    this.answers.set(name, [...(this.answers.get(name) ?? []), answer]);
    if (answer.status >= 300) throw new Error(`${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }

  /** Asks `wait` (or `waitGroup`) until it did not time out. */
  async waitDone(name: 'wait' | 'waitGroup', id: string): Promise<Answer> {
    for (;;) {
      const a = await this.call(name, { id }, { query: { timeout_ms: String(scaled(45_000)) } });
      if (!(a.body as { timed_out: boolean }).timed_out) return a;
    }
  }
}

/**
 * Reads `GET /api/events` until `stop` aborts it; each message's data is kept as the route's answer
 * (status and content type checked once).
 */
function readEvents(h: TestHome, stop: AbortSignal, into: Map<RouteName, Answer[]>, seen: string[]) {
  return (async () => {
    const res = await fetch(`${h.baseUrl}${routePath('events', {})}`, { headers: h.auth, signal: stop });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const out: Answer[] = [];
    into.set('events', out);
    const parser = createParser({
      onEvent: (m) => {
        seen.push(m.event ?? 'message');
        out.push({ status: res.status, body: JSON.parse(m.data) });
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
      }
    } catch (e) {
      if (!stop.aborted) throw e;
    }
  })();
}

describe('every route against a real daemon', () => {
  it("answers with the table's status and a body its answer schema parses as it is", async () => {
    const h = await makeHome({ providers: [...TEST_PROVIDERS, WRITER, ATTACH_PROVIDER] });
    const d = await startDaemon(h);
    const repo = makeRepo({
      'README.md': '# r\n',
      '.aicoder.json': JSON.stringify({ check: [['true']] }),
    });
    const api = new RouteCaller(h);
    const stopEvents = new AbortController();
    const eventNames: string[] = [];
    const events = readEvents(h, stopEvents.signal, api.answers, eventNames);
    await waitFor(() => eventNames.includes('ready'), { what: 'the event stream to open' });

    await api.call('health', {});
    await api.call('providerReport', {});
    await api.call('roles', {});
    await api.call('roles', {});

    // One coder's whole life: its reads, then commit and merge of its work.
    const created = await api.call('create', {}, { body: { task: 'a', repo, provider: 'writer' } });
    const a = (created.body as { id: string }).id;
    await api.waitDone('wait', a);
    await api.call('get', { id: a });
    await api.call('list', {}, { query: { repo, limit: '5' } });
    const logs = await api.call('logs', { id: a });
    const first = (logs.body as { entries: { seq: number }[] }).entries[0]!;
    await api.call('logText', { id: a, seq: first.seq }, { query: { offset: '1' } });
    await api.call('diff', { id: a });
    await api.call('changes', { id: a });
    await api.call('files', { id: a }, { query: { limit: '10' } });
    await api.call('readFile', { id: a }, { query: { path: 'a.txt' } });
    await api.call('disk', {}, { query: { ids: a } });
    await api.call('commit', { id: a }, { body: { message: 'a.txt' } });
    await api.call('merge', { id: a }, { body: { strategy: 'merge' } });
    const gc = await api.call('gc', {}, { body: { dry_run: true, older_than_ms: 0, repo } });
    expect((gc.body as { removed: { id: string }[] }).removed.map((x) => x.id)).toContain(a);
    await api.call('stats', {});

    // A person takes over an agent session (this test's own process holds the lease) and hands it back.
    const fake = await api.call('create', {}, { body: { task: 'say hi', repo, provider: 'fakeclaude' } });
    const f = (fake.body as { id: string }).id;
    await api.waitDone('wait', f);
    const stat = parseProcStat(readFileSync(`/proc/${process.pid}/stat`, 'utf8'))!;
    await api.call('attach', { id: f }, { body: { pid: process.pid, start_time: stat.start_time } });
    await api.call('detach', { id: f }, { body: { exit_code: 0 } });
    await api.call('control', { id: f }, { body: { action: 'remove' } });

    // Best of two: wait, compare, check, pick one.
    const group = await api.call(
      'createGroup',
      {},
      {
        body: { task: 'g', repo, agents: [{ provider: 'writer', count: 2 }] },
      },
    );
    const g = (group.body as { id: string }).id;
    await api.waitDone('waitGroup', g);
    await api.call('getGroup', { id: g });
    // Both members wrote g.txt: a pair that would conflict.
    const conflicts = await api.call('conflicts', {}, { query: { repo } });
    expect(JSON.stringify(conflicts.body)).toContain('g.txt');
    await api.call('listGroups', {}, { query: { repo } });
    await api.call('controlGroup', { id: g }, { body: { action: 'check' } });
    await api.waitDone('waitGroup', g);
    const compared = await api.call('compareGroup', { id: g });
    const best = (compared.body as { best: string | null }).best;
    expect(best).not.toBeNull();
    await api.call('control', { id: best! }, { body: { action: 'pick' } });
    expect(readFileSync(join(repo, 'g.txt'), 'utf8')).toBe(`g ${best}\n`);

    // The stream saw the coders' lives: created, state changes, log entries.
    await waitFor(() => eventNames.length > 10, { what: 'events' });
    stopEvents.abort();
    await events;
    await api.call('shutdown', {});
    await waitFor(() => !pidAlive(d.pid), { what: 'the daemon to exit after shutdown' });

    // The table is walked: every route was asked, and each of its answers is what the table says.
    expect(ROUTE_NAMES.filter((n) => !api.answers.get(n)?.length)).toEqual([]);
    for (const name of ROUTE_NAMES) {
      const route = ROUTE_SCHEMAS[name];
      for (const [i, answer] of api.answers.get(name)!.entries()) {
        const what = `${ROUTES[name].method} ${ROUTES[name].path} (answer ${i + 1})`;
        expect(answer.status, what).toBe(route.status);
        exactly(route.response, answer.body, what);
      }
    }
  });
});
