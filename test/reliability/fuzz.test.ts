import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { fuzzScenario } from './fuzz.js';

afterAll(cleanupTemp);

it('fuzz (reduced): 600 malformed MCP calls get JSON-RPC errors or isError results, no crash', async () => {
  const f = await fuzzScenario({ calls: 600, seed: 8 });
  expect(f).toMatchObject({ bad: 0, crashes: 0, traversal_successes: 0 });
  expect(f.rpc_error).toBeGreaterThan(0);
  expect(f.is_error).toBeGreaterThan(0);
});
