import { afterAll } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { securityTests } from './security-tests.js';

afterAll(cleanupTemp);
securityTests(true);
