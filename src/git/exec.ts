/**
 * Runs git with an argv array (never a shell), a stable environment and stable output:
 * no prompts, C locale, unquoted paths, no opportunistic index writes, and none of the caller's
 * GIT_DIR-style variables leaking in; configuration that cannot execute what a worktree's files
 * select, and linked worktrees verified before git reads them (a `.git` file in a worktree is agent-writable).
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { execa } from 'execa';
import type { SimpleGit } from 'simple-git';
import { AicoderError } from '../core/errors.js';
import { spawnOffThread } from './spawn-thread.js';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  /** Extra environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  /** Text fed to stdin. */
  input?: string;
  /** Called with git's pid once it runs (the merge journal records who moves a checkout). */
  onSpawn?: (pid: number) => void;
}

/** Variables that would point git at another repository, index or object store than the cwd's. */
const LOCATION_VARS = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
]);

export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || LOCATION_VARS.has(k) || /^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(k)) continue;
    env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.LC_ALL = 'C';
  env.LANG = 'C';
  return { ...env, ...extra };
}

/** Runs git with `args` (hardened, see hardenedArgs); never rejects for a non-zero exit. */
export interface GitRunner {
  (args: readonly string[], opts: GitRunOptions): Promise<GitResult>;
  /**
   * simple-git (https://github.com/steveukx/git-js, loaded on first use) in `cwd`, with this runner's
   * binary, hardened configuration and environment, the worktree verified first as for any call:
   * for porcelain parsing (status.ts). Rejects like the runner when git cannot run there.
   */
  simple(cwd: string): Promise<SimpleGit>;
}

export interface GitRunnerOptions {
  /**
   * The folder that holds only linked worktrees made by aicoder (AICODER_HOME/worktrees, laid out as
   * `<repo>-<hash>/<id>`). Before git runs with a cwd inside one of them, the worktree's `.git` file is
   * verified (see verifyLinkedWorktree) and git is pointed at the verified admin directory with
   * GIT_DIR/GIT_WORK_TREE, so a `.git` an agent planted is never read, not even between check and use.
   */
  worktreeRoot?: string;
  /**
   * Start git from a helper thread (spawn-thread.ts), not the event loop's thread: for the daemon,
   * whose loop a spawn would block until git has started. Calls with onSpawn stay on the caller's thread.
   */
  offThread?: boolean;
  /**
   * With offThread: start git at a lower CPU priority (BACKGROUND_NICE, spawn-thread.ts), for
   * read-only inspection (changes, diff, workspace listing and watching) that must not take the
   * cores from the daemon's event loop and the agents. Ignored without offThread.
   */
  background?: boolean;
}

/**
 * Subcommands that never need a hook: they run with core.hooksPath=/dev/null. (commit, merge, rebase,
 * worktree add, push keep the user's own hooks: those live in the repository's git dir, which the
 * worktree check keeps out of an agent's reach.)
 */
const HOOKLESS = new Set([
  'add',
  'cat-file',
  'check-ignore',
  'commit-tree',
  'diff',
  'diff-files',
  'diff-index',
  'diff-tree',
  'for-each-ref',
  'hash-object',
  'log',
  'ls-files',
  'ls-tree',
  'merge-base',
  'merge-tree',
  'read-tree',
  'rev-list',
  'rev-parse',
  'show',
  'show-ref',
  'status',
  'symbolic-ref',
  'write-tree',
]);
/** Subcommands that could run an external diff or a textconv filter named in .gitattributes. */
const DIFFING = new Set(['diff', 'log', 'show', 'diff-tree', 'diff-index', 'diff-files']);

/**
 * The argv git gets: configuration that cannot execute anything the worktree's files could select
 * (no fsmonitor hook; no hooks for the HOOKLESS commands; no external diff or textconv for diffs),
 * then the caller's arguments. Aliases cannot apply: every call names a built-in subcommand.
 */
export function hardenedArgs(args: readonly string[]): string[] {
  const sub = args[0] ?? '';
  const pre = hardenedConfig(sub).flatMap((kv) => ['-c', kv]);
  if (DIFFING.has(sub)) return [...pre, sub, '--no-ext-diff', '--no-textconv', ...args.slice(1)];
  return [...pre, ...args];
}

/** The `key=value` settings hardenedArgs passes with `-c` before subcommand `sub`. */
export function hardenedConfig(sub: string): string[] {
  const kv = ['core.quotepath=false', 'core.fsmonitor=false'];
  if (HOOKLESS.has(sub)) kv.push('core.hooksPath=/dev/null');
  return kv;
}

/**
 * The argv (hardened, see hardenedArgs) and environment git gets for `args` in `opts.cwd`; inside an
 * aicoder worktree under `runnerOpts.worktreeRoot` the worktree is verified first (throws conflict).
 * Shared by gitRunner and the streaming runner (stream.ts).
 */
export function gitInvocation(
  runnerOpts: GitRunnerOptions,
): (
  args: readonly string[],
  opts: GitRunOptions,
) => Promise<{ argv: string[]; env: Record<string, string> }> {
  const root = runnerOpts.worktreeRoot === undefined ? undefined : resolve(runnerOpts.worktreeRoot);
  return async (args, opts) => {
    let env = opts.env;
    const top = root === undefined ? null : worktreeTop(root, opts.cwd);
    if (top !== null && (await isDirectory(top))) {
      const gitDir = await verifyLinkedWorktree(top);
      const sub = await submoduleAt(top, gitDir, resolve(opts.cwd));
      env = sub
        ? { ...env, GIT_DIR: sub.gitDir, GIT_WORK_TREE: sub.dir }
        : { ...env, GIT_DIR: gitDir, GIT_WORK_TREE: top };
    }
    return { argv: hardenedArgs(args), env: gitEnv(env) };
  };
}

/** Why git did not start: a missing cwd also fails the spawn with ENOENT, so name the true cause. */
export async function startFailure(
  gitBinary: string,
  args: readonly string[],
  cwd: string,
  r: { code?: string; message?: string },
): Promise<AicoderError> {
  const why =
    r.code !== 'ENOENT'
      ? (r.message ?? 'unknown error')
      : (await isDirectory(cwd))
        ? `cannot run '${gitBinary}' (is git installed?)`
        : `directory ${cwd} does not exist`;
  return new AicoderError('internal', `git ${args[0] ?? ''} failed to start in ${cwd}: ${why}`, { cause: r });
}

/** A runner bound to one git binary. Never rejects for a non-zero exit; rejects if git cannot start. */
export function gitRunner(gitBinary = 'git', runnerOpts: GitRunnerOptions = {}): GitRunner {
  const invocation = gitInvocation(runnerOpts);
  const run = async (args: readonly string[], opts: GitRunOptions): Promise<GitResult> => {
    const { argv, env } = await invocation(args, opts);
    if (runnerOpts.offThread === true && opts.onSpawn === undefined) {
      const r = await spawnOffThread(gitBinary, argv, {
        cwd: opts.cwd,
        env,
        background: runnerOpts.background === true,
        ...(opts.input === undefined ? {} : { input: opts.input }),
      }).result;
      if (r.exitCode === undefined) throw await startFailure(gitBinary, args, opts.cwd, r);
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    }
    const sub = execa(gitBinary, argv, {
      cwd: opts.cwd,
      env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    if (opts.onSpawn && sub.pid !== undefined) opts.onSpawn(sub.pid);
    const r = await sub;
    if (r.exitCode === undefined) throw await startFailure(gitBinary, args, opts.cwd, r);
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const simple = async (cwd: string): Promise<SimpleGit> => {
    // Only read-only porcelain commands go through simple-git, so the HOOKLESS settings apply.
    const { env } = await invocation(['status'], { cwd });
    if (!(await isDirectory(cwd))) throw await startFailure(gitBinary, ['status'], cwd, { code: 'ENOENT' });
    const { simpleGit } = await import('simple-git');
    return simpleGit({
      baseDir: cwd,
      binary: gitBinary,
      config: hardenedConfig('status'),
      // simple-git refuses settings and variables that can run programs unless allowed by name: ours
      // turn hooks and fsmonitor off, and the variables are the user's own environment (gitEnv).
      unsafe: {
        allowUnsafeCustomBinary: true,
        allowUnsafeHooksPath: true,
        allowUnsafeFsMonitor: true,
        allowUnsafeAskPass: true,
        allowUnsafeConfigPaths: true,
        allowUnsafeEditor: true,
        allowUnsafePager: true,
        allowUnsafeSshCommand: true,
        allowUnsafeGitProxy: true,
        allowUnsafeDiffExternal: true,
        allowUnsafeTemplateDir: true,
        allowUnsafeConfigEnvCount: true,
      },
    }).env(env);
  };
  return Object.assign(run, { simple });
}

/** `root/<repo>-<hash>/<id>` when `cwd` lies in (or is) such a worktree, else null. */
function worktreeTop(root: string, cwd: string): string | null {
  const rel = relative(root, resolve(cwd));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  const parts = rel.split(sep);
  if (parts.length < 2) return null;
  return join(root, parts[0]!, parts[1]!);
}

function tampered(top: string, why: string): AicoderError {
  return new AicoderError(
    'conflict',
    `the worktree ${top} was tampered with (${why}); aicoder runs no git command in it. Remove the coder with rm --force`,
    { field: 'workspace', details: { workspace: top, reason: why } },
  );
}

async function readSmall(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function realOrSelf(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

/**
 * Checks that `top` is still the linked worktree git made: `top/.git` is a regular file (not a
 * symlink or folder) saying `gitdir: <common git dir>/worktrees/<name>`, that admin folder lies
 * outside the worktree, its `gitdir` file points back at `top/.git`, its `commondir` leads to the
 * common git dir that holds it, and — for the usual `<repo>/.git` layout — that repository is the
 * one the worktree's folder name was made for (`<basename>-<sha256(repo)[0,8]>`, core/paths.ts).
 * Returns the admin folder's path; throws `conflict` naming what was changed.
 * Format: git-worktree(1) "DETAILS" (the .git file, `gitdir`, `commondir`).
 */
export async function verifyLinkedWorktree(top: string): Promise<string> {
  const dotGit = join(top, '.git');
  const st = await lstat(dotGit).catch(() => null);
  if (st === null) throw tampered(top, '.git is missing');
  if (!st.isFile()) throw tampered(top, `.git is a ${st.isDirectory() ? 'folder' : 'link or special file'}`);
  if (st.size > 4096) throw tampered(top, '.git is not a gitdir file');
  const m = /^gitdir: (.+?)\r?\n?$/.exec((await readSmall(dotGit)) ?? '');
  if (!m) throw tampered(top, '.git is not a gitdir file');
  const realTop = await realOrSelf(top);
  const admin = await realOrSelf(resolve(top, m[1]!));
  if (!(await isDirectory(admin))) {
    throw new AicoderError(
      'worktree_gone',
      `the repository of worktree ${top} is gone (deleted, moved or renamed): its .git file points to ` +
        `${admin}, which does not exist; if the repository moved, run 'git worktree repair ${top}' in its new place`,
      { field: 'repo' },
    );
  }
  const inTop = relative(realTop, admin);
  if (inTop === '' || (!inTop.startsWith('..') && !isAbsolute(inTop))) {
    throw tampered(top, '.git points inside the worktree');
  }
  if (basename(dirname(admin)) !== 'worktrees')
    throw tampered(top, `.git points at ${admin}, not a worktrees/ entry`);
  const back = (await readSmall(join(admin, 'gitdir')))?.trim();
  if (!back || (await realOrSelf(dirname(resolve(admin, back)))) !== realTop) {
    throw tampered(top, `${admin} does not point back to this worktree`);
  }
  const commondir = (await readSmall(join(admin, 'commondir')))?.trim();
  const common = await realOrSelf(dirname(dirname(admin)));
  if (!commondir || (await realOrSelf(resolve(admin, commondir))) !== common) {
    throw tampered(top, `${admin} does not belong to the repository that holds it`);
  }
  if (basename(common) === '.git') {
    const repo = dirname(common);
    const folder = basename(dirname(top));
    const hash = (p: string) => createHash('sha256').update(p).digest('hex').slice(0, 8);
    const expected = [repo, dirname(await realOrSelf(join(repo, '.git')))].map(
      (p) => `${basename(p)}-${hash(p)}`,
    );
    if (!expected.includes(folder)) throw tampered(top, `.git points at another repository (${repo})`);
  }
  return admin;
}

/**
 * The submodule checkout that holds `cwd` inside the verified worktree `top` (admin folder `admin`):
 * the nearest folder between `cwd` and `top` (exclusive) that has a `.git`, whose gitdir file must
 * point inside `<admin>/modules/` (where `git submodule update` keeps a linked worktree's submodule
 * repositories, nested ones included); null when `cwd` is in the superproject itself.
 * Throws `conflict` when that `.git` points anywhere else.
 */
async function submoduleAt(
  top: string,
  admin: string,
  cwd: string,
): Promise<{ dir: string; gitDir: string } | null> {
  for (let dir = cwd; dir !== top; dir = dirname(dir)) {
    const rel = relative(top, dir);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
    const st = await lstat(join(dir, '.git')).catch(() => null);
    if (st === null) continue;
    const m =
      st.isFile() && st.size <= 4096
        ? /^gitdir: (.+?)\r?\n?$/.exec((await readSmall(join(dir, '.git'))) ?? '')
        : null;
    const gitDir = m ? await realOrSelf(resolve(dir, m[1]!)) : null;
    const inModules = gitDir === null ? null : relative(join(await realOrSelf(admin), 'modules'), gitDir);
    if (inModules === null || inModules === '' || inModules.startsWith('..') || isAbsolute(inModules)) {
      throw tampered(top, `${rel}/.git is not a submodule's gitdir file under ${admin}/modules`);
    }
    return { dir, gitDir: gitDir! };
  }
  return null;
}

/** First lines of git's stderr, without "fatal: " noise, for error messages. */
export function gitMessage(r: GitResult): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.replace(/^(fatal|error): /, '').trim())
    .filter((l) => l.length > 0 && !l.startsWith('hint:'));
  return lines.slice(0, 3).join('; ') || `exit code ${r.exitCode}`;
}

/** Throws `internal` with git's message unless the command succeeded. */
export function check(r: GitResult, what: string): GitResult {
  if (r.exitCode !== 0) throw new AicoderError('internal', `${what} failed: ${gitMessage(r)}`);
  return r;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function isNotARepo(r: GitResult): boolean {
  return (
    r.exitCode === 128 && /not a git repository|must be run in a work tree|dubious ownership/i.test(r.stderr)
  );
}

/** Splits NUL-separated output, dropping the trailing empty field. */
export function splitZ(out: string): string[] {
  const parts = out.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
