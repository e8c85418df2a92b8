/**
 * The shipped price table (templates/prices.json: USD per million tokens by model, with its source
 * and date) for estimating the cost of runs whose CLI reports none (core/cost-estimate.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { PriceTable } from '../core/cost-estimate.js';

const price = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();
const file = z.object({
  about: z.string(),
  source: z.string(),
  as_of: z.string(),
  models: z.record(price),
});

export function pricesPath(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('../../templates/prices.json', moduleUrl));
}

/** The table's models; throws (with zod's message) when the file is not in the documented shape. */
export function loadPrices(path: string = pricesPath()): PriceTable {
  return file.parse(JSON.parse(readFileSync(path, 'utf8'))).models;
}
