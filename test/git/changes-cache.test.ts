/**
 * A repeated `changes` on an unchanged worktree is answered from the last list (git/changes-cache.ts,
 * workspace/tree-clock.ts), and never when something changed: a file written, rewritten with the
 * same size, removed, or made in a new directory right before the call shows in that call; so do a
 * change of the worktree's index and of its info/exclude. A changed `.gitignore` or a tree with more
 * directories than the clock watches turns the reuse off. "Computed" is seen as a `git add` call.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GitPort } from '../../src/core/ports.js';
import { gitRunner } from '../../src/git/exec.js';
import { createGit } from '../../src/git/index.js';
import { createTreeClock, type TreeClock } from '../../src/workspace/tree-clock.js';
import { cleanupTemp, git, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { gitCalls, loggingGit } from './logging-git.js';

const clocks: TreeClock[] = [];
afterAll(() => {
  for (const c of clocks) c.close();
  cleanupTemp();
});

interface Setup {
  port: GitPort;
  wt: string;
  base: string;
  clock: TreeClock;
  /** How many times the list was computed since the last call of computed(). */
  computed: () => number;
}

async function setup(maxDirs?: number): Promise<Setup> {
  const repo = makeRepo({ 'a.txt': 'aaa\n', 'dir/b.txt': 'b\n', 'dir/sub/c.txt': 'c\n' });
  const base = git(repo, 'rev-parse', 'HEAD');
  const wt = join(tempDir(), 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', `t-${clocks.length}`, wt, base);
  const { bin, log } = loggingGit();
  const clock = createTreeClock({ git: gitRunner(), ...(maxDirs === undefined ? {} : { maxDirs }) });
  clocks.push(clock);
  const port = createGit({ gitBinary: bin, changeClock: clock });
  // The first call starts the worktree's watches; reuse starts once they are set up.
  await port.changes(wt, base);
  await waitFor(async () => (await clock.token(wt)) !== null || maxDirs !== undefined, {
    what: 'the clock watches the worktree',
  });
  let seen = 0;
  const computed = (): number => {
    const n = gitCalls(log).filter((c) => c.sub === 'add').length;
    const d = n - seen;
    seen = n;
    return d;
  };
  computed();
  return { port, wt, base, clock, computed };
}

/** Waits until a call is answered from the kept list (new directories' watches are in place). */
async function untilReused(s: Setup): Promise<void> {
  await waitFor(
    async () => {
      await listed(s);
      s.computed();
      await listed(s);
      return s.computed() === 0;
    },
    { what: 'a call answered from the kept list' },
  );
}

const listed = async (s: Setup): Promise<string[]> =>
  (await s.port.changes(s.wt, s.base)).changes.map((c) => `${c.status} ${c.path}`);

describe('changes answered from the last list while nothing changed', () => {
  it('reuses the list on an unchanged tree; a change right before a call shows in it', async () => {
    const s = await setup();
    expect(await listed(s)).toEqual([]);
    expect(s.computed()).toBe(1);
    expect(await listed(s)).toEqual([]);
    expect(await listed(s)).toEqual([]);
    expect(s.computed()).toBe(0);

    writeFileSync(join(s.wt, 'new.txt'), 'new\n');
    expect(await listed(s)).toEqual(['untracked new.txt']);
    expect(s.computed()).toBe(1);

    writeFileSync(join(s.wt, 'a.txt'), 'AAA\n'); // same size
    expect(await listed(s)).toEqual(['modified a.txt', 'untracked new.txt']);

    mkdirSync(join(s.wt, 'fresh', 'deep'), { recursive: true });
    writeFileSync(join(s.wt, 'fresh', 'deep', 'd.txt'), 'd\n');
    expect(await listed(s)).toEqual(['modified a.txt', 'untracked fresh/deep/d.txt', 'untracked new.txt']);
    // A file in the new directory after its watch was added.
    await untilReused(s);
    writeFileSync(join(s.wt, 'fresh', 'deep', 'e.txt'), 'e\n');
    expect(await listed(s)).toContain('untracked fresh/deep/e.txt');

    // A directory removed and made again: its old watches see nothing, the new ones do.
    rmSync(join(s.wt, 'fresh'), { recursive: true });
    mkdirSync(join(s.wt, 'fresh', 'deep'), { recursive: true });
    expect((await listed(s)).some((l) => l.includes('fresh/'))).toBe(false);
    await untilReused(s);
    writeFileSync(join(s.wt, 'fresh', 'deep', 'f.txt'), 'f\n');
    expect(await listed(s)).toContain('untracked fresh/deep/f.txt');

    rmSync(join(s.wt, 'dir', 'sub', 'c.txt'));
    expect(await listed(s)).toContain('deleted dir/sub/c.txt');

    // The index: a staged file is `added`, no longer `untracked`.
    git(s.wt, 'add', 'new.txt');
    expect(await listed(s)).toContain('added new.txt');

    // info/exclude in the repository's git dir, outside the worktree.
    await listed(s);
    s.computed();
    writeFileSync(join(git(s.wt, 'rev-parse', '--git-common-dir'), 'info', 'exclude'), 'fresh/\n');
    const after = await listed(s);
    expect(after.some((l) => l.includes('fresh/'))).toBe(false);
    expect(s.computed()).toBe(1);
  });

  it('stops reusing after a .gitignore changes', async () => {
    const s = await setup();
    await listed(s);
    await listed(s);
    s.computed();
    writeFileSync(join(s.wt, '.gitignore'), 'x\n');
    expect(await listed(s)).toEqual(['untracked .gitignore']);
    expect(await listed(s)).toEqual(['untracked .gitignore']);
    expect(s.computed()).toBe(2);
    expect(await s.clock.token(s.wt)).toBeNull();
  });

  it('never reuses when the tree has more directories than the clock watches', async () => {
    const s = await setup(1);
    await listed(s);
    await listed(s);
    expect(s.computed()).toBe(2);
    expect(await s.clock.token(s.wt)).toBeNull();
  });
});
