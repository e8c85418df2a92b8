import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

const port = createGit();
afterAll(cleanupTemp);

it(
  '100 create/remove cycles (4 at a time) leave worktree list and branches exactly as before',
  async () => {
    const repo = makeRepo({ 'README.md': '# r\n', 'src/a.txt': 'a\n', 'src/b.txt': 'b\n' });
    const home = tempDir('aicoder-home-');
    const base = git(repo, 'rev-parse', 'HEAD');
    const worktreesBefore = git(repo, 'worktree', 'list', '--porcelain');
    const branchesBefore = git(repo, 'branch', '--list');

    const started = Date.now();
    const lane = async (l: number) => {
      for (let i = 0; i < 25; i++) {
        const id = `c${l}-${i}`;
        const path = join(home, 'worktrees', 'repo-abcd', id);
        const branch = `aicoder/${id}`;
        await port.createWorktree({ repo, base_commit: base, branch, path });
        expect(existsSync(join(path, 'src', 'a.txt'))).toBe(true);
        // Every other cycle leaves some work behind that force has to remove.
        if (i % 2 === 1) git(path, 'commit', '-q', '--allow-empty', '-m', 'w');
        await port.removeWorktree({
          repo,
          path,
          branch,
          base_ref: 'main',
          base_commit: base,
          force: i % 2 === 1,
          keep_branch: false,
        });
        expect(existsSync(path)).toBe(false);
      }
    };
    await Promise.all([0, 1, 2, 3].map(lane));
    const ms = Date.now() - started;
    console.log(`100 create/remove cycles: ${ms} ms (${(ms / 100).toFixed(1)} ms per cycle, 4 concurrent)`);

    expect(git(repo, 'worktree', 'list', '--porcelain')).toBe(worktreesBefore);
    expect(git(repo, 'branch', '--list')).toBe(branchesBefore);
    const admin = join(repo, '.git', 'worktrees');
    expect(existsSync(admin) ? readdirSync(admin) : []).toEqual([]);
    expect(readdirSync(join(home, 'worktrees', 'repo-abcd'))).toEqual([]);
  },
  scaled(240_000),
); // 100 cycles of real git: several hundred git processes, slow on a loaded machine
