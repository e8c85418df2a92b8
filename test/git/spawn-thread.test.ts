/**
 * git started from the helper thread (src/git/spawn-thread.ts, `offThread` in GitRunnerOptions): the
 * same results as on the event loop's thread (exit codes, stdout, stderr, stdin, streamed records,
 * failures to start, kill), and children still running when the process exits are ended with it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitRunner } from '../../src/git/exec.js';
import { createGit } from '../../src/git/index.js';
import { spawnOffThread, stopSpawnThread } from '../../src/git/spawn-thread.js';
import { gitStreamer } from '../../src/git/stream.js';
import { cleanupTemp, git, makeRepo, tempDir, waitFor, processEnv } from '../helpers/env.js';

afterAll(async () => {
  await stopSpawnThread();
  cleanupTemp();
});

const env = processEnv;

describe('spawnOffThread', () => {
  it('gives exit code, stdout, stderr and stdin like a spawn on the main thread', async () => {
    const r = await spawnOffThread(
      process.execPath,
      ['-e', 'process.stdin.pipe(process.stdout); process.stderr.write("w\\u00e9"); process.exitCode = 3'],
      { cwd: tempDir(), env: env(), input: 'héllo\0wörld' },
    ).result;
    expect(r).toMatchObject({ exitCode: 3, stdout: 'héllo\0wörld', stderr: 'wé' });
  });

  it('runs in the given cwd with exactly the given environment', async () => {
    const cwd = tempDir();
    const r = await spawnOffThread(
      process.execPath,
      ['-e', 'console.log(process.cwd(), process.env.ONLY, process.env.HOME)'],
      { cwd, env: { ONLY: 'x' } },
    ).result;
    expect(r.stdout.trim()).toBe(`${cwd} x undefined`);
  });

  it('reports a program that cannot start with its errno, and never rejects', async () => {
    const r = await spawnOffThread('/nonexistent/git', ['status'], { cwd: tempDir(), env: env() }).result;
    expect(r.exitCode).toBeUndefined();
    expect(r.code).toBe('ENOENT');
  });

  it('streams stdout in order and can end the child early', async () => {
    const chunks: Buffer[] = [];
    const c = spawnOffThread(
      process.execPath,
      ['-e', 'let i = 0; setInterval(() => process.stdout.write(String(i++) + "\\0"), 5)'],
      { cwd: tempDir(), env: env(), onStdout: (b) => chunks.push(b) },
    );
    await waitFor(() => Buffer.concat(chunks).toString().split('\0').length > 5, { timeoutMs: 30_000 });
    c.kill();
    const r = await c.result;
    expect(r.exitCode).toBeUndefined();
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe('');
    const nums = Buffer.concat(chunks).toString().split('\0').slice(0, -1).map(Number);
    expect(nums).toEqual(nums.map((_, i) => i));
  });

  it('ends children still running when the process exits (execa cleanup)', async () => {
    const dist = join(process.cwd(), 'dist', 'git', 'spawn-thread.js');
    expect(existsSync(dist), 'run npm run build first').toBe(true);
    const pidFile = join(tempDir(), 'pid');
    const script = `
      const { spawnOffThread } = await import(${JSON.stringify(dist)});
      spawnOffThread(process.execPath, ['-e', 'require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)'],
        { cwd: process.cwd(), env: {} });
      const fs = await import('node:fs');
      const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(pidFile)})) { clearInterval(t); process.exit(0); } }, 10);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    const code = await new Promise((r) => parent.on('exit', r));
    expect(code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => !alive(), { timeoutMs: 30_000 });
  });
});

describe('git with offThread', () => {
  it('answers like the runner on the main thread, streamed records included', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'é 中.txt': 'x\n' });
    mkdirSync(join(repo, 'sub'));
    writeFileSync(join(repo, 'sub', 'new.txt'), 'n\n');
    writeFileSync(join(repo, 'a.txt'), 'changed\n');
    const on = gitRunner('git');
    const off = gitRunner('git', { offThread: true });
    for (const args of [
      ['status', '--porcelain=v1', '-z'],
      ['rev-parse', 'NOPE'],
      ['ls-files', '-s'],
    ]) {
      expect(await off(args, { cwd: repo })).toEqual(await on(args, { cwd: repo }));
    }
    const input = { cwd: repo, input: 'sub/new.txt\0a.txt\0' };
    expect(await off(['check-ignore', '--stdin', '-z'], input)).toEqual(
      await on(['check-ignore', '--stdin', '-z'], input),
    );
    const records = async (offThread: boolean) => {
      const got: string[] = [];
      const r = await gitStreamer('git', { offThread })(['ls-files', '-o', '-z'], { cwd: repo }, (recs) =>
        got.push(...recs),
      );
      return { r, got };
    };
    expect(await records(true)).toEqual(await records(false));
    await expect(off(['status'], { cwd: join(repo, 'missing') })).rejects.toThrow(/does not exist/);
  });

  it('lists changes and diffs of a worktree the same way', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const base = git(repo, 'rev-parse', 'HEAD');
    const wt = join(tempDir('aicoder-home-'), 'wt');
    const offGit = createGit({ offThread: true });
    await offGit.createWorktree({ repo, base_commit: base, branch: 'aicoder/t', path: wt });
    writeFileSync(join(wt, 'a.txt'), 'A\n');
    writeFileSync(join(wt, 'c.txt'), 'c\n');
    const onGit = createGit();
    expect(await offGit.changes(wt, base)).toEqual(await onGit.changes(wt, base));
    expect(await offGit.diff(wt, base)).toBe(await onGit.diff(wt, base));
    expect((await offGit.changes(wt, base)).changes.map((c) => `${c.status} ${c.path}`)).toEqual([
      'modified a.txt',
      'untracked c.txt',
    ]);
  });
});
