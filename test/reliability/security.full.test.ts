import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { securityScenario } from './security.js';

afterAll(cleanupTemp);

// Not covered: a coder endpoint token used by another coder (that endpoint lands in another change).
it('security: rebinding refused, no traversal or symlink escape, shell metacharacters stay literal', async () => {
  const f = await securityScenario({ full: true });
  expect(f).toMatchObject({
    rebinding_accepted: [],
    traversal_escapes: [],
    shell_executed: [],
    server_errors: [],
    literal_mismatches: [],
  });
});
