import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createWorkspace } from '../../src/workspace/index.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';

const ws = createWorkspace();
afterAll(cleanupTemp);

it('lists tracked and untracked-not-ignored files with sizes, skipping deleted and ignored ones', async () => {
  const repo = makeRepo({
    'README.md': '# r\n',
    'src/a.txt': 'hello\n',
    'gone.txt': 'x',
    '.gitignore': 'dist/\n*.log\n',
  });
  rmSync(join(repo, 'gone.txt'));
  writeFileSync(join(repo, 'new file.txt'), '12345');
  writeFileSync(join(repo, 'debug.log'), 'noise');
  mkdirSync(join(repo, 'dist'));
  writeFileSync(join(repo, 'dist', 'out.js'), 'x');
  symlinkSync('src/a.txt', join(repo, 'link'));
  git(repo, 'add', 'link');
  const { files } = await ws.list(repo);
  expect(files).toEqual([
    { path: '.gitignore', size: 12, tracked: true },
    { path: 'README.md', size: 4, tracked: true },
    { path: 'link', size: 9, tracked: true },
    { path: 'new file.txt', size: 5, tracked: false },
    { path: 'src/a.txt', size: 6, tracked: true },
  ]);
});

it('a missing workspace is not_found, a plain directory not_a_repo', async () => {
  const dir = tempDir();
  await expect(ws.list(join(dir, 'nope'))).rejects.toMatchObject({ code: 'worktree_gone' });
  await expect(ws.list(dir)).rejects.toMatchObject({ code: 'not_a_repo' });
});
