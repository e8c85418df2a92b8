/**
 * Fuzz: generated malformed MCP traffic, sent as raw HTTP so every byte is ours: broken JSON, wrong
 * JSON-RPC envelopes, unknown methods and tools, and tool calls whose arguments have wrong types,
 * huge sizes, odd unicode, NULs, deep nesting, unknown ids and traversal paths. Every answer must be a
 * JSON-RPC error or an isError tool result (or, for the few calls that are valid by chance, a result);
 * never a 5xx, a dropped connection, or a daemon that stops answering. Seeded: a failure names the seed
 * and the case number, and the same seed replays it.
 */
import type { Coder } from '../../src/core/coder.js';
import {
  cleanupHome,
  health,
  makeHome,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { makeRepo } from '../helpers/env.js';
import { RELIABILITY_PROVIDERS, api, prng, rawRequest, say, type JsonResponse } from './suite.js';

const TOOLS = [
  'ai_coder_create',
  'ai_coder_list',
  'ai_coder_status',
  'ai_coder_logs',
  'ai_coder_control',
  'ai_coder_workspace',
];
const FIELDS = [
  'task',
  'repo',
  'provider',
  'model',
  'name',
  'base_ref',
  'branch',
  'workspace_files',
  'autostart',
  'status_filter',
  'limit',
  'cursor',
  'coder_id',
  'action',
  'message',
  'force',
  'keep_branch',
  'wait_for',
  'operation',
  'path',
  'max_bytes',
  'offset',
  'since_seq',
  'tail',
  'kinds',
  'follow',
  '__proto__',
  'constructor',
  '',
  '\u0000',
  'ключ',
  '🙂',
];
export const TRAVERSALS = [
  '../../etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  'a/../../b',
  '..\\..\\windows',
  '%2e%2e/%2e%2e/etc',
  'escape-dir/passwd',
  'escape-file',
  'escape-dir',
  './../x',
  'a/\u0000/b',
  '\u0000',
  '~/.ssh/id_rsa',
  '\u202e../',
  'file:///etc/passwd',
  '//etc/passwd',
  '.git/config',
  '.git/../../x',
];
const STRINGS = [
  '',
  ' ',
  'x',
  'null',
  'undefined',
  '0',
  '-1',
  'true',
  '$(touch /tmp/aicoder-fuzz)',
  '`id`',
  '; rm -rf /',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uFFFF',
  '🙂'.repeat(50),
  'ñ̃'.repeat(100),
  '\u202eevil',
  '\r\n\r\n',
  '%s%s%n',
  '{{task}}',
  '{task}',
  '<script>',
  '\'"',
  ...TRAVERSALS,
];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function deep(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

function value(r: Rand, ids: string[], depth = 0): unknown {
  const k = Math.floor(r() * 14);
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [0, -1, 1, 1.5, -0.0, 1e308, -1e308, 2 ** 53 + 1, 50, 51, 100, 101, 1000, 1001]);
    case 3:
      return pick(r, STRINGS);
    case 4:
      return 'x'.repeat(pick(r, [100, 4097, 20_001, 200_000]));
    case 5:
      return String.fromCodePoint(...Array.from({ length: 20 }, () => Math.floor(r() * 0x10ffff) & 0xd7ff));
    case 6:
      return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => value(r, ids, depth + 1));
    case 7:
      return depth > 2 ? {} : args(r, ids, depth + 1);
    case 8:
      return deep(pick(r, [10, 100, 1000]), pick(r, [null, 'x', 1]));
    case 9:
      return pick(r, ids);
    case 10:
      return pick(r, ids).slice(0, 1 + Math.floor(r() * 6));
    case 11:
      return pick(r, ['zz', 'deadbeef', '0', '%', '*', '_', 'a'.repeat(65)]);
    case 12:
      return pick(r, [
        'list',
        'read',
        'diff',
        'changes',
        'start',
        'pause',
        'resume',
        'stop',
        'remove',
        'message',
        'terminal',
        'all',
        'active',
      ]);
    default:
      return pick(r, TRAVERSALS);
  }
}

function args(r: Rand, ids: string[], depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) out[pick(r, FIELDS)] = value(r, ids, depth);
  return out;
}

interface Case {
  kind: string;
  body: string;
  /** Must not succeed (a traversal read on a real coder). */
  mustFail: boolean;
  session: 'ours' | 'none' | 'bogus';
}

function makeCase(r: Rand, ids: string[], n: number): Case {
  const k = Math.floor(r() * 10);
  const id = n + 1;
  const env = (method: unknown, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
  switch (k) {
    case 0: {
      const bad = pick(r, [
        '{',
        '',
        'null',
        '[]',
        '[1,2]',
        '"x"',
        '{"jsonrpc":"1.0"}',
        '\u0000',
        '{"a":}',
        '{"jsonrpc":"2.0","id":{},"method":"tools/list"}',
      ]);
      return { kind: 'broken-json', body: bad, mustFail: false, session: 'ours' };
    }
    case 1:
      return {
        kind: 'deep-json',
        body: '['.repeat(100_000) + ']'.repeat(100_000),
        mustFail: false,
        session: 'ours',
      };
    case 2:
      return {
        kind: 'unknown-method',
        body: env(
          pick(r, ['tools/nope', '', 'rpc.x', 'resources/read', 1, null, 'prompts/get']),
          value(r, ids),
        ),
        mustFail: false,
        session: 'ours',
      };
    case 3:
      return {
        kind: 'no-session',
        body: env('tools/call', { name: pick(r, TOOLS), arguments: args(r, ids) }),
        mustFail: false,
        session: pick(r, ['none', 'bogus'] as const),
      };
    case 4: {
      // Traversal on a real coder: must never succeed.
      const path = pick(r, TRAVERSALS);
      return {
        kind: 'traversal',
        body: env('tools/call', {
          name: 'ai_coder_workspace',
          arguments: { coder_id: ids[0], operation: 'read', path },
        }),
        mustFail: true,
        session: 'ours',
      };
    }
    case 5:
      return { kind: 'bad-params', body: env('tools/call', value(r, ids)), mustFail: false, session: 'ours' };
    default: {
      const name =
        r() < 0.9 ? pick(r, TOOLS) : pick(r, ['', 'ai_coder', 'AI_CODER_LIST', 'ai_coder_list\u0000', '🙂']);
      const a = r() < 0.9 ? args(r, ids) : value(r, ids);
      if (a !== null && typeof a === 'object' && !Array.isArray(a)) {
        // Never a valid long wait: waits are bounded to "now".
        const rec = a as Record<string, unknown>;
        if (name === 'ai_coder_status' || name === 'ai_coder_logs')
          rec.timeout_s = pick(r, [0, -1, 51, '1', null]);
      }
      return {
        kind: 'tool-call',
        body: env('tools/call', { name, arguments: a }),
        mustFail: false,
        session: 'ours',
      };
    }
  }
}

type Verdict = 'rpc_error' | 'is_error' | 'result' | 'bad';

function messages(res: JsonResponse): unknown[] {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('text/event-stream')) {
    return res.body
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5)) as unknown);
  }
  return res.body === '' ? [] : [JSON.parse(res.body) as unknown];
}

function classify(res: JsonResponse): Verdict {
  if (res.status >= 500) return 'bad';
  let msgs: unknown[];
  try {
    msgs = messages(res);
  } catch {
    return 'bad';
  }
  const m = msgs.at(-1) as { error?: { code?: unknown }; result?: { isError?: boolean } } | undefined;
  if (m === undefined) return 'bad';
  if (m.error !== undefined && typeof m.error.code === 'number') return 'rpc_error';
  if (m.result !== undefined) return m.result.isError === true ? 'is_error' : 'result';
  return 'bad';
}

async function initialize(h: TestHome): Promise<string> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    host: `127.0.0.1:${h.port}`,
    ...h.auth,
  };
  const init = await rawRequest(h.port, {
    method: 'POST',
    path: '/mcp',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
    }),
  });
  const sid = init.headers['mcp-session-id'];
  if (typeof sid !== 'string') throw new Error(`initialize gave no session: ${init.status} ${init.body}`);
  await rawRequest(h.port, {
    method: 'POST',
    path: '/mcp',
    headers: { ...headers, 'mcp-session-id': sid },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  return sid;
}

export interface FuzzFigures {
  seed: number;
  calls: number;
  rpc_error: number;
  is_error: number;
  result: number;
  bad: number;
  traversal_successes: number;
  crashes: number;
  /** The first few failures, for the report. */
  failures: string[];
  ms: number;
}

export async function fuzzScenario(opts: {
  calls: number;
  seed: number;
  parallel?: number;
}): Promise<FuzzFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS });
  let d: RunningDaemon | undefined;
  try {
    d = await startDaemon(h);
    const repo = makeRepo();
    const c = await api<Coder>(h, 'POST', '/api/coders', { task: 'hello', repo, provider: 'echo' });
    const ids = [c.id];
    const sid = await initialize(h);
    const r = prng(opts.seed);
    const cases = Array.from({ length: opts.calls }, (_, i) => makeCase(r, ids, i));
    const f: FuzzFigures = {
      seed: opts.seed,
      calls: opts.calls,
      rpc_error: 0,
      is_error: 0,
      result: 0,
      bad: 0,
      traversal_successes: 0,
      crashes: 0,
      failures: [],
      ms: 0,
    };
    const fail = (m: string) => {
      if (f.failures.length < 5) f.failures.push(m);
    };
    const t0 = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const i = next++;
        const cs = cases[i]!;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          host: `127.0.0.1:${h.port}`,
          ...h.auth,
        };
        if (cs.session === 'ours') headers['mcp-session-id'] = sid;
        if (cs.session === 'bogus') headers['mcp-session-id'] = 'bogus-session';
        let v: Verdict;
        let answer = '';
        try {
          const res = await rawRequest(h.port, { method: 'POST', path: '/mcp', headers, body: cs.body });
          answer = `${res.status} ${res.body.slice(0, 200)}`;
          v = classify(res);
        } catch (e) {
          v = 'bad';
          f.crashes++;
          fail(`case ${i} (${cs.kind}): ${String(e)}`);
        }
        f[v]++;
        if (v === 'bad') fail(`case ${i} (${cs.kind}): ${cs.body.slice(0, 200)} → ${answer}`);
        if (cs.mustFail && v === 'result') {
          f.traversal_successes++;
          fail(`case ${i} (traversal succeeded): ${cs.body.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.parallel ?? 4 }, worker));
    f.ms = Date.now() - t0;
    const alive = await health(h);
    if (alive?.pid !== d.pid) {
      f.crashes++;
      fail('the daemon stopped answering /health');
    }
    say('fuzz', { ...f });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}
