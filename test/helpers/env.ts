/** Per-test isolation: a temp AICODER_HOME, temp git repos, free loopback ports, condition polling. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { loadFactor } from './load.js';

const cleanups: (() => void)[] = [];

export function tempDir(prefix = 'aicoder-test-', base = tmpdir()): string {
  mkdirSync(base, { recursive: true });
  const dir = realpathSync(mkdtempSync(join(base, prefix)));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Call from afterAll/afterEach to remove temp dirs made by this file. */
export function cleanupTemp(): void {
  while (cleanups.length) {
    try {
      cleanups.pop()!();
    } catch {
      /* best effort */
    }
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  }).trim();
}

/** A real git repository with one commit on branch main; files maps paths to contents. */
export function makeRepo(files: Record<string, string> = { 'README.md': '# test repo\n' }): string {
  const dir = tempDir('aicoder-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'config', 'user.email', 'test@example.invalid');
  git(dir, 'config', 'commit.gpgsign', 'false');
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

/**
 * Polls `cond` until it returns a truthy value or the deadline passes. Not a sleep: the wait ends as
 * soon as the condition holds. `timeoutMs` (default 20 s) is meant for an idle machine: it is
 * multiplied by `loadFactor()` (helpers/load.ts), so a loaded machine gets proportionally longer.
 */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  // The deadline is for an idle machine and stretches with the load while we wait (helpers/load.ts).
  const start = Date.now();
  const budget = opts.timeoutMs ?? 20_000;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > budget * loadFactor()) {
      throw new Error(
        `timed out waiting for ${opts.what ?? 'condition'}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
}

/** What a rejected promise carried, as the local errors shape it (core/errors.ts); fails if `p` resolves. */
export async function rejectionOf(
  p: Promise<unknown>,
): Promise<{ code: string; field?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: string; field?: string; message: string };
    return { code: err.code, field: err.field, message: err.message };
  }
  throw new Error('expected a rejection');
}

/** This process's environment as a plain record, without unset entries (for a child's `env`). */
export function processEnv(): Record<string, string> {
  const e: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) e[k] = v;
  return e;
}
