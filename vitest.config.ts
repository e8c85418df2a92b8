import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/load.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // test/readme: `npm run test:readme`, its own step in .ci/run (it installs a fresh clone).
    exclude: ['test/reliability/**/*.full.test.ts', 'test/readme/**', 'node_modules/**'],
    // Deadlines meant for an idle machine, stretched by the load at start (test/helpers/load.ts).
    testTimeout: scaled(60_000),
    hookTimeout: scaled(60_000),
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
