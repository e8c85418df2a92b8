/** gc (dry run lists, the real run removes only that), 100 create/rm cycles, and start-up reconciliation. */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { WRITER_PROVIDER } from '../helpers/coders.js';

const writer = WRITER_PROVIDER;

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

  it(
    '100 create/rm cycles leave git worktree list and git branch exactly as before',
    async () => {
      tm = await startTestManager({ providers: [writer] });
      const repo = makeRepo();
      const worktrees = git(repo, 'worktree', 'list', '--porcelain');
      const branches = git(repo, 'branch', '-a');
      const t0 = Date.now();
      for (let i = 0; i < 100; i++) {
        const c = await tm.manager.create({ task: `cycle ${i}`, repo, provider: 'writer', autostart: false });
        await tm.manager.control(c.id, { action: 'remove' });
      }
      const ms = Date.now() - t0;
      expect(git(repo, 'worktree', 'list', '--porcelain')).toBe(worktrees);
      expect(git(repo, 'branch', '-a')).toBe(branches);
      expect(tm.manager.list({}).total).toBe(0);
      // printed for the report: one create+rm cycle
      process.stdout.write(`100 create/rm cycles: ${ms} ms (${(ms / 100).toFixed(1)} ms each)\n`);
    },
    scaled(240_000),
  );

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
