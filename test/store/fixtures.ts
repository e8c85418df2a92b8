/** Shared builders for store tests: plain Coder records and a fresh store in a temp dir. */
import { join } from 'node:path';
import { emptyStats, emptyTalk, type Coder } from '../../src/core/coder.js';
import type { CoderStore } from '../../src/core/ports.js';
import { openStore } from '../../src/store/index.js';
import { tempDir } from '../helpers/env.js';

let counter = 0;

export function makeCoder(overrides: Partial<Coder> = {}): Coder {
  counter += 1;
  const id = overrides.id ?? `c${String(counter).padStart(6, '0')}${Math.random().toString(16).slice(2, 8)}`;
  return {
    id,
    name: `coder-${counter}`,
    task: 'fix the bug',
    provider: 'claude',
    model: null,
    repo: '/tmp/repo-a',
    base_ref: 'main',
    base_commit: 'a'.repeat(40),
    branch: `aicoder/${id}`,
    workspace: `/tmp/wt/${id}`,
    state: 'created',
    pid: null,
    exit_code: null,
    session_id: null,
    error: null,
    created_at: '2025-01-01T00:00:00.000Z',
    started_at: null,
    updated_at: '2025-01-01T00:00:00.000Z',
    ended_at: null,
    stats: emptyStats(),
    ...emptyTalk(),
    ...overrides,
  };
}

export function freshStore(): { store: CoderStore; dbPath: string; dir: string } {
  const dir = tempDir('aicoder-store-');
  const dbPath = join(dir, 'nested', 'aicoder.db');
  return { store: openStore(dbPath), dbPath, dir };
}
