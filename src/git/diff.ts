/**
 * Diffs of a worktree against its base commit, covering committed, staged, unstaged and untracked
 * (not ignored) files. Works on a throwaway copy of the worktree's index (GIT_INDEX_FILE in a temp
 * dir), so the user's index, HEAD and status are untouched.
 */
import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { FileChange, FileChangeStatus } from '../core/ports.js';
import { gitMessage, isNotARepo, splitZ, type GitRunner } from './exec.js';
import { ensureWorktreeDir, explainNotARepo } from './gone.js';
import { lfsCheckout } from './lfs.js';
import { notARepo, validateRefArg } from './refs.js';

/** Stable output whatever the user's diff configuration says. */
const DIFF_FLAGS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '-M',
];

/** Runs `fn` with GIT_INDEX_FILE pointing at a temp index that mirrors the whole work tree. */
export async function withWorktreeIndex<T>(
  git: GitRunner,
  workspace: string,
  fn: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  await ensureWorktreeDir(workspace);
  const where = await git(['rev-parse', '--git-path', 'index'], { cwd: workspace });
  if (isNotARepo(where)) throw (await explainNotARepo(workspace)) ?? notARepo(workspace);
  if (where.exitCode !== 0) throw new AicoderError('internal', `git rev-parse failed: ${gitMessage(where)}`);
  const dir = await mkdtemp(join(tmpdir(), 'aicoder-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      // Starting from a copy keeps git's stat cache, so unchanged files are not re-hashed. The copy
      // keeps the original's mtime: git compares it with file mtimes to spot "racily clean" entries
      // (a file changed in the same second it was indexed), and a fresh mtime would hide them.
      const source = resolve(workspace, where.stdout.trim());
      await copyFile(source, env.GIT_INDEX_FILE);
      const st = await stat(source);
      await utimes(env.GIT_INDEX_FILE, st.atime, st.mtime);
    } catch {
      const rt = await git(['read-tree', 'HEAD'], { cwd: workspace, env });
      if (rt.exitCode !== 0) await rm(env.GIT_INDEX_FILE, { force: true });
    }
    // Without git-lfs, a worktree of an LFS repository holds pointer files and the required filter
    // cannot run: the temporary index takes the files as they are.
    const lfs = await lfsCheckout(git, workspace);
    const add = await git([...lfs.args, 'add', '-A', '--ignore-errors'], { cwd: workspace, env });
    if (add.exitCode !== 0 && !/unable to (index|stat)|failed to insert/i.test(add.stderr)) {
      throw new AicoderError(
        'internal',
        `git add (temporary index) failed in ${workspace}: ${gitMessage(add)}`,
      );
    }
    return await fn(env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function baseError(workspace: string, base: string, stderr: string): AicoderError {
  if (/bad revision|unknown revision|bad object|ambiguous argument|not a tree/i.test(stderr)) {
    return new AicoderError('unknown_ref', `unknown ref '${base}' in ${workspace}`, { field: 'base_commit' });
  }
  return new AicoderError('internal', `git diff against ${base} failed in ${workspace}: ${stderr.trim()}`);
}

export async function diff(git: GitRunner, workspace: string, baseCommit: string): Promise<string> {
  validateRefArg(baseCommit, 'base_commit');
  return withWorktreeIndex(git, workspace, async (env) => {
    const r = await git(['diff', '--cached', ...DIFF_FLAGS, baseCommit, '--'], { cwd: workspace, env });
    if (r.exitCode !== 0) throw baseError(workspace, baseCommit, r.stderr);
    return r.stdout;
  });
}

function statusOf(letter: string): FileChangeStatus {
  switch (letter.charAt(0)) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return 'renamed';
    default:
      return 'modified'; // M, T (type change), C, U, X
  }
}

interface NameStatus {
  status: FileChangeStatus;
  path: string;
  from?: string;
}

function parseNameStatus(out: string): NameStatus[] {
  const f = splitZ(out);
  const res: NameStatus[] = [];
  for (let i = 0; i < f.length;) {
    const code = f[i++] ?? '';
    const status = statusOf(code);
    if (code.startsWith('R') || code.startsWith('C')) {
      const from = f[i++] ?? '';
      const path = f[i++] ?? '';
      res.push(code.startsWith('R') ? { status, path, from } : { status: 'added', path });
    } else {
      res.push({ status, path: f[i++] ?? '' });
    }
  }
  return res;
}

/** numstat -z: "ins\tdel\tpath\0" or, for renames, "ins\tdel\t\0from\0to\0"; binary counts are "-". */
function parseNumstat(out: string): Map<string, { insertions: number; deletions: number }> {
  const f = splitZ(out);
  const res = new Map<string, { insertions: number; deletions: number }>();
  for (let i = 0; i < f.length;) {
    const rec = f[i++] ?? '';
    const [ins = '-', del = '-', ...rest] = rec.split('\t');
    let path = rest.join('\t');
    if (path === '') {
      i++; // from
      path = f[i++] ?? '';
    }
    const n = (s: string) => (s === '-' ? 0 : Number.parseInt(s, 10) || 0);
    res.set(path, { insertions: n(ins), deletions: n(del) });
  }
  return res;
}

export async function changes(git: GitRunner, workspace: string, baseCommit: string): Promise<FileChange[]> {
  validateRefArg(baseCommit, 'base_commit');
  return withWorktreeIndex(git, workspace, async (env) => {
    const opts = { cwd: workspace, env };
    const [names, nums, untracked] = await Promise.all([
      git(['diff', '--cached', ...DIFF_FLAGS, '--name-status', '-z', baseCommit, '--'], opts),
      git(['diff', '--cached', ...DIFF_FLAGS, '--numstat', '-z', baseCommit, '--'], opts),
      // The real index: which of the added files git does not track yet.
      git(['ls-files', '-o', '--exclude-standard', '-z'], { cwd: workspace }),
    ]);
    if (names.exitCode !== 0) throw baseError(workspace, baseCommit, names.stderr);
    if (nums.exitCode !== 0) throw baseError(workspace, baseCommit, nums.stderr);
    const counts = parseNumstat(nums.stdout);
    const untrackedSet = new Set(untracked.exitCode === 0 ? splitZ(untracked.stdout) : []);
    return parseNameStatus(names.stdout)
      .map((ns): FileChange => {
        const c = counts.get(ns.path) ?? { insertions: 0, deletions: 0 };
        const status = ns.status === 'added' && untrackedSet.has(ns.path) ? 'untracked' : ns.status;
        const change: FileChange = {
          path: ns.path,
          status,
          insertions: c.insertions,
          deletions: c.deletions,
        };
        if (ns.from !== undefined) change.from = ns.from;
        return change;
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  });
}
