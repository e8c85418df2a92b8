/**
 * Cost estimated from token counts, for CLIs that report no cost (Codex, Gemini CLI): the provider
 * file says `"estimate_cost": true`, and the price table (templates/prices.json, loaded by
 * providers/prices.ts) gives USD per million tokens by model. The estimate is added to each stats
 * delta the parser reports, so budget_usd holds these coders too (core/budgets.ts).
 */
import type { OutputParser, ParsedEvent } from './ports.js';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Prices by model name (templates/prices.json `models`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * The price of a model: its exact entry, else the longest entry that followed by "-" starts the
 * name (a dated or suffixed variant, e.g. gemini-2.5-flash-preview-09-2025); null when not listed.
 */
export function priceOf(table: PriceTable, model: string | null | undefined): ModelPrice | null {
  if (!model) return null;
  const exact = table[model];
  if (exact) return exact;
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if (model.startsWith(`${key}-`) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? null : table[best]!;
}

/**
 * A cost as shown on every surface: "$0.12", or "~$0.12" when it is estimated (`cost_estimated`);
 * `digits` decimals (2 by default).
 */
export function usdText(usd: number, estimated: boolean, digits = 2): string {
  return `${estimated ? '~' : ''}$${usd.toFixed(digits)}`;
}

/** USD for a token count at a price (input tokens all at the input rate). */
export function estimateUsd(price: ModelPrice, tokensIn: number, tokensOut: number): number {
  return (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
}

/**
 * A parser whose stats deltas carry an estimated cost_usd, marked `cost_estimated: true` (when they
 * have tokens and no cost of their own). Returns the parser unchanged when the model has no price.
 */
export function withCostEstimate(parser: OutputParser, price: ModelPrice | null): OutputParser {
  if (price === null) return parser;
  const add = (ev: ParsedEvent): ParsedEvent => {
    const s = ev.stats;
    if (!s || s.cost_usd !== undefined || (!s.tokens_in && !s.tokens_out)) return ev;
    const cost_usd = estimateUsd(price, s.tokens_in ?? 0, s.tokens_out ?? 0);
    return { ...ev, stats: { ...s, cost_usd, cost_estimated: true } };
  };
  return { parse: (line, stream) => parser.parse(line, stream).map(add) };
}
