/**
 * gc (dry run lists, the real run removes only that), create/rm cycles that leak nothing, and
 * start-up reconciliation.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { leaked, leakSnapshot } from '../helpers/leaks.js';
import { scaled } from '../helpers/load.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { WRITER_PROVIDER } from '../helpers/coders.js';

const writer = WRITER_PROVIDER;
/** Enough cycles that a leak of one thing per cycle stands out from the warm-up's noise. */
const CYCLES = 20;

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

async function ended(task: string, repo: string): Promise<string> {
  const c = await tm!.manager.create({ task, repo, provider: 'writer' });
  await tm!.manager.wait(c.id, { for: 'terminal', timeout_ms: scaled(20_000) });
  return c.id;
}

describe('cleanup', () => {
  it('gc --dry-run lists; gc removes exactly what it listed', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const merged = await ended('a.txt=A', repo);
    await tm.manager.commit(merged, {});
    await tm.manager.merge(merged, {});
    const dirty = await ended('b.txt=B', repo); // uncommitted work
    const committed = await ended('c.txt=C', repo);
    await tm.manager.commit(committed, {});
    const idle = await tm.manager.create({ task: 'x=y', repo, provider: 'writer', autostart: false });

    const dry = await tm.manager.gc({ dry_run: true });
    expect(dry.removed.map((i) => i.id)).toEqual([merged]);
    expect(dry.skipped.map((i) => i.id).sort()).toEqual([dirty, committed].sort());
    expect(tm.manager.list({}).total).toBe(4);

    const real = await tm.manager.gc({});
    expect(real.removed).toEqual(dry.removed);
    expect(real.pruned).toEqual([repo]);
    expect(
      tm.manager
        .list({})
        .coders.map((c) => c.id)
        .sort(),
    ).toEqual([dirty, committed, idle.id].sort());

    const tooNew = await tm.manager.gc({ include_unmerged: true, older_than_ms: 3_600_000, dry_run: true });
    expect(tooNew.removed).toEqual([]);
    const dryAll = await tm.manager.gc({ include_unmerged: true, dry_run: true });
    expect(dryAll.removed.map((i) => i.id).sort()).toEqual([dirty, committed].sort());
    const all = await tm.manager.gc({ include_unmerged: true });
    expect(all.removed).toEqual(dryAll.removed);
    expect(tm.manager.list({}).coders.map((c) => c.id)).toEqual([idle.id]);
    expect(git(repo, 'branch', '--list', 'aicoder/*', '--format=%(refname:short)')).toBe(idle.branch);
  });

  // The time of a cycle is a bench figure (bench/create-rm.mjs beside git's own floor), not a test.
  it(
    `${CYCLES} create/rm cycles leak nothing: worktrees, branches, folders, db rows, processes, fds`,
    async () => {
      tm = await startTestManager({ providers: [writer] });
      const repo = makeRepo();
      const initial = leakSnapshot(repo, tm.home);
      const cycle = async (i: number) => {
        const c = await tm!.manager.create({
          task: `cycle ${i}`,
          repo,
          provider: 'writer',
          autostart: false,
        });
        expect(existsSync(c.workspace)).toBe(true);
        await tm!.manager.control(c.id, { action: 'remove' });
      };
      // A warm-up cycle first: what the manager opens once and keeps (a lazily loaded library) is
      // not a leak; what each cycle leaves is.
      await cycle(0);
      const before = leakSnapshot(repo, tm.home);
      expect(leaked(initial, before, Infinity)).toEqual([]);
      for (let i = 1; i <= CYCLES; i++) await cycle(i);
      expect(leaked(before, leakSnapshot(repo, tm.home))).toEqual([]);
      expect(tm.manager.list({}).total).toBe(0);
    },
    scaled(120_000),
  );

  it('the leak check names each kind of leftover (one of each left on purpose)', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const before = leakSnapshot(repo, tm.home);
    await tm.manager.create({ task: 'left', repo, provider: 'writer', autostart: false });
    const fds = Array.from({ length: 5 }, () => openSync(join(repo, 'README.md'), 'r'));
    const child = spawn('sleep', ['60'], { cwd: repo, stdio: 'ignore' });
    try {
      await waitFor(() => leakSnapshot(repo, tm!.home).processes.includes(child.pid!), {
        what: 'sleep in repo',
      });
      expect(leaked(before, leakSnapshot(repo, tm.home))).toEqual([
        expect.stringMatching(/^git worktree list:/),
        expect.stringMatching(/^git branch -a:.*aicoder\//s),
        expect.stringMatching(/^\.git\/worktrees: /),
        expect.stringMatching(/^home worktrees\/: /),
        'db table coders: 0 → 1 rows',
        `processes in the home or repo: ${child.pid}`,
        expect.stringMatching(/^open fds: \d+ → \d+$/),
      ]);
    } finally {
      child.kill('SIGKILL');
      for (const fd of fds) closeSync(fd);
    }
  });

  it('on start, vanished worktree directories are pruned and noted on their coders', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo();
    const c = await tm.manager.create({ task: 'x=y', repo, provider: 'writer', autostart: false });
    rmSync(c.workspace, { recursive: true, force: true });
    expect(git(repo, 'worktree', 'list')).toContain(c.workspace);
    const m2 = await tm.restart();
    expect(git(repo, 'worktree', 'list')).not.toContain(c.workspace);
    expect(m2.get(c.id).error).toMatch(/worktree directory .* is gone/);
    // and it can still be removed (branch deleted)
    await m2.control(c.id, { action: 'remove', force: true });
    expect(git(repo, 'branch', '--list', c.branch)).toBe('');
  });

  it('disk reports the worktree size on demand', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'big.bin': 'x'.repeat(200_000) });
    const c = await tm.manager.create({ task: 'x=y', repo, provider: 'writer', autostart: false });
    const [d] = await tm.manager.disk([c.id]);
    expect(d!.id).toBe(c.id);
    expect(d!.bytes).toBeGreaterThanOrEqual(200_000);
  });
});
