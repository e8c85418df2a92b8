/**
 * Inspection git runs at a lower CPU priority (src/git/spawn-thread.ts `background`, BACKGROUND_NICE):
 * the children of the background helper thread start with a nice value BACKGROUND_NICE above this
 * process's, read from /proc/<pid>/stat (proc(5), field 19) by the child itself; `changes`, `diff`,
 * the changed-file count and the workspace's listing use it, while locating a repository and creating a
 * worktree (what a user waits for at create) keep the normal priority. Raising the nice value needs no
 * privilege, so this holds for any user.
 */
import { writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { BACKGROUND_NICE, spawnOffThread, stopSpawnThread } from '../../src/git/spawn-thread.js';
import { createWorkspace } from '../../src/workspace/index.js';
import { cleanupTemp, git, makeRepo, tempDir, processEnv } from '../helpers/env.js';
import { gitCalls as calls, loggingGit, PRINT_NICE } from './logging-git.js';

afterAll(async () => {
  await stopSpawnThread();
  cleanupTemp();
});

const env = processEnv;

/** This process's nice value, and the one its background children must have. */
const own = getPriority();
const lowered = Math.min(19, own + BACKGROUND_NICE);

describe('background git priority', () => {
  it('starts background children BACKGROUND_NICE steps nicer, and others at this process’s priority', async () => {
    const bg = await spawnOffThread('sh', ['-c', PRINT_NICE], {
      cwd: tempDir(),
      env: env(),
      background: true,
    }).result;
    const normal = await spawnOffThread('sh', ['-c', PRINT_NICE], { cwd: tempDir(), env: env() }).result;
    expect(Number(bg.stdout.trim())).toBe(lowered);
    expect(Number(normal.stdout.trim())).toBe(own);
    expect(lowered).toBeGreaterThan(own === 19 ? 18 : own);
    // The daemon's own thread keeps its priority.
    expect(getPriority()).toBe(own);
  });

  it('streams from the background thread too', async () => {
    const chunks: Buffer[] = [];
    const r = await spawnOffThread('sh', ['-c', `${PRINT_NICE}; printf 'a\\0b\\0'`], {
      cwd: tempDir(),
      env: env(),
      background: true,
      onStdout: (b) => chunks.push(b),
    }).result;
    expect(r.exitCode).toBe(0);
    expect(Number(Buffer.concat(chunks).toString().split('\n')[0])).toBe(lowered);
  });

  it('runs changes, diff and counts at the lower priority; locate and worktree creation at the normal one', async () => {
    const { bin, log } = loggingGit();
    const repo = makeRepo({ 'a.txt': 'a\n', 'dir/b.txt': 'b\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    const port = createGit({ gitBinary: bin, offThread: true });

    await port.locate!(repo);
    const worktree = join(tempDir(), 'wt');
    await port.createWorktree({ repo, path: worktree, branch: 'bg-test', base_commit: base });
    const createCalls = calls(log);
    expect(createCalls.length).toBeGreaterThan(0);
    expect(createCalls.every((c) => c.nice === own)).toBe(true);

    writeFileSync(log, '');
    writeFileSync(join(worktree, 'a.txt'), 'changed\n');
    writeFileSync(join(worktree, 'new.txt'), 'new\n');
    const page = await port.changes(worktree, base);
    expect(page.changes.map((c) => `${c.status} ${c.path}`)).toEqual(['modified a.txt', 'untracked new.txt']);
    expect(await port.countChanges(worktree, base)).toBe(2);
    expect(await port.diff(worktree, base)).toContain('+changed');
    const inspectCalls = calls(log);
    expect(inspectCalls.map((c) => c.sub)).toEqual(expect.arrayContaining(['add', 'diff', 'ls-files']));
    expect(inspectCalls.filter((c) => c.nice !== lowered)).toEqual([]);

    writeFileSync(log, '');
    const ws = createWorkspace({ gitBinary: bin, offThread: true });
    const files = await ws.list(worktree);
    expect(files.files.map((e) => e.path)).toContain('new.txt');
    const listCalls = calls(log);
    expect(listCalls.length).toBeGreaterThan(0);
    expect(listCalls.filter((c) => c.nice !== lowered)).toEqual([]);
  });
});
