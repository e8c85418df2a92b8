/**
 * The git port's create/remove cycles, 4 at a time on one repo (git's own locks contend), leave the
 * repo and the home as they were. The time of a cycle is a bench figure (bench/create-rm.mjs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { leaked, leakSnapshot } from '../helpers/leaks.js';
import { scaled } from '../helpers/load.js';

const port = createGit();
afterAll(cleanupTemp);

const LANES = 4;
const PER_LANE = 5;

it(
  `${LANES * PER_LANE} create/remove cycles (${LANES} at a time) leak no worktree, branch, folder, process or fd`,
  async () => {
    const repo = makeRepo({ 'README.md': '# r\n', 'src/a.txt': 'a\n', 'src/b.txt': 'b\n' });
    const home = tempDir('aicoder-home-');
    const base = git(repo, 'rev-parse', 'HEAD');
    const before = leakSnapshot(repo, home);

    const lane = async (l: number) => {
      for (let i = 0; i < PER_LANE; i++) {
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
    await Promise.all(Array.from({ length: LANES }, (_, l) => lane(l)));

    expect(leaked(before, leakSnapshot(repo, home))).toEqual([]);
  },
  scaled(120_000),
);
