import { afterAll } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { mergeCrashTests } from './merge-crash-tests.js';

afterAll(cleanupTemp);
mergeCrashTests(40_000, 'full, 40,000 files');
