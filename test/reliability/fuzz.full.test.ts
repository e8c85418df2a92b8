import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { fuzzScenario } from './fuzz.js';

afterAll(cleanupTemp);

it('fuzz: 10,000 malformed MCP calls get JSON-RPC errors or isError results, no crash', async () => {
  const seed = Number(process.env.AICODER_FUZZ_SEED ?? 20261123);
  const f = await fuzzScenario({ calls: 10_000, seed });
  expect(f).toMatchObject({ bad: 0, crashes: 0, traversal_successes: 0 });
});
