/**
 * Merging a coder's branch into its base branch without ever leaving a checkout conflicted or
 * switching a branch: the result is computed with `git merge-tree --write-tree` (no working tree),
 * and the base branch only moves forward to a commit that contains its old tip. Where the base branch
 * is checked out (typically the user's main worktree) it is moved with `git merge --ff-only` run in
 * that worktree, and only when its tracked files are clean; otherwise nothing changes.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { MergeResult, MergeSpec } from '../core/worktree-types.js';
import { gitMessage, isDirectory, splitZ, type GitRunner } from './exec.js';
import { mergeTree } from './lifecycle.js';
import { recoverMerge, type MergeIntent, type MergeJournal } from './merge-journal.js';
import { revParseCommit, validateRefArg } from './refs.js';
import { checkoutStatus } from './status.js';
import { describeWork, submoduleWork } from './submodules.js';
import { worktreeList } from './worktree-list.js';

async function commitOf(git: GitRunner, cwd: string, ref: string, field: string): Promise<string> {
  const r = await revParseCommit(git, cwd, ref);
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || sha === '') {
    throw new AicoderError('unknown_ref', `unknown ref '${ref}' in ${cwd}`, { field });
  }
  return sha;
}

async function isAncestor(git: GitRunner, repo: string, a: string, b: string): Promise<boolean> {
  const r = await git(['merge-base', '--is-ancestor', a, b], { cwd: repo });
  return r.exitCode === 0;
}

/** The worktree (path) that has refs/heads/<branch> checked out, if any. */
export async function checkoutOf(git: GitRunner, repo: string, branch: string): Promise<string | null> {
  const { worktrees } = await worktreeList(git, repo);
  return worktrees.find((w) => w.branch === `refs/heads/${branch}`)?.path ?? null;
}

/** Refuses (changing nothing) unless the checkout's tracked files are clean and no operation is underway. */
async function requireCleanCheckout(git: GitRunner, path: string, branch: string): Promise<void> {
  const refuse = (why: string) =>
    new AicoderError(
      'conflict',
      `'${branch}' is checked out at ${path}, which ${why}; nothing was changed (clean it up there, then merge again)`,
      { field: 'base_ref', details: { checkout: path } },
    );
  if (!(await isDirectory(path))) throw refuse('is missing');
  const st = await checkoutStatus(git, path, { untracked: 'no' }).catch((e: unknown) => {
    throw refuse(`cannot be read (${e instanceof Error ? e.message : String(e)})`);
  });
  if (!st.isClean()) throw refuse('has uncommitted changes to tracked files');
  for (const marker of ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply']) {
    const p = await git(['rev-parse', '--git-path', marker], { cwd: path });
    if (await exists(path, p.stdout.trim())) throw refuse(`has a ${marker} in progress`);
  }
}

async function exists(cwd: string, rel: string): Promise<boolean> {
  return stat(resolve(cwd, rel)).then(
    () => true,
    () => false,
  );
}

async function commitTree(
  git: GitRunner,
  repo: string,
  tree: string,
  parents: string[],
  message: string,
): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  const r = await git(args, { cwd: repo, input: message });
  if (r.exitCode !== 0) throw new AicoderError('internal', `git commit-tree failed: ${gitMessage(r)}`);
  return r.stdout.trim();
}

/** Rebases the coder's (clean, idle) worktree onto `onto`; on conflict aborts and reports the files. */
async function rebaseWorktree(git: GitRunner, worktree: string, onto: string): Promise<string> {
  const env = { GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true' };
  const r = await git(['rebase', '--quiet', '--no-autosquash', onto], { cwd: worktree, env });
  if (r.exitCode !== 0) {
    // Argv git, not simple-git: a -z name list needs no parser.
    const u = await git(['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: worktree });
    const files = splitZ(u.stdout);
    await git(['rebase', '--abort'], { cwd: worktree });
    throw new AicoderError(
      'conflict',
      `rebase onto the base failed${files.length ? ` with conflicts in ${files.join(', ')}` : `: ${gitMessage(r)}`}; nothing was changed`,
      { field: 'strategy', details: { files } },
    );
  }
  return commitOf(git, worktree, 'HEAD', 'workspace');
}

/** Merges `spec.branch` into its base (module doc); `journal` records a checkout move in flight. */
export async function mergeBranch(
  git: GitRunner,
  spec: MergeSpec,
  journal?: MergeJournal,
): Promise<MergeResult> {
  const { repo, workspace: worktree, branch, base_ref, strategy, message } = spec;
  validateRefArg(base_ref, 'base_ref');
  const full = await git(['rev-parse', '--symbolic-full-name', base_ref], { cwd: repo });
  const baseRef = full.stdout.trim();
  if (full.exitCode !== 0 || !baseRef.startsWith('refs/heads/')) {
    throw new AicoderError(
      'not_supported',
      `base_ref '${base_ref}' is not a local branch, so there is nothing to merge into (push the branch or open a PR instead)`,
      { field: 'base_ref' },
    );
  }
  const baseBranch = baseRef.slice('refs/heads/'.length);
  const wsExists = await isDirectory(worktree);
  const before = await commitOf(git, repo, baseRef, 'base_ref');
  if (wsExists) {
    const st = await checkoutStatus(git, worktree);
    const work = await submoduleWork(git, worktree, before);
    if (!st.isClean()) {
      const inner = work.filter((w) => w.uncommitted.length > 0);
      throw new AicoderError(
        'dirty_worktree',
        `worktree ${worktree} has uncommitted changes${inner.length > 0 ? ` (${describeWork(inner)})` : ''}; ` +
          `commit them first (aicoder commit / operation "commit"), then merge`,
        { field: 'coder_id' },
      );
    }
    const unpushed = work.filter((w) => w.unpushed > 0);
    if (unpushed.length > 0) {
      throw new AicoderError(
        'conflict',
        `${describeWork(unpushed.map((w) => ({ ...w, uncommitted: [] })))}: merging would point '${baseBranch}' ` +
          `at submodule commits that exist only in this coder's worktree (rm deletes them); push them first ` +
          `(${unpushed.map((w) => `git -C ${w.dir} push origin HEAD:refs/heads/${branch}`).join('; ')}), then merge again; nothing was changed`,
        { field: 'coder_id', details: { submodules: unpushed.map((w) => w.path) } },
      );
    }
  }
  let theirs = await commitOf(git, repo, `refs/heads/${branch}`, 'branch');
  const result = (after: string, outcome: MergeResult['outcome'], checkout: string | null): MergeResult => ({
    strategy,
    base_ref: baseBranch,
    before,
    after,
    outcome,
    updated_checkout: checkout,
  });
  if (await isAncestor(git, repo, theirs, before)) return result(before, 'up_to_date', null);

  const forecast = await mergeTree(git, repo, before, theirs);
  if (!forecast.clean) {
    throw new AicoderError(
      'conflict',
      `merging '${branch}' into '${baseBranch}' would conflict in ${forecast.files.join(', ')}; nothing was changed`,
      { field: 'coder_id', details: { files: forecast.files } },
    );
  }
  const checkout = await checkoutOf(git, repo, baseBranch);
  if (checkout !== null) await requireCleanCheckout(git, checkout, baseBranch);

  let after: string;
  let outcome: MergeResult['outcome'];
  const ff = await isAncestor(git, repo, before, theirs);
  switch (strategy) {
    case 'merge':
      if (ff) {
        after = theirs;
        outcome = 'fast_forward';
      } else {
        after = await commitTree(git, repo, forecast.tree!, [before, theirs], message);
        outcome = 'merged';
      }
      break;
    case 'squash': {
      const baseTree = await git(['rev-parse', `${before}^{tree}`], { cwd: repo });
      if (baseTree.stdout.trim() === forecast.tree) return result(before, 'up_to_date', null);
      after = await commitTree(git, repo, forecast.tree!, [before], message);
      outcome = 'merged';
      break;
    }
    case 'rebase':
      if (!ff) {
        if (spec.live) {
          throw new AicoderError(
            'illegal_transition',
            'cannot rebase the branch of a coder whose agent is running; wait until it ends, or use strategy merge/squash',
            { field: 'strategy' },
          );
        }
        if (!wsExists) {
          throw new AicoderError('not_found', `worktree ${worktree} is gone; rebase needs it`, {
            field: 'strategy',
          });
        }
        theirs = await rebaseWorktree(git, worktree, before);
      }
      after = theirs;
      outcome = 'fast_forward';
      break;
  }

  if (checkout !== null) {
    // Journal first: a crash while git moves thousands of files is finished by the next start.
    const intent: MergeIntent = {
      version: 1,
      coder_id: spec.coder_id ?? null,
      repo,
      checkout,
      base_ref: baseRef,
      before,
      after,
      git_pid: null,
      started_at: new Date().toISOString(),
    };
    const file = journal?.write(intent);
    const r = await git(['merge', '--ff-only', '--quiet', after], {
      cwd: checkout,
      onSpawn: (pid) => {
        if (file !== undefined) journal!.update(file, { ...intent, git_pid: pid });
      },
    });
    if (file !== undefined) {
      if (r.exitCode === 0) journal!.done(file);
      else {
        // git refused before touching anything, or failed midway: put the checkout back together.
        const rec = await recoverMerge(git, { ...intent, git_pid: null });
        if (rec.outcome !== 'untouched') journal!.done(file);
      }
    }
    if (r.exitCode !== 0) {
      throw new AicoderError(
        'conflict',
        `could not move the checkout of '${baseBranch}' at ${checkout}: ${gitMessage(r)}; its branch and files are unchanged`,
        { field: 'base_ref', details: { checkout } },
      );
    }
  } else {
    const r = await git(['update-ref', '-m', `aicoder: ${strategy} ${branch}`, baseRef, after, before], {
      cwd: repo,
    });
    if (r.exitCode !== 0) {
      throw new AicoderError('conflict', `could not update '${baseBranch}': ${gitMessage(r)}`, {
        field: 'base_ref',
      });
    }
  }
  return result(after, outcome, checkout);
}
