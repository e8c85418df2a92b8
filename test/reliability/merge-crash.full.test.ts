import { afterAll, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { createCrashScenario, mergeCrashScenario } from './merge-crash.js';

afterAll(cleanupTemp);
const FILES = 40_000;

it('merge (full, 40,000 files): kill -9 of the daemon and its git mid-merge → the next start finishes it and says so', async () => {
  const f = await mergeCrashScenario({ files: FILES, mode: 'kill9' });
  expect(f).toMatchObject({
    modified_after_start: 0,
    main_at: 'after',
    journal_left: 0,
    log_says: 'finished',
  });
  expect(f.coder_note).toMatch(/interrupted by a crash.*finished the merge/);
});

it('merge (full, 40,000 files): a graceful stop mid-merge waits for it', async () => {
  const f = await mergeCrashScenario({ files: FILES, mode: 'graceful' });
  expect(f).toMatchObject({
    modified_right_after: 0,
    modified_after_start: 0,
    main_at: 'after',
    journal_left: 0,
  });
});

it('create (full, 40,000 files): kill -9 during git worktree add → the next start removes the branch and folder', async () => {
  const f = await createCrashScenario({ files: FILES });
  expect(f).toMatchObject({ orphan_branches: [], orphan_folders: [], coders: 0, log_says: true });
});
