/**
 * The planted suite's test, shared by planted.test.ts (part of `npm test`) and planted.full.test.ts
 * (the reliability config): one scenario, one set of assertions.
 */
import { expect, it } from 'vitest';
import { plantedScenario } from './planted.js';

export function plantedTest(label: string): void {
  it(`${label}: a fake .git runs nothing and rm --force removes it; an option as session id never reaches argv`, async () => {
    const f = await plantedScenario();
    expect(f).toMatchObject({
      executed: [],
      server_errors: [],
      removed_with_force: true,
      branch_left: false,
      stored_session_id: null,
      evil_in_argv: false,
      session_log_says: true,
    });
    expect(f.message_status).toBeGreaterThanOrEqual(400);
    expect(f.message_status).toBeLessThan(500);
  });
}
