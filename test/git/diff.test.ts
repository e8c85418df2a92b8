import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';

const port = createGit();
const changesOf = async (ws: string, base: string) => (await port.changes(ws, base)).changes;
afterAll(cleanupTemp);

/** A worktree at base with every kind of change on top of it. */
async function scenario() {
  const repo = makeRepo({
    'README.md': '# r\n',
    'keep.txt': 'same\n',
    'mod.txt': 'one\ntwo\nthree\n',
    'gone.txt': 'bye\n',
    'staged.txt': 'before\n',
    'old-name.txt': 'a long enough body\nfor rename detection\nto work well\n',
    'img.bin': Buffer.from([0, 1, 2, 3, 0, 255]).toString('binary'),
    '.gitignore': 'ignored.log\nbuild/\n',
  });
  const base = git(repo, 'rev-parse', 'HEAD');
  const wt = join(tempDir('aicoder-home-'), 'wt');
  await port.createWorktree({ repo, base_commit: base, branch: 'aicoder/d', path: wt });
  // committed on the branch
  writeFileSync(join(wt, 'committed.txt'), 'c1\nc2\n');
  git(wt, 'add', 'committed.txt');
  git(wt, 'commit', '-q', '-m', 'work');
  // staged
  writeFileSync(join(wt, 'staged.txt'), 'after\n');
  git(wt, 'add', 'staged.txt');
  // unstaged
  writeFileSync(join(wt, 'mod.txt'), 'one\nTWO\nthree\nfour\n');
  // deleted (unstaged)
  rmSync(join(wt, 'gone.txt'));
  // renamed (staged)
  git(wt, 'mv', 'old-name.txt', 'new-name.txt');
  // untracked, binary modified, ignored
  mkdirSync(join(wt, 'sub'));
  writeFileSync(join(wt, 'sub', 'untracked.txt'), 'u1\nu2\nu3\n');
  writeFileSync(join(wt, 'img.bin'), Buffer.from([0, 9, 9, 9, 0, 1, 2]));
  writeFileSync(join(wt, 'ignored.log'), 'noise\n');
  mkdirSync(join(wt, 'build'));
  writeFileSync(join(wt, 'build', 'out.js'), 'x\n');
  return { repo, base, wt };
}

function userState(wt: string) {
  const indexPath = resolve(wt, git(wt, 'rev-parse', '--git-path', 'index'));
  const bytes = readFileSync(indexPath);
  return {
    index: createHash('sha256').update(bytes).digest('hex'),
    indexMtime: statSync(indexPath).mtimeMs,
    head: git(wt, 'rev-parse', 'HEAD'),
    branch: git(wt, 'symbolic-ref', 'HEAD'),
  };
}

describe('diff and changes', () => {
  it('cover committed, staged, unstaged, untracked, deleted, renamed and binary; not ignored files', async () => {
    const { base, wt } = await scenario();
    const statusBefore = git(wt, 'status', '--porcelain');
    const before = userState(wt); // after status: its index refresh must not count against us

    const d = await port.diff(wt, base);
    const ch = await changesOf(wt, base);

    expect(userState(wt)).toEqual(before);
    expect(git(wt, 'status', '--porcelain')).toBe(statusBefore);

    expect(d).toContain('diff --git a/committed.txt b/committed.txt');
    expect(d).toContain('+c1');
    expect(d).toContain('-before\n+after');
    expect(d).toContain('-two\n+TWO');
    expect(d).toContain('+four');
    expect(d).toContain('diff --git a/gone.txt b/gone.txt\ndeleted file mode');
    expect(d).toContain('rename from old-name.txt\nrename to new-name.txt');
    expect(d).toContain('diff --git a/sub/untracked.txt b/sub/untracked.txt\nnew file mode');
    expect(d).toContain('Binary files a/img.bin and b/img.bin differ');
    expect(d).not.toContain('ignored.log');
    expect(d).not.toContain('build/out.js');
    expect(d).not.toContain('keep.txt');

    expect(ch).toEqual([
      { path: 'committed.txt', status: 'added', insertions: 2, deletions: 0 },
      { path: 'gone.txt', status: 'deleted', insertions: 0, deletions: 1 },
      { path: 'img.bin', status: 'modified', insertions: 0, deletions: 0 },
      { path: 'mod.txt', status: 'modified', insertions: 2, deletions: 1 },
      { path: 'new-name.txt', status: 'renamed', insertions: 0, deletions: 0, from: 'old-name.txt' },
      { path: 'staged.txt', status: 'modified', insertions: 1, deletions: 1 },
      { path: 'sub/untracked.txt', status: 'untracked', insertions: 3, deletions: 0 },
    ]);
  });

  it('a clean worktree at base has an empty diff and no changes', async () => {
    const repo = makeRepo();
    const base = git(repo, 'rev-parse', 'HEAD');
    expect(await port.diff(repo, base)).toBe('');
    expect(await changesOf(repo, base)).toEqual([]);
  });

  it('paths with spaces and non-ASCII characters come out unquoted', async () => {
    const repo = makeRepo();
    const base = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, 'héllo wörld.txt'), 'x\n');
    const ch = await changesOf(repo, base);
    expect(ch).toEqual([{ path: 'héllo wörld.txt', status: 'untracked', insertions: 1, deletions: 0 }]);
    expect(await port.diff(repo, base)).toContain('b/héllo wörld.txt');
  });

  it('works in the main checkout too and leaves its index alone', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, 'a.txt'), 'b\n');
    writeFileSync(join(repo, 'n.txt'), 'n\n');
    const before = userState(repo);
    expect((await changesOf(repo, base)).map((c) => c.path)).toEqual(['a.txt', 'n.txt']);
    expect(userState(repo)).toEqual(before);
    expect(git(repo, 'status', '--porcelain')).toBe('M a.txt\n?? n.txt'); // helper trims
  });

  it('bad base and bad workspace give clear errors', async () => {
    const repo = makeRepo();
    await expect(port.diff(repo, 'nope')).rejects.toMatchObject({
      code: 'unknown_ref',
      field: 'base_commit',
    });
    await expect(port.changes(repo, '-p')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(port.diff(join(repo, 'missing'), 'HEAD')).rejects.toMatchObject({ code: 'worktree_gone' });
    await expect(port.diff(tempDir(), 'HEAD')).rejects.toMatchObject({ code: 'not_a_repo' });
  });
});
