/**
 * The security suite's tests, shared by security.test.ts (reduced, part of `npm test`) and
 * security.full.test.ts (full, the reliability config): the same assertions, only the size differs.
 */
import { expect, it } from 'vitest';
import { scaled } from '../helpers/load.js';
import { securityScenario } from './security.js';
import { ownerScenario } from './security-owner.js';
import { secretsScenario } from './security-secrets.js';

export function securityTests(full: boolean): void {
  const label = full ? 'security' : 'security (reduced)';
  it(`${label}: rebinding refused, no escape, shell metacharacters stay literal`, async () => {
    const f = await securityScenario({ full });
    expect(f).toMatchObject({
      rebinding_accepted: [],
      traversal_escapes: [],
      shell_executed: [],
      server_errors: [],
      literal_mismatches: [],
    });
    if (!full) expect(f.rebinding_requests).toBeGreaterThan(50);
  });

  it(
    `${label}: only the owner controls the daemon (other uid, no token, coders, argv, file modes, content type, duplicate Host)`,
    async () => {
      const f = await ownerScenario({ full });
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
    `${label}: secrets are redacted in everything stored or shown`,
    async () => {
      const f = await secretsScenario();
      expect(f.leaks).toEqual([]);
      expect(f.empty_surfaces).toEqual([]);
      expect(f.redacted_lines).toBeGreaterThan(5);
    },
    scaled(240_000),
  );
}
