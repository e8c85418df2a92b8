/**
 * The fleet summary behind GET /api/stats and the MCP resource aicoder://stats: coders by state,
 * running and queued counts, token and cost totals per provider, daemon uptime. Computed from the
 * manager's list (pages of 1000), so it is exactly what `list` shows.
 */
import type { ManagerApi } from './api.js';
import { CODER_STATES, type CoderState } from './coder.js';

export interface ProviderTotals {
  coders: number;
  tokens_in: number;
  tokens_out: number;
  /** US dollars, as reported by the agents (providers that report no cost add 0). */
  cost_usd: number;
}

export interface FleetStats {
  total: number;
  /** Every state, 0 included. */
  by_state: Record<CoderState, number>;
  running: number;
  queued: number;
  by_provider: Record<string, ProviderTotals>;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** Seconds since the daemon started (null when unknown, e.g. outside a daemon). */
  uptime_s: number | null;
}

const PAGE = 1000;

export function fleetStats(manager: Pick<ManagerApi, 'list'>, startedAtMs?: number): FleetStats {
  const by_state = Object.fromEntries(CODER_STATES.map((s) => [s, 0])) as Record<CoderState, number>;
  const by_provider: Record<string, ProviderTotals> = {};
  let total = 0;
  let tokens_in = 0;
  let tokens_out = 0;
  let cost = 0;
  let cursor: string | undefined;
  do {
    const page = manager.list({ states: ['all'], limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const c of page.coders) {
      total += 1;
      by_state[c.state] += 1;
      const p = (by_provider[c.provider] ??= { coders: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 });
      p.coders += 1;
      p.tokens_in += c.stats.tokens_in;
      p.tokens_out += c.stats.tokens_out;
      p.cost_usd += c.stats.cost_usd;
      tokens_in += c.stats.tokens_in;
      tokens_out += c.stats.tokens_out;
      cost += c.stats.cost_usd;
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const round = (n: number): number => Math.round(n * 1e6) / 1e6;
  for (const p of Object.values(by_provider)) p.cost_usd = round(p.cost_usd);
  return {
    total,
    by_state,
    running: by_state.running,
    queued: by_state.queued,
    by_provider,
    tokens_in,
    tokens_out,
    cost_usd: round(cost),
    uptime_s: startedAtMs === undefined ? null : Math.floor((Date.now() - startedAtMs) / 1000),
  };
}
