import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AicoderError } from '../../src/core/errors.js';
import type { RemoveWorktreeSpec } from '../../src/core/ports.js';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir, rejectionOf } from '../helpers/env.js';

const port = createGit();
afterAll(cleanupTemp);

/** What must be exactly as before after a failed create or a full create/remove cycle. */
function snapshot(repo: string) {
  return {
    worktrees: git(repo, 'worktree', 'list', '--porcelain'),
    branches: git(repo, 'branch', '--list', '--format=%(refname)'),
    adminDirs: existsSync(join(repo, '.git', 'worktrees'))
      ? readdirSync(join(repo, '.git', 'worktrees'))
      : [],
    status: git(repo, 'status', '--porcelain'),
  };
}

function setup() {
  const repo = makeRepo({ 'README.md': '# r\n', 'src/a.txt': 'a\n' });
  const home = tempDir('aicoder-home-');
  const base = git(repo, 'rev-parse', 'HEAD');
  return { repo, home, base, path: join(home, 'worktrees', 'r-1234', 'c1') };
}

function rmSpec(s: ReturnType<typeof setup>, over: Partial<RemoveWorktreeSpec> = {}): RemoveWorktreeSpec {
  return {
    repo: s.repo,
    path: s.path,
    branch: 'aicoder/c1',
    base_ref: 'main',
    base_commit: s.base,
    force: false,
    keep_branch: false,
    ...over,
  };
}

describe('createWorktree / removeWorktree', () => {
  it('creates branch + worktree at base_commit and removes both', async () => {
    const s = setup();
    const before = snapshot(s.repo);
    git(s.repo, 'commit', '-q', '--allow-empty', '-m', 'later'); // base is not the tip
    const before2 = snapshot(s.repo);
    await port.createWorktree({ repo: s.repo, base_commit: s.base, branch: 'aicoder/c1', path: s.path });
    expect(git(s.path, 'rev-parse', 'HEAD')).toBe(s.base);
    expect(git(s.path, 'symbolic-ref', '--short', 'HEAD')).toBe('aicoder/c1');
    expect(existsSync(join(s.path, 'src', 'a.txt'))).toBe(true);
    expect(git(s.repo, 'worktree', 'list', '--porcelain')).toContain(`worktree ${s.path}`);
    expect(git(s.repo, 'status', '--porcelain')).toBe(before.status);

    await port.removeWorktree(rmSpec(s));
    expect(existsSync(s.path)).toBe(false);
    expect(snapshot(s.repo)).toEqual(before2);
  });

  it('not a repo: not_a_repo, and nothing is created', async () => {
    const s = setup();
    const plain = tempDir();
    const e = await rejectionOf(
      port.createWorktree({ repo: plain, base_commit: s.base, branch: 'b', path: s.path }),
    );
    expect(e).toMatchObject({ code: 'not_a_repo', field: 'repo' });
    expect(e.message).toContain(plain);
    expect(existsSync(join(s.home, 'worktrees'))).toBe(false);
    const e2 = await rejectionOf(
      port.createWorktree({ repo: join(plain, 'nope'), base_commit: s.base, branch: 'b', path: s.path }),
    );
    expect(e2.code).toBe('not_a_repo');
  });

  it('unknown ref: unknown_ref naming it, nothing left behind', async () => {
    const s = setup();
    const before = snapshot(s.repo);
    const e = await rejectionOf(
      port.createWorktree({ repo: s.repo, base_commit: 'nope', branch: 'b', path: s.path }),
    );
    expect(e).toMatchObject({ code: 'unknown_ref', field: 'base_ref' });
    expect(e.message).toBe(`unknown ref 'nope' in ${s.repo}`);
    expect(snapshot(s.repo)).toEqual(before);
    expect(existsSync(join(s.home, 'worktrees'))).toBe(false);
  });

  it('existing branch: branch_exists, and the existing branch is kept', async () => {
    const s = setup();
    git(s.repo, 'branch', 'taken');
    const before = snapshot(s.repo);
    const e = await rejectionOf(
      port.createWorktree({ repo: s.repo, base_commit: s.base, branch: 'taken', path: s.path }),
    );
    expect(e).toMatchObject({ code: 'branch_exists', field: 'branch' });
    expect(e.message).toContain("'taken'");
    expect(snapshot(s.repo)).toEqual(before);
    expect(existsSync(join(s.home, 'worktrees'))).toBe(false);
  });

  it('invalid branch names: invalid_input naming branch, nothing left behind', async () => {
    const s = setup();
    const before = snapshot(s.repo);
    for (const bad of ['has space', '-f', 'a..b', 'x.lock', 'HEAD', '@{-1}', 'tail/', 'a:b', '']) {
      const e = await rejectionOf(
        port.createWorktree({ repo: s.repo, base_commit: s.base, branch: bad, path: s.path }),
      );
      expect(e, bad).toMatchObject({ code: 'invalid_input', field: 'branch' });
    }
    expect(snapshot(s.repo)).toEqual(before);
    expect(existsSync(join(s.home, 'worktrees'))).toBe(false);
  });

  it('a failure after git made branch and worktree (failing post-checkout hook) undoes all of it', async () => {
    const s = setup();
    const before = snapshot(s.repo);
    const hook = join(s.repo, '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, '#!/bin/sh\necho "hook refuses" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const e = await rejectionOf(
      port.createWorktree({ repo: s.repo, base_commit: s.base, branch: 'hb', path: s.path }),
    );
    expect(e.code).toBe('internal');
    expect(e.message).toContain('hook refuses');
    expect(snapshot(s.repo)).toEqual(before);
    expect(existsSync(s.path)).toBe(false);
    expect(existsSync(join(s.home, 'worktrees'))).toBe(false); // parents made for it are gone too
  });

  it('a path that cannot be created fails cleanly; an existing path is refused', async () => {
    const s = setup();
    const before = snapshot(s.repo);
    writeFileSync(join(s.home, 'file'), 'x');
    const e = await rejectionOf(
      port.createWorktree({
        repo: s.repo,
        base_commit: s.base,
        branch: 'pb',
        path: join(s.home, 'file', 'wt'),
      }),
    );
    expect(e.code).toBe('internal');
    expect(snapshot(s.repo)).toEqual(before);

    mkdirSync(s.path, { recursive: true });
    writeFileSync(join(s.path, 'keep.txt'), 'mine');
    const e2 = await rejectionOf(
      port.createWorktree({ repo: s.repo, base_commit: s.base, branch: 'pb', path: s.path }),
    );
    expect(e2).toMatchObject({ code: 'conflict', field: 'path' });
    expect(existsSync(join(s.path, 'keep.txt'))).toBe(true);
    expect(snapshot(s.repo)).toEqual(before);

    const e3 = await rejectionOf(
      port.createWorktree({ repo: s.repo, base_commit: s.base, branch: 'pb', path: 'rel/wt' }),
    );
    expect(e3).toMatchObject({ code: 'invalid_input', field: 'path' });
  });
});

describe('removeWorktree guards', () => {
  async function created() {
    const s = setup();
    const before = snapshot(s.repo);
    await port.createWorktree({ repo: s.repo, base_commit: s.base, branch: 'aicoder/c1', path: s.path });
    return { ...s, before };
  }

  it('refuses a dirty worktree (listing files) unless force', async () => {
    const s = await created();
    writeFileSync(join(s.path, 'src', 'a.txt'), 'changed\n');
    writeFileSync(join(s.path, 'new.txt'), 'new\n');
    const e = await rejectionOf(port.removeWorktree(rmSpec(s)));
    expect(e.code).toBe('dirty_worktree');
    expect(e.message).toContain('src/a.txt');
    expect(e.message).toContain('new.txt');
    expect(existsSync(join(s.path, 'new.txt'))).toBe(true);
    expect(git(s.repo, 'branch', '--list', 'aicoder/c1')).not.toBe('');

    await port.removeWorktree(rmSpec(s, { force: true }));
    expect(existsSync(s.path)).toBe(false);
    expect(snapshot(s.repo)).toEqual(s.before);
  });

  it('names renamed files and files with spaces or a line break as git does (details.files are paths)', async () => {
    const s = await created();
    git(s.path, 'mv', 'src/a.txt', 'src/b c.txt');
    writeFileSync(join(s.path, 'two\nlines.txt'), 'x\n');
    const e = (await port.removeWorktree(rmSpec(s)).catch((x: unknown) => x)) as AicoderError;
    expect(e.code).toBe('dirty_worktree');
    expect(e.message).toContain('R  src/a.txt -> src/b c.txt');
    expect(e.details?.files).toEqual(expect.arrayContaining(['src/b c.txt', 'two\nlines.txt']));
    expect(e.details?.files).toHaveLength(2);
  });

  it('ignored files alone do not make a worktree dirty', async () => {
    const s = await created();
    writeFileSync(join(s.path, '.gitignore'), 'node_modules/\n');
    git(s.path, 'add', '.gitignore');
    git(s.path, 'commit', '-q', '-m', 'ignore');
    mkdirSync(join(s.path, 'node_modules'));
    writeFileSync(join(s.path, 'node_modules', 'x.js'), '1');
    // The commit makes the branch unmerged; keep_branch skips that guard, the worktree goes.
    await port.removeWorktree(rmSpec(s, { keep_branch: true }));
    expect(existsSync(s.path)).toBe(false);
    expect(git(s.repo, 'branch', '--list', 'aicoder/c1')).toContain('aicoder/c1');
  });

  it('refuses a branch with commits not in base (saying how many) unless force', async () => {
    const s = await created();
    for (const n of [1, 2]) {
      writeFileSync(join(s.path, `f${n}.txt`), `${n}\n`);
      git(s.path, 'add', '-A');
      git(s.path, 'commit', '-q', '-m', `c${n}`);
    }
    const e = await rejectionOf(port.removeWorktree(rmSpec(s)));
    expect(e.code).toBe('unmerged_commits');
    expect(e.message).toContain('2 commits');
    expect(existsSync(s.path)).toBe(true);

    // Once base_ref's tip contains them, they are merged and rm goes through.
    git(s.repo, 'merge', '-q', '--ff-only', 'aicoder/c1');
    await port.removeWorktree(rmSpec(s));
    expect(existsSync(s.path)).toBe(false);
    expect(git(s.repo, 'branch', '--list', 'aicoder/c1')).toBe('');
  });

  it('force removes a worktree with unmerged commits and its branch', async () => {
    const s = await created();
    git(s.path, 'commit', '-q', '--allow-empty', '-m', 'work');
    await port.removeWorktree(rmSpec(s, { force: true }));
    expect(snapshot(s.repo)).toEqual(s.before);
    expect(existsSync(s.path)).toBe(false);
  });

  it('keep_branch removes the worktree and keeps the branch with its commits', async () => {
    const s = await created();
    git(s.path, 'commit', '-q', '--allow-empty', '-m', 'work');
    const tip = git(s.path, 'rev-parse', 'HEAD');
    await port.removeWorktree(rmSpec(s, { keep_branch: true }));
    expect(existsSync(s.path)).toBe(false);
    expect(git(s.repo, 'rev-parse', 'refs/heads/aicoder/c1')).toBe(tip);
    expect(git(s.repo, 'worktree', 'list', '--porcelain')).toBe(s.before.worktrees);
  });

  it('a worktree whose directory is already gone is unregistered and its branch deleted', async () => {
    const s = await created();
    rmSync(s.path, { recursive: true, force: true });
    await port.removeWorktree(rmSpec(s));
    expect(snapshot(s.repo)).toEqual(s.before);
    // Removing again (nothing left) is fine too.
    await port.removeWorktree(rmSpec(s));
    expect(snapshot(s.repo)).toEqual(s.before);
  });

  it('a locked worktree is refused without force and removed with it', async () => {
    const s = await created();
    git(s.repo, 'worktree', 'lock', s.path);
    const e = await rejectionOf(port.removeWorktree(rmSpec(s)));
    expect(e.code).toBe('conflict');
    await port.removeWorktree(rmSpec(s, { force: true }));
    expect(snapshot(s.repo)).toEqual(s.before);
  });

  it('a directory that is not a registered worktree is only deleted with force', async () => {
    const s = setup();
    mkdirSync(s.path, { recursive: true });
    writeFileSync(join(s.path, 'x'), 'x');
    const e = await rejectionOf(port.removeWorktree(rmSpec(s)));
    expect(e).toMatchObject({ code: 'conflict', field: 'path' });
    expect(existsSync(join(s.path, 'x'))).toBe(true);
    await port.removeWorktree(rmSpec(s, { force: true }));
    expect(existsSync(s.path)).toBe(false);
  });
});
