import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { gitRunner } from '../../src/git/exec.js';
import { createGit } from '../../src/git/index.js';
import { createWorkspace, watchWorktree, type WorktreeWatch } from '../../src/workspace/index.js';
import { cleanupTemp, git, makeRepo, tempDir, waitFor } from '../helpers/env.js';

const handles: WorktreeWatch[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
});
afterAll(cleanupTemp);

it('fires (debounced, once per burst) when a file in the worktree is written', async () => {
  const repo = makeRepo({ 'README.md': '# r\n', 'src/a.txt': 'a\n' });
  const base = git(repo, 'rev-parse', 'HEAD');
  const wt = join(tempDir('aicoder-home-'), 'wt');
  await createGit().createWorktree({ repo, base_commit: base, branch: 'aicoder/w', path: wt });

  let batches = 0;
  const h = createWorkspace({ debounceMs: 100 }).watch(wt, () => batches++);
  handles.push(h);
  await h.ready;
  for (let i = 0; i < 5; i++) appendFileSync(join(wt, 'src', 'a.txt'), `line ${i}\n`);
  writeFileSync(join(wt, 'src', 'new.txt'), 'new\n');
  await waitFor(() => batches >= 1, { what: 'a change batch' });
  // A burst is one batch: a second, later write makes exactly one more.
  writeFileSync(join(wt, 'src', 'later.txt'), 'later\n');
  await waitFor(() => batches >= 2, { what: 'a second change batch' });
  expect(batches).toBe(2);
});

it('ignores .git, node_modules and git-ignored paths (also ignored dirs made after it started)', async () => {
  const repo = makeRepo({ 'README.md': '# r\n', '.gitignore': 'dist/\nbuild/\n*.log\n' });
  mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
  mkdirSync(join(repo, 'dist'));
  writeFileSync(join(repo, 'old.log'), 'x');

  let batches = 0;
  const events: string[] = [];
  const h = watchWorktree(repo, () => batches++, {
    git: gitRunner(),
    debounceMs: 100,
    onEvent: (event, rel) => events.push(`${event} ${rel}`),
  });
  handles.push(h);
  await h.ready;

  // Ignored changes first …
  writeFileSync(join(repo, 'node_modules', 'pkg', 'index.js'), 'x');
  mkdirSync(join(repo, 'node_modules', 'fresh'));
  writeFileSync(join(repo, '.git', 'aicoder-test'), 'x');
  git(repo, 'tag', 'some-tag'); // writes under .git/refs
  writeFileSync(join(repo, 'dist', 'out.js'), 'x');
  appendFileSync(join(repo, 'old.log'), 'more');
  mkdirSync(join(repo, 'build'));
  writeFileSync(join(repo, 'build', 'out.js'), 'x');
  // … then a real one. Events are delivered in order; had any ignored one passed the filter it would
  // show up in `events` no later than this batch.
  writeFileSync(join(repo, 'first.txt'), '1');
  await waitFor(() => batches >= 1 && events.includes('add first.txt'), { what: 'first batch' });
  // One more full debounce cycle, so that anything late has surely been delivered by now.
  writeFileSync(join(repo, 'second.txt'), '2');
  await waitFor(() => batches >= 2 && events.includes('add second.txt'), { what: 'second batch' });

  expect(events.filter((e) => !/ (first|second)\.txt$/.test(e))).toEqual([]);
  expect(batches).toBe(2);
});

it('a new directory that is not ignored is reported with what was written into it', async () => {
  const repo = makeRepo({ 'README.md': '# r\n', '.gitignore': 'build/\n' });
  const events: string[] = [];
  const h = watchWorktree(repo, () => undefined, {
    git: gitRunner(),
    debounceMs: 50,
    onEvent: (event, rel) => events.push(`${event} ${rel}`),
  });
  handles.push(h);
  await h.ready;
  mkdirSync(join(repo, 'lib'));
  writeFileSync(join(repo, 'lib', 'x.ts'), 'x');
  await waitFor(() => events.includes('addDir lib') && events.includes('add lib/x.ts'), {
    what: 'lib events',
  });
});

it('watches one inotify watch per directory (not per file), drops the watches of a deleted directory', async () => {
  const repo = makeRepo({ 'README.md': '# r\n', 'a/1.txt': '1', 'a/2.txt': '2', 'a/b/3.txt': '3' });
  const events: string[] = [];
  const h = watchWorktree(repo, () => undefined, {
    git: gitRunner(),
    debounceMs: 50,
    onEvent: (event, rel) => events.push(`${event} ${rel}`),
  });
  handles.push(h);
  await h.ready;
  expect(h.stats()).toEqual({ dirs: 3, polling: false }); // ., a, a/b
  rmSync(join(repo, 'a'), { recursive: true });
  await waitFor(() => events.includes('unlinkDir a') && h.stats().dirs === 1, { what: 'a unwatched' });
});

it('more directories than maxDirs: it stops adding watches and polls onChange instead', async () => {
  const repo = makeRepo({ 'README.md': '# r\n', 'a/1.txt': '1', 'b/2.txt': '2', 'c/3.txt': '3' });
  let calls = 0;
  const h = watchWorktree(repo, () => calls++, {
    git: gitRunner(),
    debounceMs: 10,
    maxDirs: 2,
    pollMs: 100,
  });
  handles.push(h);
  await h.ready;
  expect(h.stats()).toEqual({ dirs: 2, polling: true });
  const at = calls;
  // No event at all: the poll alone calls onChange again and again.
  await waitFor(() => calls >= at + 3, { what: 'three polls' });
});
