import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/load.js';

/** `npm run test:reliability`: the full reliability suites (the reduced ones run in `npm test`). */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.full.test.ts'],
    // Deadlines meant for an idle machine, stretched by the load at start (test/helpers/load.ts).
    testTimeout: scaled(600_000),
    hookTimeout: scaled(60_000),
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});
