/**
 * Load: C MCP clients (one session each) making N calls each — list, status, logs, workspace list —
 * while K coders run and write. Every call must succeed; prints the latency percentiles.
 */
import type { Coder } from '../../src/core/coder.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { makeRepo } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { RELIABILITY_PROVIDERS, api, mcpClient, percentiles, say } from './suite.js';

export interface LoadFigures {
  clients: number;
  calls_per_client: number;
  coders: number;
  calls: number;
  errors: number;
  first_error?: string;
  latency_ms: ReturnType<typeof percentiles>;
  calls_per_s: number;
  /** p50 per tool. */
  p50_by_tool: Record<string, number>;
  coders_running_at_end: number;
}

export async function loadScenario(opts: {
  clients: number;
  calls: number;
  coders: number;
}): Promise<LoadFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS, config: { max_concurrent: 64 } });
  let d: RunningDaemon | undefined;
  try {
    d = await startDaemon(h);
    const repo = makeRepo();
    const ids: string[] = [];
    for (let i = 0; i < opts.coders; i++) {
      // Writes a line every 20 ms for far longer than the load lasts.
      ids.push(
        (await api<Coder>(h, 'POST', '/api/coders', { task: '100000 0.02', repo, provider: 'lines' })).id,
      );
    }
    const clients = await Promise.all(
      Array.from({ length: opts.clients }, (_, i) => mcpClient(h, `load-${i}`)),
    );
    const times: number[] = [];
    const byTool = new Map<string, number[]>();
    let errors = 0;
    let firstError: string | undefined;
    const t0 = Date.now();
    await Promise.all(
      clients.map(async (client, ci) => {
        for (let i = 0; i < opts.calls; i++) {
          const id = ids[(ci + i) % ids.length]!;
          const which = i % 4;
          const [name, args] =
            which === 0
              ? ['ai_coder_list', { limit: 20 }]
              : which === 1
                ? ['ai_coder_status', { coder_id: id }]
                : which === 2
                  ? ['ai_coder_logs', { coder_id: id, tail: 50 }]
                  : ['ai_coder_workspace', { coder_id: id, operation: 'list' }];
          const s = performance.now();
          try {
            // The SDK's own 60 s request deadline is a guess about speed: stretch it with the load.
            const r = (await client.callTool({ name, arguments: args }, undefined, {
              timeout: scaled(60_000),
            })) as {
              isError?: boolean;
              content: { text?: string }[];
            };
            if (r.isError) throw new Error(`${name}: ${r.content[0]?.text}`);
          } catch (e) {
            errors++;
            firstError ??= String(e);
          }
          const dt = performance.now() - s;
          times.push(dt);
          byTool.set(name, [...(byTool.get(name) ?? []), dt]);
        }
      }),
    );
    const elapsed = (Date.now() - t0) / 1000;
    await Promise.all(clients.map((c) => c.close()));
    const running = (await Promise.all(ids.map((id) => api<Coder>(h, 'GET', `/api/coders/${id}`)))).filter(
      (c) => c.state === 'running',
    ).length;
    const f: LoadFigures = {
      clients: opts.clients,
      calls_per_client: opts.calls,
      coders: opts.coders,
      calls: times.length,
      errors,
      ...(firstError !== undefined ? { first_error: firstError } : {}),
      latency_ms: percentiles(times),
      calls_per_s: Math.round(times.length / elapsed),
      p50_by_tool: Object.fromEntries([...byTool].map(([k, v]) => [k, percentiles(v).p50])),
      coders_running_at_end: running,
    };
    say('load', { ...f });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}
