import { defineConfig } from 'vitest/config';

/** `npm run test:reliability`: the full reliability suites (the reduced ones run in `npm test`). */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.full.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});
