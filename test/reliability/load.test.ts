import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { loadScenario } from './load.js';

afterAll(cleanupTemp);

it('load (reduced): 5 MCP clients x 40 calls while 3 coders write, 0 errors', async () => {
  const f = await loadScenario({ clients: 5, calls: 40, coders: 3 });
  expect(f).toMatchObject({ calls: 200, errors: 0, coders_running_at_end: 3 });
});
