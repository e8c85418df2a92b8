import { afterAll } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { mergeCrashTests } from './merge-crash-tests.js';

afterAll(cleanupTemp);
mergeCrashTests(4000, 'reduced');
