/**
 * Commit, snapshot, merge forecast, merged check and prune: the git side of the worktree lifecycle.
 * Every command is an argv array; nothing here moves the user's HEAD or touches their index.
 */
import { AicoderError } from '../core/errors.js';
import type { CommitResult, Forecast } from '../core/worktree-types.js';
import { withWorktreeIndex } from './diff.js';
import { gitMessage, isDirectory, isNotARepo, splitZ, type GitRunner } from './exec.js';
import { ensureWorktreeDir, explainNotARepo } from './gone.js';
import { notARepo, revParseCommit, validateRefArg } from './refs.js';
import { checkoutStatus } from './status.js';
import { checkedOutSubmodules, submoduleWork } from './submodules.js';
import { worktreeList } from './worktree-list.js';

/** Identity for aicoder's own throwaway objects (snapshots), so they work without user.name set. */
export const SNAPSHOT_IDENTITY: Record<string, string> = {
  GIT_AUTHOR_NAME: 'aicoder',
  GIT_AUTHOR_EMAIL: 'aicoder@localhost',
  GIT_COMMITTER_NAME: 'aicoder',
  GIT_COMMITTER_EMAIL: 'aicoder@localhost',
};

/**
 * Stages everything (untracked included, ignored not) and commits with `message`. Checked-out
 * submodules with changes are committed first, inside the submodule (deepest first, same message, on
 * the submodule's current HEAD, usually detached), so the worktree's commit records their new
 * gitlinks: diff, changes and commit agree. `files` counts the changed files, submodules' inner files
 * included and gitlinks not. Pushing a submodule's new commits to its remote is the user's step
 * (merge and rm refuse while they exist nowhere else, see submodules.ts).
 */
export async function commitAll(git: GitRunner, worktree: string, message: string): Promise<CommitResult> {
  await ensureWorktreeDir(worktree);
  const subs = await checkedOutSubmodules(git, worktree, null);
  const childLinks = (prefix: string, depth: number) =>
    new Set(
      subs
        .filter((s) => s.depth === depth && s.path.startsWith(prefix))
        .map((s) => s.path.slice(prefix.length)),
    );
  let files = 0;
  for (const s of [...subs].sort((a, b) => b.depth - a.depth)) {
    const r = await commitIn(
      git,
      s.dir,
      message,
      childLinks(`${s.path}/`, s.depth + 1),
      `submodule ${s.path}`,
    );
    files += r.files;
  }
  const top = await commitIn(git, worktree, message, childLinks('', 0), worktree);
  return { commit: top.commit, files: files + top.files, message };
}

/** `git add -A` and commit in one repository; `links` are its gitlink paths (not counted as files). */
async function commitIn(
  git: GitRunner,
  dir: string,
  message: string,
  links: ReadonlySet<string>,
  what: string,
): Promise<{ commit: string | null; files: number }> {
  const add = await git(['add', '-A'], { cwd: dir });
  if (isNotARepo(add)) throw (await explainNotARepo(dir)) ?? notARepo(dir);
  if (add.exitCode !== 0) {
    throw new AicoderError('internal', `git add -A in ${what} failed: ${gitMessage(add)}`);
  }
  // Argv git, not simple-git: a -z name list needs no parser; simple-git's diff summary would count lines too.
  const staged = splitZ((await git(['diff', '--cached', '--name-only', '-z'], { cwd: dir })).stdout);
  if (staged.length === 0) return { commit: null, files: 0 };
  const r = await git(['commit', '-q', '-F', '-'], { cwd: dir, input: message });
  if (r.exitCode !== 0) {
    if (
      /Please tell me who you are|unable to auto-detect email|no email was given|empty ident/i.test(r.stderr)
    ) {
      throw new AicoderError(
        'conflict',
        `git commit in ${what} failed: git has no identity to commit with (user.name and user.email ` +
          `are not set). Set them, then commit again: git config --global user.name "Your Name" and ` +
          `git config --global user.email you@example.com (without --global: only for that repository)`,
      );
    }
    throw new AicoderError('conflict', `git commit in ${what} failed: ${gitMessage(r)}`);
  }
  const head = await revParseCommit(git, dir, 'HEAD');
  return { commit: head.stdout.trim(), files: staged.filter((f) => !links.has(f)).length };
}

async function tip(git: GitRunner, repo: string, ref: string, field: string): Promise<string> {
  validateRefArg(ref, field);
  const r = await revParseCommit(git, repo, ref);
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || sha === '') {
    throw new AicoderError('unknown_ref', `unknown ref '${ref}' in ${repo}`, { field });
  }
  return sha;
}

export async function snapshot(
  git: GitRunner,
  repo: string,
  worktree: string,
  branch: string,
): Promise<string> {
  const branchTip = await tip(git, repo, `refs/heads/${branch}`, 'branch');
  if (!(await isDirectory(worktree))) return branchTip;
  return withWorktreeIndex(git, worktree, async (env) => {
    const tree = await git(['write-tree'], { cwd: worktree, env });
    if (tree.exitCode !== 0) {
      throw new AicoderError('internal', `git write-tree in ${worktree} failed: ${gitMessage(tree)}`);
    }
    const head = await tip(git, worktree, 'HEAD', 'workspace');
    const headTree = await git(['rev-parse', `${head}^{tree}`], { cwd: worktree });
    if (headTree.stdout.trim() === tree.stdout.trim()) return head;
    const c = await git(['commit-tree', tree.stdout.trim(), '-p', head, '-m', 'aicoder snapshot'], {
      cwd: worktree,
      env: SNAPSHOT_IDENTITY,
    });
    if (c.exitCode !== 0) {
      throw new AicoderError('internal', `git commit-tree in ${worktree} failed: ${gitMessage(c)}`);
    }
    return c.stdout.trim();
  });
}

/** The result of `git merge-tree --write-tree`: exit 0 clean, 1 conflicts, else an error. */
export async function mergeTree(
  git: GitRunner,
  repo: string,
  a: string,
  b: string,
): Promise<Forecast & { tree: string | null }> {
  validateRefArg(a, 'ref');
  validateRefArg(b, 'ref');
  // Argv git, not simple-git: it has no merge-tree (git-merge-tree(1) --write-tree -z output: tree id, then file names).
  const r = await git(['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', a, b], {
    cwd: repo,
  });
  if (r.exitCode !== 0 && r.exitCode !== 1) {
    throw new AicoderError('internal', `git merge-tree ${a} ${b} failed: ${gitMessage(r)}`);
  }
  const [tree = '', ...files] = splitZ(r.stdout);
  if (r.exitCode === 0) return { clean: true, files: [], tree };
  return { clean: false, files: [...new Set(files)].filter((f) => f !== '').sort(), tree: null };
}

export async function forecast(git: GitRunner, repo: string, a: string, b: string): Promise<Forecast> {
  const { clean, files } = await mergeTree(git, repo, a, b);
  return { clean, files };
}

export async function isMerged(
  git: GitRunner,
  spec: { repo: string; workspace: string; branch: string; base_ref: string; base_commit: string },
): Promise<boolean> {
  const { repo, workspace: worktree, branch, base_ref, base_commit } = spec;
  if (await isDirectory(worktree)) {
    const clean = await checkoutStatus(git, worktree).then(
      (st) => st.isClean(),
      () => false,
    );
    if (!clean) return false;
    if ((await submoduleWork(git, worktree, base_commit)).length > 0) return false;
  }
  const br = await revParseCommit(git, repo, `refs/heads/${branch}`);
  if (br.exitCode !== 0) return true; // no branch: nothing to lose
  const not = [base_commit];
  const base = await revParseCommit(git, repo, base_ref);
  if (base.exitCode === 0 && base.stdout.trim() !== '') not.push(base.stdout.trim());
  const r = await git(['rev-list', '--count', br.stdout.trim(), '--not', ...not, '--'], { cwd: repo });
  return r.exitCode === 0 && r.stdout.trim() === '0';
}

export async function prune(git: GitRunner, repo: string): Promise<string[]> {
  const p = await git(['worktree', 'prune'], { cwd: repo });
  if (p.exitCode !== 0) {
    throw new AicoderError('internal', `git worktree prune in ${repo} failed: ${gitMessage(p)}`);
  }
  return (await worktreeList(git, repo)).worktrees.map((w) => w.path);
}
