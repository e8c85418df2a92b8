/**
 * The merge and create crash tests, shared by merge-crash.test.ts (4,000 files, part of `npm test`)
 * and merge-crash.full.test.ts (40,000 files, the reliability config).
 */
import { expect, it } from 'vitest';
import { createCrashScenario, mergeCrashScenario } from './merge-crash.js';

export function mergeCrashTests(files: number, label: string): void {
  it(`merge (${label}): kill -9 of the daemon and its git mid-merge → the next start finishes it and says so`, async () => {
    const f = await mergeCrashScenario({ files, mode: 'kill9' });
    expect(f).toMatchObject({
      modified_after_start: 0,
      main_at: 'after',
      journal_left: 0,
      log_says: 'finished',
    });
    expect(f.coder_note).toMatch(/interrupted by a crash.*finished the merge/);
  });

  it(`merge (${label}): a graceful stop mid-merge waits for it`, async () => {
    const f = await mergeCrashScenario({ files, mode: 'graceful' });
    expect(f).toMatchObject({
      modified_right_after: 0,
      modified_after_start: 0,
      main_at: 'after',
      journal_left: 0,
    });
  });

  it(`create (${label}): kill -9 during git worktree add → the next start removes the branch and folder`, async () => {
    const f = await createCrashScenario({ files });
    expect(f).toMatchObject({ orphan_branches: [], orphan_folders: [], coders: 0, log_says: true });
  });
}
