import { afterAll } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { mergeCrashTests } from './merge-crash-tests.js';

// Removing the repos and worktrees of three 40,000-file runs took over 4 minutes at load 25.
afterAll(cleanupTemp, scaled(900_000));
mergeCrashTests(40_000, 'full, 40,000 files');
