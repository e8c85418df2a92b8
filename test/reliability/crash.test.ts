import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { crashScenario } from './crash.js';

afterAll(cleanupTemp);

it('crash (reduced): kill -9 the daemon during 3 writing coders loses and duplicates no line', async () => {
  const f = await crashScenario({ coders: 3, lines: 60, delay: 0.02 });
  expect(f).toMatchObject({ completed: 3, lost: 0, duplicated: 0, out_of_order: 0 });
  expect(f.lines_before_kill).toBeLessThan(3 * 60);
});
