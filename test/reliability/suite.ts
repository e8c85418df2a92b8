/**
 * The reliability scenarios, shared by the reduced versions (test/reliability/*.test.ts, seconds, in
 * `npm test`) and the full ones (*.full.test.ts, `npm run test:reliability`). Each runs against a real
 * daemon (built code in dist/) on a loopback port, returns its figures, and prints them.
 */
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { TestHome } from '../helpers/daemon.js';
import { scaled } from '../helpers/load.js';

/** Providers of the reliability suites; every task reaches the command as one argv element. */
export const RELIABILITY_PROVIDERS: Record<string, unknown>[] = [
  {
    name: 'lines',
    description:
      'task "N DELAY [GATE]": prints "line 1".."line N", sleeping DELAY seconds after each; after line GATE it waits for a file named go',
    command: [
      'bash',
      '-c',
      'read -r n delay gate <<< "$1"; for i in $(seq 1 "$n"); do echo "line $i"; if [ "$i" = "$gate" ]; then while [ ! -e go ]; do sleep 0.02; done; fi; if [ -n "$delay" ]; then sleep "$delay"; fi; done',
      '_',
      '{task}',
    ],
    parser: 'text',
  },
  {
    name: 'echo',
    description: 'prints the task literally, makes a symlink leaving the worktree, waits for a file named go',
    command: [
      'bash',
      '-c',
      'printf "%s\\n" "$1"; ln -s /etc escape-dir; ln -s /etc/hostname escape-file; echo ready; while [ ! -e go ]; do sleep 0.05; done',
      '_',
      '{task}',
    ],
    parser: 'text',
  },
  {
    name: 'sleeper',
    description: 'sleeps for the task (seconds)',
    command: ['sleep', '{task}'],
    parser: 'text',
  },
];

export function say(figure: string, data: Record<string, unknown>): void {
  process.stdout.write(`[reliability] ${figure}: ${JSON.stringify(data)}\n`);
}

export interface JsonResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw HTTP request with any Host/Origin header (fetch would not let us forge Host). */
export function rawRequest(
  port: number,
  opts: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    timeoutMs?: number;
  },
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    // An empty Host header means "send none" (Node would otherwise fill in its own). Each request has
    // its own connection (agent: false): on Node 20's kept-alive global agent, a request written as
    // the daemon closes the idle socket (keepAliveTimeout) gets "socket hang up" without an answer,
    // which a fuzz case would count as a crash (src/local/http-request.ts retries that case).
    const headers = { ...opts.headers };
    const noHost = headers.host === '';
    if (noHost) delete headers.host;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers,
        setHost: !noHost,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.setTimeout(scaled(opts.timeoutMs ?? 20_000), () =>
      req.destroy(new Error(`no answer to ${opts.path} within the deadline`)),
    );
    req.end(opts.body);
  });
}

export async function api<T = unknown>(
  h: TestHome,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method,
    headers: method === 'GET' ? h.auth : { ...h.auth, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(scaled(60_000)),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export async function mcpClient(h: TestHome, name = 'reliability'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
  );
  return client;
}

interface LogPage {
  entries: { seq: number; stream: string; text: string }[];
  next_seq: number;
  done: boolean;
}

/** Every stdout log text of a coder, through the REST API, page by page. */
export async function allStdout(h: TestHome, id: string): Promise<string[]> {
  const out: string[] = [];
  let since = 0;
  for (;;) {
    const page = await api<LogPage>(h, 'GET', `/api/coders/${id}/logs?since_seq=${since}`);
    for (const e of page.entries) if (e.stream === 'stdout') out.push(e.text);
    if (page.entries.length === 0 || page.next_seq <= since) return out;
    since = page.next_seq;
  }
}

/** Lost and duplicated lines of "line 1".."line n". */
export function checkLines(
  texts: string[],
  n: number,
): { lost: number; duplicated: number; outOfOrder: number } {
  const seen = new Map<number, number>();
  let outOfOrder = 0;
  let last = 0;
  for (const t of texts) {
    const m = /^line (\d+)$/.exec(t);
    if (!m) continue;
    const k = Number(m[1]);
    if (k <= last) outOfOrder++;
    last = k;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (let i = 1; i <= n; i++) {
    const c = seen.get(i) ?? 0;
    if (c === 0) lost++;
    if (c > 1) duplicated += c - 1;
  }
  return { lost, duplicated, outOfOrder };
}

/** Mulberry32: a small seeded PRNG (no dependency), so a failing fuzz case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentiles(xs: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s.at(-1) ?? 0) };
}
