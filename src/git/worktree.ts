/** Creating and removing a coder's branch + worktree, leaving nothing half-made behind. */
import { lstat, mkdir, realpath, rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { CreatedWorktree, RemovedWorktree, RemoveWorktreeSpec, WorktreeSpec } from '../core/ports.js';
import { gitMessage, isDirectory, isNotARepo, type GitRunner } from './exec.js';
import { repoGone } from './gone.js';
import { lfsCheckout, lfsWarning } from './lfs.js';
import type { KeyedLock } from './lock.js';
import { checkoutStatus, statusLine } from './status.js';
import { describeWork, initSubmodules, submoduleWork } from './submodules.js';
import { worktreeList } from './worktree-list.js';
import {
  ensureRepoDir,
  notARepo,
  revParseCommit,
  unknownRef,
  validateBranchName,
  validateRefArg,
} from './refs.js';

async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function requireAbsolute(path: string): void {
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new AicoderError(
      'invalid_input',
      `worktree path must be an absolute path (got '${String(path)}')`,
      {
        field: 'path',
      },
    );
  }
}

/** Paths of the worktrees registered in `repo` (as git prints them, plus their realpaths). */
async function registeredWorktrees(git: GitRunner, repo: string): Promise<Set<string>> {
  const { result, worktrees } = await worktreeList(git, repo);
  if (isNotARepo(result)) throw notARepo(repo);
  const out = new Set<string>();
  for (const { path: p } of worktrees) {
    out.add(resolve(p));
    try {
      out.add(await realpath(p));
    } catch {
      /* directory gone */
    }
  }
  return out;
}

async function isRegistered(git: GitRunner, repo: string, path: string): Promise<boolean> {
  const known = await registeredWorktrees(git, repo);
  if (known.has(resolve(path))) return true;
  try {
    return known.has(await realpath(path));
  } catch {
    return false;
  }
}

/** Removes the empty directories from dirname(path) up to and including `firstMade`. */
async function removeMadeParents(path: string, firstMade: string | undefined): Promise<void> {
  if (firstMade === undefined) return;
  let dir = dirname(path);
  for (;;) {
    const rel = relative(firstMade, dir);
    if (rel.startsWith('..') || isAbsolute(rel)) return;
    try {
      await rmdir(dir);
    } catch {
      return; // not empty (someone else uses it) or already gone
    }
    if (rel === '') return;
    dir = dirname(dir);
  }
}

/**
 * Makes branch + worktree at `spec.path` from `spec.base_commit`; on any failure removes what it made
 * and rethrows. Returns warnings about the checkout that did not stop it (git-lfs missing, …).
 */
export async function createWorktree(
  git: GitRunner,
  lock: KeyedLock,
  spec: WorktreeSpec,
): Promise<CreatedWorktree> {
  const { repo, branch, path, base_commit } = spec;
  requireAbsolute(path);
  validateRefArg(base_commit, 'base_ref');
  await ensureRepoDir(repo);

  const [badBranch, base, shown, lfs] = await Promise.all([
    validateBranchName(git, repo, branch).then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    ),
    revParseCommit(git, repo, base_commit),
    git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: repo }),
    lfsCheckout(git, repo),
  ]);
  if (isNotARepo(base)) throw notARepo(repo);
  if (badBranch !== undefined) throw badBranch;
  const sha = base.stdout.trim();
  if (base.exitCode !== 0 || sha === '') throw unknownRef(repo, base_commit);
  if (shown.exitCode === 0) throw branchExistsError(repo, branch);

  if (await pathExists(path)) {
    throw new AicoderError('conflict', `worktree path already exists: ${path}`, { field: 'path' });
  }

  const key = await lockKey(repo);
  let firstMade: string | undefined;
  let branchIsOurs = true;
  const attempt = () =>
    lock.run(key, async () => {
      try {
        firstMade ??= await mkdir(dirname(path), { recursive: true });
      } catch (e) {
        throw new AicoderError('internal', `cannot create the directory for worktree ${path}: ${String(e)}`, {
          field: 'path',
          cause: e,
        });
      }
      return git([...lfs.args, 'worktree', 'add', '-b', branch, path, sha], { cwd: repo, env: lfs.env });
    });
  try {
    let r = await attempt();
    if (r.exitCode !== 0 && /could not create (leading )?director/i.test(r.stderr)) {
      // Another git process (outside this lock) pruned .git/worktrees meanwhile: undo and retry once.
      await lock.run(key, () => undoCreate(git, spec, undefined, true));
      r = await attempt();
    }
    if (r.exitCode !== 0) {
      if (/a branch named .* already exists/i.test(r.stderr)) {
        branchIsOurs = false;
        throw branchExistsError(repo, branch);
      }
      throw new AicoderError('internal', `git worktree add ${path} failed: ${gitMessage(r)}`);
    }
  } catch (e) {
    await lock.run(key, () => undoCreate(git, spec, firstMade, branchIsOurs));
    throw e;
  }
  const warnings: string[] = [];
  if (!lfs.installed) {
    const w = await lfsWarning(git, path).catch(() => null);
    if (w !== null) warnings.push(w);
  }
  // Outside the repository lock: cloning submodules may take long, and the worktree is ours alone.
  const subs = await initSubmodules(git, path, spec.submodules, lfs.env, lfs.args).catch((e: unknown) => [
    `submodules not initialized: ${e instanceof Error ? e.message : String(e)}`,
  ]);
  warnings.push(...subs);
  return { warnings };
}

/** Worktree operations on one repository are serialized by its realpath. */
async function lockKey(repo: string): Promise<string> {
  try {
    return await realpath(repo);
  } catch {
    return resolve(repo);
  }
}

function branchExistsError(repo: string, branch: string): AicoderError {
  return new AicoderError('branch_exists', `branch '${branch}' already exists in ${repo}`, {
    field: 'branch',
  });
}

/** Best effort: unregisters and deletes the worktree, deletes the branch, removes made directories. */
async function undoCreate(
  git: GitRunner,
  spec: WorktreeSpec,
  firstMade: string | undefined,
  branchIsOurs: boolean,
): Promise<void> {
  const { repo, path, branch } = spec;
  try {
    if (await isRegistered(git, repo, path)) {
      await git(['worktree', 'remove', '--force', '--force', path], { cwd: repo });
    }
  } catch {
    /* fall through to the manual cleanup */
  }
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
  await git(['worktree', 'prune'], { cwd: repo }).catch(() => undefined);
  if (branchIsOurs) {
    await git(['branch', '-D', branch], { cwd: repo }).catch(() => undefined);
  }
  await removeMadeParents(path, firstMade);
}

/**
 * Removes worktree and branch (guards: dirty_worktree, unmerged_commits unless force). When the
 * repository is gone (deleted, moved), refuses with worktree_gone, or with force deletes the worktree
 * folder alone and returns notes saying what it could not do.
 */
export async function removeWorktree(
  git: GitRunner,
  lock: KeyedLock,
  spec: RemoveWorktreeSpec,
): Promise<RemovedWorktree> {
  const { repo, path, branch } = spec;
  requireAbsolute(path);
  if (typeof branch !== 'string' || branch === '' || branch.startsWith('-')) {
    throw new AicoderError('invalid_input', `branch '${String(branch)}' is not a valid branch name`, {
      field: 'branch',
    });
  }
  validateRefArg(spec.base_commit, 'base_commit');
  validateRefArg(spec.base_ref, 'base_ref');
  if (!(await isRepo(git, repo))) return removeWithoutRepo(spec);
  await lock.run(await lockKey(repo), () => removeLocked(git, spec));
  return { notes: [] };
}

async function isRepo(git: GitRunner, repo: string): Promise<boolean> {
  if (!(await isDirectory(repo))) return false;
  const r = await git(['rev-parse', '--git-dir'], { cwd: repo });
  return !isNotARepo(r);
}

async function removeWithoutRepo(spec: RemoveWorktreeSpec): Promise<RemovedWorktree> {
  const { repo, path, branch, force } = spec;
  if (!force) {
    throw repoGone(
      repo,
      `the worktree cannot be checked for unsaved work; use force to delete the worktree folder ${path} and the coder`,
    );
  }
  await rm(path, { recursive: true, force: true });
  return {
    notes: [
      `repository ${repo} is gone (deleted, moved or renamed): deleted the worktree folder ${path}, but ` +
        `not its registration nor branch '${branch}'; if the repository moved, run 'git worktree prune' ` +
        `and 'git branch -D ${branch}' in its new place`,
    ],
  };
}

async function removeLocked(git: GitRunner, spec: RemoveWorktreeSpec): Promise<void> {
  const { repo, path, branch, force, keep_branch } = spec;

  const [dirExists, registered] = await Promise.all([pathExists(path), isRegistered(git, repo, path)]);
  if (!force) {
    if (dirExists && registered) await refuseIfDirty(git, path, spec.base_commit);
    if (!keep_branch) await refuseIfUnmerged(git, spec);
  }

  // Whether git's own `worktree remove` dropped the registration (then no prune is needed).
  let unregistered = false;
  if (registered) {
    const args = force ? ['worktree', 'remove', '--force', '--force', path] : ['worktree', 'remove', path];
    let r = await git(args, { cwd: repo });
    if (r.exitCode !== 0 && !force && /containing submodules/i.test(r.stderr)) {
      // git refuses any worktree with checked-out submodules; refuseIfDirty has found none with work.
      r = await git(['worktree', 'remove', '--force', path], { cwd: repo });
    }
    if (r.exitCode !== 0 && force && (await pathExists(path))) {
      // git refuses a worktree whose .git was changed ("does not point back"): force deletes the
      // folder without reading it, and the prune below drops the registration.
      await rm(path, { recursive: true, force: true });
    } else if (r.exitCode !== 0 && (await pathExists(path))) {
      if (/modified or untracked files/i.test(r.stderr)) {
        throw new AicoderError(
          'dirty_worktree',
          `worktree ${path} has uncommitted changes: ${gitMessage(r)}`,
        );
      }
      throw new AicoderError('conflict', `git worktree remove ${path} failed: ${gitMessage(r)}`);
    }
    unregistered = r.exitCode === 0;
  } else if (dirExists) {
    if (!force) {
      throw new AicoderError(
        'conflict',
        `${path} exists but is not a registered worktree of ${repo}; use force to delete the directory`,
        { field: 'path' },
      );
    }
    await rm(path, { recursive: true, force: true });
  }

  // A registration whose folder is gone, or was deleted here, is dropped by prune.
  if (!unregistered) {
    const pruned = await git(['worktree', 'prune'], { cwd: repo });
    if (pruned.exitCode !== 0) {
      throw new AicoderError('internal', `git worktree prune failed: ${gitMessage(pruned)}`);
    }
  }

  if (!keep_branch) {
    const r = await git(['branch', '-D', branch], { cwd: repo });
    if (r.exitCode !== 0 && !/not found/i.test(r.stderr)) {
      throw new AicoderError('conflict', `cannot delete branch '${branch}': ${gitMessage(r)}`, {
        field: 'branch',
      });
    }
  }
}

/**
 * Refuses when the worktree has uncommitted changes, or a checked-out submodule has changes or commits
 * that exist nowhere else (on no remote branch, not in the base): deleting the worktree deletes them.
 */
async function refuseIfDirty(git: GitRunner, path: string, base: string): Promise<void> {
  const st = await checkoutStatus(git, path);
  const work = await submoduleWork(git, path, base);
  const lines = st.files.map(statusLine);
  if (lines.length === 0 && work.length === 0) return;
  const files = st.files.map((f) => f.path);
  const shown = lines.slice(0, 5).join(', ');
  const more = lines.length > 5 ? ` and ${lines.length - 5} more` : '';
  const what = [
    ...(lines.length > 0 ? [`has uncommitted changes (${shown}${more})`] : []),
    ...(work.length > 0 ? [`holds work found nowhere else: ${describeWork(work)}`] : []),
  ].join(' and ');
  throw new AicoderError(
    'dirty_worktree',
    `worktree ${path} ${what}; commit or discard them${work.some((w) => w.unpushed > 0) ? ' (push submodule commits)' : ''}, or use force`,
    { details: { files, submodules: work.map((w) => w.path) } },
  );
}

async function refuseIfUnmerged(git: GitRunner, spec: RemoveWorktreeSpec): Promise<void> {
  const { repo, branch, base_ref, base_commit } = spec;
  const [tip, refTip] = await Promise.all([
    revParseCommit(git, repo, `refs/heads/${branch}`),
    revParseCommit(git, repo, base_ref),
  ]);
  if (tip.exitCode !== 0) return; // no branch, nothing to lose
  if (tip.stdout.trim() === base_commit) return; // the branch never moved: no commit of its own
  const not = [base_commit];
  if (refTip.exitCode === 0 && refTip.stdout.trim() !== '') not.push(refTip.stdout.trim());
  const r = await git(['rev-list', '--count', tip.stdout.trim(), '--not', ...not, '--'], { cwd: repo });
  if (r.exitCode !== 0) {
    throw new AicoderError('internal', `git rev-list for branch '${branch}' failed: ${gitMessage(r)}`);
  }
  const n = Number.parseInt(r.stdout.trim(), 10);
  if (n > 0) {
    throw new AicoderError(
      'unmerged_commits',
      `branch '${branch}' has ${n} commit${n === 1 ? '' : 's'} not in '${base_ref}' nor in base commit ` +
        `${base_commit.slice(0, 12)}; merge them, keep the branch (keep_branch), or use force`,
      { field: 'branch', details: { count: n } },
    );
  }
}
