import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { crashScenario } from './crash.js';

afterAll(cleanupTemp);

it('crash: kill -9 the daemon during 10 writing coders loses and duplicates no line', async () => {
  const f = await crashScenario({ coders: 10, lines: 400, delay: 0.01 });
  expect(f).toMatchObject({ completed: 10, lost: 0, duplicated: 0, out_of_order: 0 });
  expect(f.lines_before_kill).toBeLessThan(10 * 400);
});
