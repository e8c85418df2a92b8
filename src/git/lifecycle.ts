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

/** Identity for aicoder's own throwaway objects (snapshots), so they work without user.name set. */
export const SNAPSHOT_IDENTITY: Record<string, string> = {
  GIT_AUTHOR_NAME: 'aicoder',
  GIT_AUTHOR_EMAIL: 'aicoder@localhost',
  GIT_COMMITTER_NAME: 'aicoder',
  GIT_COMMITTER_EMAIL: 'aicoder@localhost',
};

export async function commitAll(git: GitRunner, workspace: string, message: string): Promise<CommitResult> {
  await ensureWorktreeDir(workspace);
  const add = await git(['add', '-A'], { cwd: workspace });
  if (isNotARepo(add)) throw (await explainNotARepo(workspace)) ?? notARepo(workspace);
  if (add.exitCode !== 0) {
    throw new AicoderError('internal', `git add -A in ${workspace} failed: ${gitMessage(add)}`);
  }
  const staged = await git(['diff', '--cached', '--name-only', '-z'], { cwd: workspace });
  const files = splitZ(staged.stdout).length;
  if (files === 0) return { commit: null, files: 0, message };
  const r = await git(['commit', '-q', '-F', '-'], { cwd: workspace, input: message });
  if (r.exitCode !== 0) {
    if (
      /Please tell me who you are|unable to auto-detect email|no email was given|empty ident/i.test(r.stderr)
    ) {
      throw new AicoderError(
        'conflict',
        `git commit in ${workspace} failed: git has no identity to commit with (user.name and user.email ` +
          `are not set). Set them, then commit again: git config --global user.name "Your Name" and ` +
          `git config --global user.email you@example.com (without --global: only for that repository)`,
      );
    }
    throw new AicoderError('conflict', `git commit in ${workspace} failed: ${gitMessage(r)}`);
  }
  const head = await revParseCommit(git, workspace, 'HEAD');
  return { commit: head.stdout.trim(), files, message };
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
  workspace: string,
  branch: string,
): Promise<string> {
  const branchTip = await tip(git, repo, `refs/heads/${branch}`, 'branch');
  if (!(await isDirectory(workspace))) return branchTip;
  return withWorktreeIndex(git, workspace, async (env) => {
    const tree = await git(['write-tree'], { cwd: workspace, env });
    if (tree.exitCode !== 0) {
      throw new AicoderError('internal', `git write-tree in ${workspace} failed: ${gitMessage(tree)}`);
    }
    const head = await tip(git, workspace, 'HEAD', 'workspace');
    const headTree = await git(['rev-parse', `${head}^{tree}`], { cwd: workspace });
    if (headTree.stdout.trim() === tree.stdout.trim()) return head;
    const c = await git(['commit-tree', tree.stdout.trim(), '-p', head, '-m', 'aicoder snapshot'], {
      cwd: workspace,
      env: SNAPSHOT_IDENTITY,
    });
    if (c.exitCode !== 0) {
      throw new AicoderError('internal', `git commit-tree in ${workspace} failed: ${gitMessage(c)}`);
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
  const { repo, workspace, branch, base_ref, base_commit } = spec;
  if (await isDirectory(workspace)) {
    const st = await git(['status', '--porcelain', '-z'], { cwd: workspace });
    if (st.exitCode !== 0 || st.stdout !== '') return false;
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
  const l = await git(['worktree', 'list', '--porcelain', '-z'], { cwd: repo });
  return splitZ(l.stdout)
    .filter((f) => f.startsWith('worktree '))
    .map((f) => f.slice('worktree '.length));
}
