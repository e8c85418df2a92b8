/** PrepPort: settings, copying untracked/ignored files into a new worktree, free ports, disk usage. */
import { copyFile, lstat, mkdir, readdir, readlink, stat, symlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { PrepPort, RepoSettings } from '../core/worktree-types.js';
import { gitMessage, splitZ, type GitRunner } from '../git/exec.js';
import { normalizeRelPath, requireInside } from './confine.js';
import { loadSettings } from './settings.js';

export const WORKTREE_INCLUDE = '.worktreeinclude';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Untracked or ignored files of the repo matching the `copy` globs and .worktreeinclude. */
export async function filesToCopy(git: GitRunner, repo: string, settings: RepoSettings): Promise<string[]> {
  const out = new Set<string>();
  if (settings.copy.length > 0) {
    const specs = settings.copy.map((g) => `:(glob)${g}`);
    // Argv git, not simple-git: ls-files/check-ignore -z name lists need no parser (simple-git has neither).
    const r = await git(['ls-files', '--others', '-z', '--', ...specs], { cwd: repo });
    if (r.exitCode !== 0) {
      throw new AicoderError('invalid_input', `copy patterns rejected by git: ${gitMessage(r)}`, {
        field: 'copy',
      });
    }
    splitZ(r.stdout).forEach((f) => out.add(f));
  }
  const include = join(repo, WORKTREE_INCLUDE);
  if (await exists(include)) {
    // Files matching .worktreeinclude (gitignore syntax) that git also ignores.
    const r = await git(['ls-files', '--others', '--ignored', '-z', `--exclude-from=${include}`], {
      cwd: repo,
    });
    const candidates = r.exitCode === 0 ? splitZ(r.stdout) : [];
    if (candidates.length > 0) {
      const ig = await git(['check-ignore', '--stdin', '-z'], { cwd: repo, input: candidates.join('\0') });
      splitZ(ig.stdout).forEach((f) => out.add(f));
    }
  }
  return [...out].sort();
}

async function copyInto(repo: string, worktree: string, files: readonly string[]): Promise<string[]> {
  const copied: string[] = [];
  for (const f of files) {
    const src = join(repo, f);
    const dst = join(worktree, f);
    if (await exists(dst)) continue;
    const s = await lstat(src).catch(() => null);
    if (!s || !(s.isFile() || s.isSymbolicLink())) continue;
    // Never through a symlinked folder: the source's folder stays in the checkout, the destination's
    // in the worktree (a symlink itself is copied as a symlink, never followed).
    await requireInside(repo, dirname(src), 'copy');
    await requireInside(worktree, dirname(dst), 'copy');
    await mkdir(dirname(dst), { recursive: true });
    if (s.isSymbolicLink()) await symlink(await readlink(src), dst);
    else await copyFile(src, dst, constants.COPYFILE_EXCL);
    copied.push(f);
  }
  return copied;
}

/** PrepPort.copyNamedFiles: create's workspace_files, confined to the checkout and the worktree. */
export async function copyNamedFiles(
  repo: string,
  worktree: string,
  files: readonly string[],
): Promise<void> {
  for (const f of files) {
    const rel = normalizeRelPath(f);
    const field = 'workspace_files';
    if (rel === '')
      throw new AicoderError('invalid_input', `workspace_files: '${f}' is not a file`, { field });
    const src = join(repo, rel);
    const dst = join(worktree, rel);
    await requireInside(repo, src, field);
    const s = await stat(src).catch(() => null);
    if (!s)
      throw new AicoderError('not_found', `workspace_files: '${f}' does not exist in ${repo}`, { field });
    if (!s.isFile())
      throw new AicoderError('invalid_input', `workspace_files: '${f}' is not a file`, { field });
    if (await exists(dst)) continue;
    await requireInside(worktree, dirname(dst), field);
    await mkdir(dirname(dst), { recursive: true });
    await requireInside(worktree, dirname(dst), field);
    await copyFile(src, dst, constants.COPYFILE_EXCL);
  }
}

function listenOnce(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr === null || typeof addr === 'string') reject(new Error('no port'));
        else resolve(addr.port);
      });
    });
  });
}

export async function freePort(taken: ReadonlySet<number>): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const p = await listenOnce();
    if (!taken.has(p)) return p;
  }
  throw new AicoderError('internal', 'could not find a free loopback port');
}

/** Disk usage like `du` (allocated blocks; hard links once; symlinks not followed). */
export async function dirSize(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (e) => {
        const p = join(dir, e.name);
        const s = await lstat(p).catch(() => null);
        if (!s) return;
        const key = `${s.dev}:${s.ino}`;
        if (seen.has(key)) return;
        seen.add(key);
        total += s.blocks * 512;
        if (s.isDirectory()) await walk(p);
      }),
    );
  };
  const top = await lstat(root).catch(() => null);
  if (!top?.isDirectory()) return 0;
  total += top.blocks * 512;
  await walk(root);
  return total;
}

export function createPrep(git: GitRunner): PrepPort {
  return {
    loadSettings,
    copyIntoWorktree: async (repo, worktree, settings) =>
      copyInto(repo, worktree, await filesToCopy(git, repo, settings)),
    copyNamedFiles,
    freePort,
    dirSize,
    exists: async (path) => (await stat(path).catch(() => null))?.isDirectory() === true,
  };
}
