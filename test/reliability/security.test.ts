import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { securityScenario } from './security.js';

afterAll(cleanupTemp);

it('security (reduced): rebinding refused, no escape, shell metacharacters stay literal', async () => {
  const f = await securityScenario({ full: false });
  expect(f).toMatchObject({
    rebinding_accepted: [],
    traversal_escapes: [],
    shell_executed: [],
    server_errors: [],
    literal_mismatches: [],
  });
  expect(f.rebinding_requests).toBeGreaterThan(50);
});
