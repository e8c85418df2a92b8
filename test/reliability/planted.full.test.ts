import { afterAll } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { plantedTest } from './planted-tests.js';

afterAll(cleanupTemp);
plantedTest('planted (full)');
