import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { plantedScenario } from './planted.js';

afterAll(cleanupTemp);

it('planted (full): a fake .git runs nothing and rm --force removes it; an option as session id never reaches argv', async () => {
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
