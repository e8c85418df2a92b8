/** Repository discovery and ref lookups. */
import { realpath } from 'node:fs/promises';
import { AicoderError } from '../core/errors.js';
import { check, isDirectory, isNotARepo, type GitResult, type GitRunner } from './exec.js';

export function notARepo(path: string, detail?: string): AicoderError {
  return new AicoderError('not_a_repo', `not a git repository: ${path}${detail ? ` (${detail})` : ''}`, {
    field: 'repo',
  });
}

export async function toplevel(git: GitRunner, path: string): Promise<string> {
  if (!(await isDirectory(path))) throw notARepo(path, 'no such directory');
  const r = await git(['rev-parse', '--show-toplevel'], { cwd: path });
  const top = r.stdout.trim();
  if (r.exitCode !== 0 || top === '') throw notARepo(path);
  return realpath(top);
}

/**
 * toplevel, base commit and HEAD's branch in one spawn:
 * `git rev-parse --show-toplevel <ref>^{commit} [--symbolic-full-name HEAD] --`, which prints one line
 * per argument (the `--` too; it also keeps a file named like the ref from making it ambiguous).
 * Null when git does not answer every part (not a repository, no commits, unknown ref, bare repo):
 * the one-by-one lookups then give the precise error.
 */
export async function locate(
  git: GitRunner,
  path: string,
  baseRef?: string,
): Promise<{ toplevel: string; base_ref: string; base_commit: string } | null> {
  if (baseRef !== undefined) validateRefArg(baseRef, 'base_ref');
  if (!(await isDirectory(path))) return null;
  // Argv git, not simple-git: three answers from one spawn; simple-git's revparse is one trimmed string per call.
  const args = ['rev-parse', '--show-toplevel', `${baseRef ?? 'HEAD'}^{commit}`];
  if (baseRef === undefined) args.push('--symbolic-full-name', 'HEAD');
  args.push('--');
  const r = await git(args, { cwd: path });
  if (r.exitCode !== 0) return null;
  const lines = r.stdout.split('\n');
  const [top, sha] = lines;
  const sym = baseRef === undefined ? lines[2] : undefined;
  if (!top || !sha || !/^[0-9a-f]{40,64}$/.test(sha)) return null;
  if (lines[baseRef === undefined ? 3 : 2] !== '--') return null;
  const branch = sym?.startsWith('refs/heads/') ? sym.slice('refs/heads/'.length) : undefined;
  return { toplevel: await realpath(top), base_ref: baseRef ?? branch ?? sha, base_commit: sha };
}

/** Throws not_a_repo when `repo` is not an existing directory (git itself reports the rest). */
export async function ensureRepoDir(repo: string): Promise<void> {
  if (!(await isDirectory(repo))) throw notARepo(repo, 'no such directory');
}

function noCommits(repo: string): AicoderError {
  return new AicoderError('unknown_ref', `repository ${repo} has no commits yet, so HEAD names no commit`, {
    field: 'base_ref',
  });
}

export async function headRef(git: GitRunner, repo: string): Promise<string> {
  await ensureRepoDir(repo);
  // Argv git, not simple-git: its branch()/status() list every branch or scan the worktree; symbolic-ref reads one file.
  const [head, sym] = await Promise.all([
    git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: repo }),
    git(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: repo }),
  ]);
  if (isNotARepo(head)) throw notARepo(repo);
  if (head.exitCode !== 0) throw noCommits(repo);
  const branch = sym.stdout.trim();
  if (sym.exitCode === 0 && branch !== '') return branch;
  return head.stdout.trim();
}

/** Rejects refs that git would read as options or that cannot be refs at all. */
export function validateRefArg(ref: string, field: string): void {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new AicoderError('invalid_input', `${field} must be a non-empty ref name or commit id`, { field });
  }
  if (ref.startsWith('-')) {
    throw new AicoderError('invalid_input', `${field} must not start with '-' (got '${ref}')`, { field });
  }
  if (/[\0\n\r]/.test(ref)) {
    throw new AicoderError('invalid_input', `${field} must not contain NUL or line breaks`, { field });
  }
}

export function unknownRef(repo: string, ref: string, field = 'base_ref'): AicoderError {
  return new AicoderError('unknown_ref', `unknown ref '${ref}' in ${repo}`, { field });
}

/** The raw lookup; exit 0 with the commit id on stdout when the ref names a commit. */
export function revParseCommit(git: GitRunner, repo: string, ref: string): Promise<GitResult> {
  return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo });
}

export async function resolveCommit(
  git: GitRunner,
  repo: string,
  ref: string,
  field = 'base_ref',
): Promise<string> {
  validateRefArg(ref, field);
  await ensureRepoDir(repo);
  const r = await revParseCommit(git, repo, ref);
  if (isNotARepo(r)) throw notARepo(repo);
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) throw unknownRef(repo, ref, field);
  return sha;
}

/** Throws invalid_input (field branch) unless `branch` is a valid new branch name. */
export async function validateBranchName(git: GitRunner, cwd: string, branch: string): Promise<void> {
  const bad = (why: string) =>
    new AicoderError('invalid_input', `branch '${branch}' is not a valid branch name: ${why}`, {
      field: 'branch',
    });
  if (typeof branch !== 'string' || branch.length === 0) {
    throw new AicoderError('invalid_input', 'branch must be a non-empty branch name', { field: 'branch' });
  }
  if (branch.startsWith('-')) throw bad("it must not start with '-'");
  if (branch.includes('@{')) throw bad("it must not contain '@{'");
  if (branch === 'HEAD') throw bad("'HEAD' is reserved");
  if (branch.length > 250) throw bad('it must be at most 250 characters');
  const r = await git(['check-ref-format', '--branch', branch], { cwd });
  if (r.exitCode !== 0 || r.stdout.trim() !== branch) throw bad('git check-ref-format rejects it');
}

export async function branchExists(git: GitRunner, repo: string, branch: string): Promise<boolean> {
  await ensureRepoDir(repo);
  await validateBranchName(git, repo, branch);
  const r = await git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: repo });
  if (isNotARepo(r)) throw notARepo(repo);
  if (r.exitCode === 0) return true;
  if (r.exitCode === 1) return false;
  check(r, 'git show-ref');
  return false;
}
