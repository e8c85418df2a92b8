import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { securityScenario } from './security.js';
import { ownerScenario } from './security-owner.js';
import { secretsScenario } from './security-secrets.js';

afterAll(cleanupTemp);

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

it(
  'security: only the owner controls the daemon (other uid, no token, coders, argv, file modes, content type, duplicate Host)',
  async () => {
    const f = await ownerScenario({ full: true });
    expect(f).toMatchObject({
      foreign_accepted: [],
      no_token_accepted: [],
      coder_accepted: [],
      coder_env_leaks: [],
      argv_leaks: [],
      loose_modes: [],
      shutdown_text_plain: 415,
      duplicate_host: 403,
      alive_after: true,
    });
    if (f.setpriv) expect(f.foreign_requests).toBe(18);
    expect(f.coder_requests).toBe(11);
    expect(f.argv_checked).toBeGreaterThan(0);
    expect(f.files_checked).toBeGreaterThan(10);
  },
  scaled(240_000),
);

it(
  'security: secrets are redacted in everything stored or shown',
  async () => {
    const f = await secretsScenario();
    expect(f.leaks).toEqual([]);
    expect(f.empty_surfaces).toEqual([]);
    expect(f.redacted_lines).toBeGreaterThan(5);
  },
  scaled(240_000),
);
