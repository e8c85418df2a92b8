/**
 * Git never runs what an agent planted: a worktree's .git is verified before git runs in it, and the
 * configuration of every call cannot execute what the worktree's files select.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { gitRunner, hardenedArgs } from '../../src/git/exec.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { worktreePath } from '../../src/core/paths.js';

afterAll(cleanupTemp);

describe('git in an aicoder worktree', () => {
  let home: string;
  let repo: string;
  let ws: string;
  let marker: string;
  const run = () => gitRunner('git', { worktreeRoot: join(home, 'worktrees') });

  beforeEach(() => {
    home = tempDir('aicoder-home-');
    repo = makeRepo({ 'a.txt': 'a\n' });
    ws = worktreePath(home, repo, 'c1');
    mkdirSync(join(ws, '..'), { recursive: true });
    git(repo, 'worktree', 'add', '-q', '-b', 'aicoder/c1', ws);
    marker = join(tempDir('aicoder-marker-'), 'pwned');
  });

  it('works in a worktree git made, with the verified git dir', async () => {
    writeFileSync(join(ws, 'b.txt'), 'b\n');
    const r = await run()(['status', '--porcelain'], { cwd: ws });
    expect(r).toMatchObject({ exitCode: 0, stdout: '?? b.txt\n' });
    const d = await run()(['rev-parse', '--absolute-git-dir'], { cwd: ws });
    expect(d.stdout.trim()).toBe(join(repo, '.git', 'worktrees', 'c1'));
  });

  it('refuses a planted .git pointing at ./fake with core.fsmonitor, and runs nothing', async () => {
    // A fake git dir whose config runs a command on `git status`/`add`.
    const fake = join(ws, 'fake');
    git(ws, 'init', '-q', '--bare', fake);
    writeFileSync(join(fake, 'config'), `[core]\n\tfsmonitor = "touch ${marker}; echo"\n`);
    rmSync(join(ws, '.git'));
    writeFileSync(join(ws, '.git'), 'gitdir: ./fake\n');
    for (const args of [['add', '-A'], ['status'], ['diff', 'HEAD']]) {
      await expect(run()(args, { cwd: ws })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('.git points inside the worktree'),
      });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('simple-git runs with the verified git dir, and refuses a planted .git like the runner', async () => {
    writeFileSync(join(ws, 'b.txt'), 'b\n');
    const st = await (await run().simple(ws)).status();
    expect(st.files.map((f) => f.path)).toEqual(['b.txt']);
    const fake = join(ws, 'fake');
    git(ws, 'init', '-q', '--bare', fake);
    writeFileSync(join(fake, 'config'), `[core]\n\tfsmonitor = "touch ${marker}; echo"\n`);
    rmSync(join(ws, '.git'));
    writeFileSync(join(ws, '.git'), 'gitdir: ./fake\n');
    await expect(run().simple(ws)).rejects.toMatchObject({ code: 'conflict' });
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses .git as a folder, as a symlink, pointing at another worktree or at the main git dir', async () => {
    const other = worktreePath(home, repo, 'c2');
    git(repo, 'worktree', 'add', '-q', '-b', 'aicoder/c2', other);
    writeFileSync(join(ws, '.git'), `gitdir: ${join(repo, '.git', 'worktrees', 'c2')}\n`);
    await expect(run()(['status'], { cwd: ws })).rejects.toThrow(/does not point back/);
    writeFileSync(join(ws, '.git'), `gitdir: ${join(repo, '.git')}\n`);
    await expect(run()(['status'], { cwd: ws })).rejects.toThrow(/not a worktrees\/ entry/);
    rmSync(join(ws, '.git'));
    git(ws, 'init', '-q');
    await expect(run()(['status'], { cwd: join(ws) })).rejects.toThrow(/\.git is a folder/);
    // A subdirectory is checked as its worktree.
    mkdirSync(join(ws, 'sub'));
    await expect(run()(['status'], { cwd: join(ws, 'sub') })).rejects.toThrow(/tampered/);
  });

  it('refuses a worktree whose admin folder was made to point back by another repository', async () => {
    // Another repository's worktree, moved under this repository's folder name.
    const repo2 = makeRepo();
    const ws2 = join(ws, '..', 'c3');
    git(repo2, 'worktree', 'add', '-q', '-b', 'x', ws2);
    await expect(run()(['status'], { cwd: ws2 })).rejects.toThrow(/another repository/);
  });
});

describe('hardened configuration', () => {
  it('turns off fsmonitor everywhere, hooks for reads, and external diff and textconv for diffs', () => {
    expect(hardenedArgs(['status', '-z'])).toEqual([
      '-c',
      'core.quotepath=false',
      '-c',
      'core.fsmonitor=false',
      '-c',
      'core.hooksPath=/dev/null',
      'status',
      '-z',
    ]);
    expect(hardenedArgs(['diff', 'HEAD', '--', 'a'])).toContain('--no-ext-diff');
    expect(hardenedArgs(['diff', 'HEAD', '--', 'a']).slice(-5)).toEqual([
      '--no-ext-diff',
      '--no-textconv',
      'HEAD',
      '--',
      'a',
    ]);
    expect(hardenedArgs(['commit', '-m', 'x'])).not.toContain('core.hooksPath=/dev/null');
  });

  it('a user-level fsmonitor, external diff and textconv driver selected by .gitattributes do not run', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const marker = join(tempDir('aicoder-marker-'), 'ran');
    git(repo, 'config', 'core.fsmonitor', `touch ${marker}-fsmonitor; echo`);
    git(repo, 'config', 'diff.external', `sh -c 'touch ${marker}-ext'`);
    git(repo, 'config', 'diff.evil.textconv', `sh -c 'touch ${marker}-textconv; cat "$0"'`);
    writeFileSync(join(repo, '.gitattributes'), 'a.txt diff=evil\n');
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    const r = gitRunner();
    expect((await r(['diff', 'HEAD'], { cwd: repo })).exitCode).toBe(0);
    expect((await r(['status', '--porcelain'], { cwd: repo })).exitCode).toBe(0);
    expect((await r(['log', '-p', '-1'], { cwd: repo })).exitCode).toBe(0);
    for (const s of ['-fsmonitor', '-ext', '-textconv']) expect(existsSync(marker + s)).toBe(false);
  });

  it("simple-git gets the runner's settings and environment: no fsmonitor, no hooks, no caller's GIT_DIR", async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const other = makeRepo({ 'elsewhere.txt': 'x\n' });
    const marker = join(tempDir('aicoder-marker-'), 'ran');
    git(repo, 'config', 'core.fsmonitor', `touch ${marker}-fsmonitor; echo`);
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    const saved = { dir: process.env.GIT_DIR, pager: process.env.PAGER };
    process.env.GIT_DIR = join(other, '.git');
    process.env.PAGER = `touch ${marker}-pager`; // simple-git refuses PAGER unless allowed
    try {
      const st = await (await gitRunner().simple(repo)).status();
      expect(st.files.map((f) => [f.path, f.working_dir])).toEqual([['a.txt', 'M']]);
    } finally {
      for (const [k, v] of [
        ['GIT_DIR', saved.dir],
        ['PAGER', saved.pager],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    for (const s of ['-fsmonitor', '-pager']) expect(existsSync(marker + s)).toBe(false);
  });
});
