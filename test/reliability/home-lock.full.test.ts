import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { homeLockScenario } from './home-lock.js';

afterAll(cleanupTemp);

it('home lock (full): a stopped (SIGSTOP) daemon keeps its home; after kill -9 the next one starts', async () => {
  const f = await homeLockScenario();
  expect(f.second_code).toBe(1);
  expect(f.second_stderr).toMatch(/^aicoder: another aicoder daemon \(pid \d+\) already owns/);
  expect(f.owner_alive_after).toBe(true);
});
