/** Cost estimated from tokens (core/cost-estimate.ts) and the shipped price table (templates/prices.json). */
import { describe, expect, it } from 'vitest';
import { estimateUsd, priceOf, withCostEstimate } from '../../src/core/cost-estimate.js';
import type { OutputParser } from '../../src/core/ports.js';
import { loadPrices } from '../../src/providers/prices.js';

describe('cost estimate', () => {
  const table = {
    'gemini-2.5-flash': { input: 0.3, output: 2.5 },
    'gemini-2.5-flash-lite': { input: 0.1, output: 0.4 },
  };

  it('prices a model by its exact entry, else its longest "-"-prefix entry; unknown or none: null', () => {
    expect(priceOf(table, 'gemini-2.5-flash')).toEqual({ input: 0.3, output: 2.5 });
    expect(priceOf(table, 'gemini-2.5-flash-lite-preview-06-17')).toEqual({ input: 0.1, output: 0.4 });
    expect(priceOf(table, 'gemini-2.5-flash-001')).toEqual({ input: 0.3, output: 2.5 });
    expect(priceOf(table, 'gemini-2.5-flashy')).toBeNull();
    expect(priceOf(table, null)).toBeNull();
    expect(estimateUsd({ input: 0.3, output: 2.5 }, 1_000_000, 100_000)).toBeCloseTo(0.55, 10);
  });

  it('adds an estimated cost to deltas with tokens and no cost; leaves others alone', () => {
    const inner: OutputParser = {
      parse: (line) => [
        { kind: 'result', text: line, stats: { tokens_in: 1_000_000, tokens_out: 0 } },
        { kind: 'result', text: line, stats: { tokens_in: 5, cost_usd: 1 } },
        { kind: 'assistant', text: line },
      ],
    };
    const evs = withCostEstimate(inner, { input: 2, output: 8 }).parse('x', 'stdout');
    expect(evs.map((e) => e.stats?.cost_usd)).toEqual([2, 1, undefined]);
    expect(withCostEstimate(inner, null)).toBe(inner);
  });

  it('the shipped table loads, with source and date, and lists the models the templates run', () => {
    const prices = loadPrices();
    expect(Object.keys(prices).length).toBeGreaterThan(10);
    for (const p of Object.values(prices)) expect(p.output).toBeGreaterThan(0);
    expect(priceOf(prices, 'gpt-5-codex')).not.toBeNull();
    expect(priceOf(prices, 'gemini-2.5-pro')).not.toBeNull();
  });
});
