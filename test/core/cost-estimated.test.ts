/**
 * The "estimated" mark on costs (stats.cost_estimated): set by the estimating parser
 * (core/cost-estimate.ts), summed per batch (core/outcome.ts), kept by the store (OR over deltas,
 * migration 11 for older databases), and shown as "~$" by the CLI, the TUI and the compact MCP record.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { costCell, coderRow, statusFields } from '../../src/cli/format.js';
import { emptyStats, type Coder } from '../../src/core/coder.js';
import { usdText, withCostEstimate } from '../../src/core/cost-estimate.js';
import { parseLines } from '../../src/core/outcome.js';
import type { OutputParser } from '../../src/core/ports.js';
import { compactCoder } from '../../src/mcp/compact.js';
import { migrate, MIGRATIONS, openStore } from '../../src/store/index.js';
import { formatCost } from '../../src/tui/format.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';
import { freshStore, makeCoder } from '../store/fixtures.js';

afterAll(cleanupTemp);

const tokensOnly: OutputParser = {
  parse: (line) => [{ kind: 'result', text: line, stats: { turns: 1, tokens_in: 1_000_000, tokens_out: 0 } }],
};
const ownCost: OutputParser = {
  parse: (line) => [{ kind: 'result', text: line, stats: { turns: 1, tokens_in: 10, cost_usd: 0.5 } }],
};
const lines = (...l: string[]) => ({ stream: 'stdout' as const, lines: l, offset: 0, count: l.length });

function withStats(stats: Partial<Coder['stats']>, over: Partial<Coder> = {}): Coder {
  return makeCoder({ stats: { ...emptyStats(), ...stats }, ...over });
}

describe('cost_estimated', () => {
  it('the estimating parser marks its deltas; a batch is estimated when any cost in it was', () => {
    const est = withCostEstimate(tokensOnly, { input: 2, output: 8 });
    expect(est.parse('x', 'stdout')[0]!.stats).toEqual({
      turns: 1,
      tokens_in: 1_000_000,
      tokens_out: 0,
      cost_usd: 2,
      cost_estimated: true,
    });
    // The CLI's own figure is never marked.
    expect(withCostEstimate(ownCost, { input: 2, output: 8 }).parse('x', 'stdout')[0]!.stats).toEqual({
      turns: 1,
      tokens_in: 10,
      cost_usd: 0.5,
    });
    const ts = '2025-01-01T00:00:00.000Z';
    expect(parseLines(est, lines('a', 'b'), ts, () => {}).stats).toEqual({
      turns: 2,
      tokens_in: 2_000_000,
      tokens_out: 0,
      cost_usd: 4,
      cost_estimated: true,
    });
    expect(parseLines(ownCost, lines('a'), ts, () => {}).stats.cost_estimated).toBe(false);
  });

  it('the store keeps the mark once a delta sets it, and across a reopen', () => {
    const { store, dbPath } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    store.appendLogs(c.id, [], undefined, { cost_usd: 0.25 });
    expect(store.getCoder(c.id)!.stats).toMatchObject({ cost_usd: 0.25, cost_estimated: false });
    store.appendLogs(c.id, [], undefined, { cost_usd: 0.5, cost_estimated: true });
    store.appendLogs(c.id, [], undefined, { cost_usd: 0.25, cost_estimated: false });
    expect(store.getCoder(c.id)!.stats).toMatchObject({ cost_usd: 1, cost_estimated: true });
    store.close();
    const again = openStore(dbPath);
    expect(again.getCoder(c.id)!.stats.cost_estimated).toBe(true);
    again.close();
  });

  it('migration 11 marks the costs of older codex and gemini coders (their CLIs report none)', () => {
    const raw = new Database(join(tempDir('aicoder-mig11-'), 'aicoder.db'));
    migrate(
      raw,
      MIGRATIONS.filter((m) => m.version <= 10),
    );
    const insert = raw.prepare(
      `INSERT INTO coders (id, name, task, provider, repo, base_ref, base_commit, branch, workspace, state,
         created_at, updated_at, cost_usd) VALUES (?, 'n', 't', ?, '/r', 'main', 'c', 'b', '/w', 'completed', 't', 't', ?)`,
    );
    for (const [id, provider, cost] of [
      ['a1', 'gemini', 0.02],
      ['a2', 'codex', 0],
      ['a3', 'claude', 0.3],
    ] as const) {
      insert.run(id, provider, cost);
    }
    expect(migrate(raw)).toEqual([11]);
    const rows = raw.prepare('SELECT id, cost_estimated FROM coders ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'a1', cost_estimated: 1 },
      { id: 'a2', cost_estimated: 0 },
      { id: 'a3', cost_estimated: 0 },
    ]);
    raw.close();
  });

  it('every surface shows an estimated cost with "~": CLI list and status, TUI, compact MCP record', () => {
    const est = withStats({
      turns: 2,
      tokens_in: 1200,
      tokens_out: 300,
      cost_usd: 0.1234,
      cost_estimated: true,
    });
    const own = withStats({ turns: 2, tokens_in: 1200, tokens_out: 300, cost_usd: 0.1234 });
    const none = withStats({ turns: 1 });
    expect(usdText(0.1234, true)).toBe('~$0.12');
    expect(usdText(0.1234, false, 4)).toBe('$0.1234');

    // CLI list: a COST column ("-" when nothing was spent).
    expect(costCell(est.stats)).toBe('~$0.12');
    expect(costCell(own.stats)).toBe('$0.12');
    expect(costCell(none.stats)).toBe('-');
    expect(coderRow(est).map((c) => (typeof c === 'string' ? c : c.text))).toContain('~$0.12');
    // CLI status: 4 decimals, said in words too.
    const stats = (c: Coder) => statusFields(c).find(([k]) => k === 'stats')![1];
    expect(stats(est)).toContain('~$0.1234 (estimated)');
    expect(stats(own)).toContain(' $0.1234 ');
    expect(stats(own)).not.toContain('~');

    // TUI.
    expect(formatCost(0.1234, true)).toBe('~$0.12');
    expect(formatCost(0.1234)).toBe('$0.12');
    expect(formatCost(0, true)).toBe('$0.00');

    // Compact MCP record.
    expect(compactCoder(est).stats).toBe('2 turns, 2k tokens, ~$0.12');
    expect(compactCoder(own).stats).toBe('2 turns, 2k tokens, $0.12');
  });
});
