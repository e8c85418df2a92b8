/**
 * Git LFS (https://git-lfs.com) when creating a worktree. With git-lfs installed nothing changes: the
 * checkout smudges LFS files as usual. Without it, a repository whose config has the LFS filter
 * (`filter.lfs.process`, usually with `filter.lfs.required=true`, written by `git lfs install`) makes
 * `git worktree add` fail ("the remote end hung up unexpectedly"), so the checkout runs with the filter
 * switched off for that one command (`-c filter.lfs.*=`, GIT_LFS_SKIP_SMUDGE=1) and the LFS files stay
 * pointer files; the caller turns {@link lfsWarning} into a warning on the coder.
 * The user's configuration is never changed.
 */
import { splitZ, type GitRunner } from './exec.js';

export interface LfsCheckout {
  /** git-lfs runs (`git lfs version` exits 0). */
  installed: boolean;
  /** Extra leading git arguments (`-c …`) for the checkout; empty when git-lfs is installed. */
  args: string[];
  /** Extra environment for the checkout. */
  env: Record<string, string>;
}

/**
 * Whether git-lfs runs for `repo`, and how to check out without it. Without git-lfs the LFS filter is
 * disabled for the checkout and so are hooks: the post-checkout hook `git lfs install` writes calls
 * git-lfs and would fail the checkout.
 */
export async function lfsCheckout(git: GitRunner, repo: string): Promise<LfsCheckout> {
  if (await lfsInstalled(git, repo)) return { installed: true, args: [], env: {} };
  return {
    installed: false,
    args: [
      '-c',
      'filter.lfs.required=false',
      '-c',
      'filter.lfs.process=',
      '-c',
      'filter.lfs.smudge=',
      '-c',
      'filter.lfs.clean=',
      '-c',
      'core.hooksPath=/dev/null',
    ],
    env: { GIT_LFS_SKIP_SMUDGE: '1' },
  };
}

const INSTALLED_TTL_MS = 30_000;
const installedCache = new Map<string, { at: number; installed: Promise<boolean> }>();

/** `git lfs version` exits 0; remembered for 30 s per PATH (installing git-lfs is seen soon enough). */
export function lfsInstalled(git: GitRunner, cwd: string): Promise<boolean> {
  const key = process.env.PATH ?? '';
  const hit = installedCache.get(key);
  if (hit !== undefined && Date.now() - hit.at < INSTALLED_TTL_MS) return hit.installed;
  const installed = git(['lfs', 'version'], { cwd }).then(
    (r) => r.exitCode === 0,
    () => false,
  );
  installedCache.set(key, { at: Date.now(), installed });
  return installed;
}

/**
 * The warning for a worktree checked out without git-lfs: null when no tracked file has the `lfs`
 * filter attribute (`git ls-files ':(attr:filter=lfs)'`).
 */
export async function lfsWarning(git: GitRunner, worktree: string): Promise<string | null> {
  // Argv git, not simple-git: a -z name list with an attribute pathspec needs no parser.
  const r = await git(['ls-files', '-z', '--', ':(attr:filter=lfs)'], { cwd: worktree });
  if (r.exitCode !== 0) return null;
  const files = splitZ(r.stdout);
  if (files.length === 0) return null;
  const eg = files.slice(0, 3).join(', ');
  const n = files.length;
  return (
    `git-lfs is not installed: ${n} LFS file${n === 1 ? ' is a pointer file' : 's are pointer files'} ` +
    `in this worktree (${eg}${n > 3 ? ', …' : ''}); install git-lfs (e.g. apt-get install git-lfs) ` +
    `and run 'git lfs pull' in the worktree to get the contents`
  );
}
