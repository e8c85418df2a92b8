import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { loadScenario } from './load.js';

afterAll(cleanupTemp);

it('load: 20 MCP clients x 500 calls while 10 coders write, 0 errors', async () => {
  const f = await loadScenario({ clients: 20, calls: 500, coders: 10 });
  expect(f).toMatchObject({ calls: 10_000, errors: 0, coders_running_at_end: 10 });
});
