/**
 * Repos that moved or vanished, and worktree folders that were deleted: every command says what is
 * gone (worktree_gone), rm --force and gc --include-unmerged still clean up the worktree folder and
 * the record and say what they could not do, and the daemon start logs the true cause.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homeLayout } from '../../src/core/paths.js';
import { gitRunner } from '../../src/git/exec.js';
import { cleanupTemp, makeRepo, tempDir, rejectionOf } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { WRITER_PROVIDER } from '../helpers/coders.js';

const writer = WRITER_PROVIDER;

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

async function ended(repo: string, task = 'a.txt=A'): Promise<string> {
  const c = await tm!.manager.create({ task, repo, provider: 'writer' });
  await tm!.manager.wait(c.id, { for: 'terminal', timeout_ms: 30_000 });
  return c.id;
}

describe('repo gone', () => {
  it('repo gone (rm -rf): rm refuses with worktree_gone; rm --force deletes the folder and the record, with a note', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const id = await ended(repo);
    const ws = tm.manager.get(id).workspace;
    rmSync(repo, { recursive: true, force: true });

    const refused = await rejectionOf(tm.manager.control(id, { action: 'remove' }));
    expect(refused.code).toBe('worktree_gone');
    expect(refused.message).toMatch(new RegExp(`repository ${repo} is gone.*use force`));
    expect(existsSync(ws)).toBe(true);

    const r = await tm.manager.control(id, { action: 'remove', force: true });
    expect(r.removed).toBe(true);
    expect(r.removed && r.notes?.join()).toMatch(/is gone.*deleted the worktree folder.*branch/);
    expect(existsSync(ws)).toBe(false);
    expect(() => tm!.manager.get(id)).toThrow(/no coder|not found/i);
    // The last coder of the repository took worktrees/<repo>-<hash>/ with it.
    expect(existsSync(dirname(ws))).toBe(false);
    expect(readdirSync(homeLayout(tm.home).worktrees)).toEqual([]);
  });

  it('repo gone: gc keeps the coders and says why; gc --include-unmerged removes them with notes', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const a = await ended(repo, 'a.txt=A');
    const b = await ended(repo, 'b.txt=B');
    rmSync(repo, { recursive: true, force: true });

    const kept = await tm.manager.gc({});
    expect(kept.removed).toEqual([]);
    expect(kept.skipped.map((s) => s.reason).join()).toMatch(/is gone.*include_unmerged/);

    const gone = await tm.manager.gc({ include_unmerged: true });
    expect(gone.removed.map((i) => i.id).sort()).toEqual([a, b].sort());
    expect(gone.removed.every((i) => (i.notes ?? []).join().includes('is gone'))).toBe(true);
    expect(gone.skipped).toEqual([]);
    expect(readdirSync(homeLayout(tm.home).worktrees)).toEqual([]);
  });

  it('repo gone: the daemon start logs the true cause (not "is git installed?") and notes it on the coder', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const id = await ended(repo);
    rmSync(repo, { recursive: true, force: true });
    const again = await tm.restart();
    const text = JSON.stringify(tm.logs);
    expect(text).not.toMatch(/is git installed/);
    expect(text).toMatch(/does not exist \(deleted, moved or renamed\)/);
    expect(again.get(id).error).toMatch(/repository .* is gone/);
  });

  it('repo moved (renamed): diff and changes say the repository is gone, with the repair hint; rm --force works', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const id = await ended(repo);
    renameSync(repo, `${repo}-moved`);
    // One call at a time: a call made before the previous one is awaited would reject unhandled.
    for (const call of [
      () => tm!.manager.diff(id),
      () => tm!.manager.changes(id),
      () => tm!.manager.files(id),
    ]) {
      const e = await rejectionOf(call());
      expect(e.code).toBe('worktree_gone');
      expect(e.message).toMatch(/repository of worktree .* is gone.*git worktree repair/);
    }
    const c = await rejectionOf(tm.manager.commit(id, {}));
    expect(c.code).toBe('worktree_gone');
    const r = await tm.manager.control(id, { action: 'remove', force: true });
    expect(r.removed).toBe(true);
  });

  it('worktree folder deleted: diff, changes, files and commit say the worktree is gone (not "no such coder")', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const id = await ended(repo);
    rmSync(tm.manager.get(id).workspace, { recursive: true, force: true });
    for (const call of [
      () => tm!.manager.diff(id),
      () => tm!.manager.changes(id),
      () => tm!.manager.files(id),
      () => tm!.manager.commit(id, {}),
    ]) {
      const e = await rejectionOf(call());
      expect(e.code).toBe('worktree_gone');
      expect(e.message).toMatch(/worktree .* is gone/);
    }
    const r = await tm.manager.control(id, { action: 'remove', force: true });
    expect(r.removed).toBe(true);
  });

  it('worktrees/<repo>-<hash> stays while another coder of the repository has a worktree', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const a = await ended(repo, 'a.txt=A');
    const b = await ended(repo, 'b.txt=B');
    const dir = dirname(tm.manager.get(a).workspace);
    await tm.manager.control(a, { action: 'remove', force: true });
    expect(existsSync(dir)).toBe(true);
    await tm.manager.control(b, { action: 'remove', force: true });
    expect(existsSync(dir)).toBe(false);
  });

  it('git with a missing working directory names the directory, not git', async () => {
    const missing = join(tempDir(), 'nope');
    const e = await rejectionOf(gitRunner()(['status'], { cwd: missing }));
    expect(e.message).toContain(`directory ${missing} does not exist`);
    expect(e.message).not.toMatch(/is git installed/);
  });
});
