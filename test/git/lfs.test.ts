/**
 * Git LFS when creating worktrees: with git-lfs installed files are smudged; without it (PATH without
 * git-lfs, nothing uninstalled) the worktree is still made, LFS files stay pointer files and the
 * coder carries a warning naming git-lfs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { pathWithout, withPath } from '../helpers/path-without.js';

const hasLfs = (() => {
  try {
    execFileSync('git', ['lfs', 'version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const BLOB = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256));

afterAll(cleanupTemp);

/** A repo with `git lfs install --local` (filter.lfs.required=true) and data.bin stored in LFS. */
function lfsRepo(): string {
  const repo = makeRepo({ 'README.md': '# lfs\n' });
  git(repo, 'lfs', 'install', '--local');
  git(repo, 'lfs', 'track', '*.bin');
  execFileSync('bash', ['-c', 'cat > data.bin'], { cwd: repo, input: BLOB });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'lfs file');
  expect(git(repo, 'config', 'filter.lfs.required')).toBe('true');
  return repo;
}

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).

describe.skipIf(!hasLfs)('lfs', () => {
  it('lfs missing, filter required: create makes the worktree with pointer files and warns naming git-lfs', async () => {
    const repo = lfsRepo();
    const noLfs = pathWithout('git-lfs');
    await withPath(noLfs, async () => {
      tm = await startTestManager();
      const c = await tm.manager.create({ task: 'x', repo, provider: 'claude', autostart: false });
      expect(readFileSync(join(c.workspace, 'data.bin'), 'utf8')).toMatch(/^version https:\/\/git-lfs/);
      expect(c.warnings).toHaveLength(1);
      expect(c.warnings[0]).toMatch(/git-lfs is not installed: 1 LFS file is a pointer file .*data\.bin/);
      expect(tm.manager.get(c.id).warnings).toEqual(c.warnings);
      // The user's configuration is untouched.
      expect(git(repo, 'config', 'filter.lfs.required')).toBe('true');
      expect(git(repo, 'config', 'filter.lfs.process')).toBe('git-lfs filter-process');
    });
  });

  it('lfs missing, attributes only (filter never configured): pointer files and a warning', async () => {
    const repo = lfsRepo();
    for (const k of ['filter.lfs.required', 'filter.lfs.process', 'filter.lfs.smudge', 'filter.lfs.clean']) {
      git(repo, 'config', '--unset', k);
    }
    const noLfs = pathWithout('git-lfs');
    await withPath(noLfs, async () => {
      const port = createGit();
      const path = join(tempDir('aicoder-home-'), 'wt');
      const made = await port.createWorktree({ repo, base_commit: 'HEAD', branch: 'aicoder/l2', path });
      expect(made.warnings.join()).toMatch(/git-lfs is not installed/);
      expect(readFileSync(join(path, 'data.bin'), 'utf8')).toMatch(/^version https:\/\/git-lfs/);
    });
  });

  it('lfs missing, repo without LFS files: no warning', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    await withPath(pathWithout('git-lfs'), async () => {
      const path = join(tempDir('aicoder-home-'), 'wt');
      const made = await createGit().createWorktree({ repo, base_commit: 'HEAD', branch: 'b', path });
      expect(made.warnings).toEqual([]);
    });
  });

  it('lfs installed: files are smudged as usual and there is no warning', async () => {
    const repo = lfsRepo();
    const path = join(tempDir('aicoder-home-'), 'wt');
    const made = await createGit().createWorktree({ repo, base_commit: 'HEAD', branch: 'aicoder/l4', path });
    expect(made.warnings).toEqual([]);
    expect(readFileSync(join(path, 'data.bin'))).toEqual(BLOB);
  });

  it('lfs missing: diff and changes of the pointer-file worktree work and show the agent edits', async () => {
    const repo = lfsRepo();
    await withPath(pathWithout('git-lfs'), async () => {
      tm = await startTestManager();
      const c = await tm.manager.create({ task: 'x', repo, provider: 'claude', autostart: false });
      execFileSync('bash', ['-c', 'echo more >> README.md'], { cwd: c.workspace });
      expect(await tm.manager.diff(c.id)).toContain('+more');
      const ch = (await tm.manager.changes(c.id)).changes;
      expect(ch.map((x) => x.path)).toEqual(['README.md']);
    });
  });
});
