import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir, rejectionOf } from '../helpers/env.js';

const port = createGit();
afterAll(cleanupTemp);

describe('toplevel', () => {
  it('returns the realpath of the repository root from a subdirectory and through a symlink', async () => {
    const repo = makeRepo({ 'src/a.txt': 'a\n' });
    expect(await port.toplevel(join(repo, 'src'))).toBe(realpathSync(repo));
    const link = join(tempDir(), 'link');
    symlinkSync(repo, link);
    expect(await port.toplevel(link)).toBe(realpathSync(repo));
  });

  it('rejects a plain directory and a missing one with not_a_repo naming the path', async () => {
    const plain = tempDir();
    const e1 = await rejectionOf(port.toplevel(plain));
    expect(e1).toMatchObject({ code: 'not_a_repo', field: 'repo' });
    expect(e1.message).toBe(`not a git repository: ${plain}`);
    const e2 = await rejectionOf(port.toplevel(join(plain, 'missing')));
    expect(e2.code).toBe('not_a_repo');
    expect(e2.message).toContain(join(plain, 'missing'));
  });
});

describe('headRef', () => {
  it('names the branch, or the commit when detached', async () => {
    const repo = makeRepo();
    expect(await port.headRef(repo)).toBe('main');
    git(repo, 'checkout', '-q', '-b', 'feature/x');
    expect(await port.headRef(repo)).toBe('feature/x');
    const sha = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '--detach');
    expect(await port.headRef(repo)).toBe(sha);
  });

  it('says a repository without commits has none', async () => {
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    const e = await rejectionOf(port.headRef(dir));
    expect(e.code).toBe('unknown_ref');
    expect(e.message).toContain('has no commits');
    expect((await rejectionOf(port.headRef(tempDir()))).code).toBe('not_a_repo');
  });
});

describe('resolveCommit', () => {
  it('resolves branches, tags, short ids and HEAD~n to full commit ids', async () => {
    const repo = makeRepo();
    const first = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'tag', '-a', 'v1', '-m', 'annotated');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    const second = git(repo, 'rev-parse', 'HEAD');
    expect(await port.resolveCommit(repo, 'main')).toBe(second);
    expect(await port.resolveCommit(repo, 'HEAD~1')).toBe(first);
    expect(await port.resolveCommit(repo, 'v1')).toBe(first); // annotated tag peeled to its commit
    expect(await port.resolveCommit(repo, first.slice(0, 8))).toBe(first);
  });

  it('rejects unknown refs, option-like refs and non-repos with the right codes', async () => {
    const repo = makeRepo();
    const e = await rejectionOf(port.resolveCommit(repo, 'nope'));
    expect(e).toMatchObject({
      code: 'unknown_ref',
      field: 'base_ref',
      message: `unknown ref 'nope' in ${repo}`,
    });
    const tree = git(repo, 'rev-parse', 'HEAD^{tree}');
    expect((await rejectionOf(port.resolveCommit(repo, tree))).code).toBe('unknown_ref');
    const opt = await rejectionOf(port.resolveCommit(repo, '--output=/tmp/x'));
    expect(opt).toMatchObject({ code: 'invalid_input', field: 'base_ref' });
    expect((await rejectionOf(port.resolveCommit(repo, ''))).code).toBe('invalid_input');
    expect((await rejectionOf(port.resolveCommit(tempDir(), 'HEAD'))).code).toBe('not_a_repo');
  });
});

describe('branchExists', () => {
  it('tells existing from missing branches and rejects invalid names', async () => {
    const repo = makeRepo();
    git(repo, 'branch', 'feature/y');
    mkdirSync(join(repo, 'sub'));
    expect(await port.branchExists(repo, 'main')).toBe(true);
    expect(await port.branchExists(repo, 'feature/y')).toBe(true);
    expect(await port.branchExists(repo, 'feature')).toBe(false);
    for (const bad of ['has space', '-x', 'a..b', 'HEAD', '@{-1}', 'x.lock', '']) {
      expect((await rejectionOf(port.branchExists(repo, bad))).code, bad).toBe('invalid_input');
    }
  });
});
