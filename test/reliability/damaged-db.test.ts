import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { damagedDbScenario } from './damaged-db.js';

afterAll(cleanupTemp);

it('damaged database: random bytes over the logs pages → the daemon refuses to start and says why', async () => {
  const f = await damagedDbScenario({ lines: 500 });
  expect(f.pages_damaged).toBeGreaterThan(0);
  expect(f.start_code).not.toBe(0);
  expect(f.start_stderr).toMatch(/^aicoder: the database .*aicoder\.db is damaged/);
  expect(f.healthy_after).toBe(false);
});
