import { defineConfig } from 'vitest/config';

/**
 * `npm run test:readme`: the README's quick start run literally in a fresh clone (npm install, link,
 * create, tui). A separate step of .ci/run, not part of `npm test`, because the quick start itself
 * runs `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/readme/**/*.test.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});
