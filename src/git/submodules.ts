/**
 * Submodules of a coder's worktree: initializing them at create (with the user's own git
 * configuration, never weakened), and finding the checked-out ones so that diff, changes, commit,
 * merge and rm see the changes inside them. Formats: gitmodules(5) (`submodule.<name>.path`),
 * git-ls-files(1) `-s` (mode 160000 marks a gitlink), git-ls-tree(1).
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { gitMessage, splitZ, type GitRunner } from './exec.js';
import { checkoutStatus, statusLine } from './status.js';

/** A submodule checked out in a worktree (its folder has a `.git`). */
export interface CheckedOutSubmodule {
  /** Path relative to the worktree's top, '/'-separated, with the parents' paths for nested ones. */
  path: string;
  /** Absolute folder of the submodule's checkout. */
  dir: string;
  /** The gitlink recorded for it in the parent's baseline commit, or null (new, or not in the base). */
  base: string | null;
  /** Nesting level: 0 for the worktree's own submodules. */
  depth: number;
}

const GITLINK_MODE = '160000';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Paths of the gitlinks in `dir`'s index that .gitmodules names (cheap: no walk of the tree). */
export async function submodulePaths(git: GitRunner, dir: string): Promise<string[]> {
  if (!(await exists(join(dir, '.gitmodules')))) return [];
  // Argv git, not simple-git: its submodule API runs `git submodule` (recursing); this reads the index and .gitmodules only.
  const cfg = await git(['config', '-f', '.gitmodules', '-z', '--get-regexp', '^submodule\\..*\\.path$'], {
    cwd: dir,
  });
  if (cfg.exitCode !== 0) return [];
  const named = splitZ(cfg.stdout)
    .map((rec) => rec.slice(rec.indexOf('\n') + 1))
    .filter((p) => p !== '' && !p.startsWith('/') && !p.split('/').includes('..'));
  if (named.length === 0) return [];
  const ls = await git(['ls-files', '-s', '-z', '--', ...named.map((p) => `:(literal)${p}`)], { cwd: dir });
  if (ls.exitCode !== 0) return [];
  const out: string[] = [];
  for (const rec of splitZ(ls.stdout)) {
    const tab = rec.indexOf('\t');
    if (rec.startsWith(`${GITLINK_MODE} `) && tab > 0) out.push(rec.slice(tab + 1));
  }
  return [...new Set(out)].sort();
}

/** The gitlink commits of `paths` in `treeish` (paths that are not gitlinks there are absent). */
async function gitlinksAt(
  git: GitRunner,
  dir: string,
  treeish: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  // Argv git, not simple-git: it has no ls-tree parser.
  const r = await git(['ls-tree', '-z', treeish, '--', ...paths.map((p) => `:(literal)${p}`)], {
    cwd: dir,
  });
  if (r.exitCode !== 0) return out;
  for (const rec of splitZ(r.stdout)) {
    // "<mode> SP <type> SP <object> TAB <path>"
    const tab = rec.indexOf('\t');
    const [mode, , sha] = rec.slice(0, tab).split(' ');
    if (mode === GITLINK_MODE && sha) out.set(rec.slice(tab + 1), sha);
  }
  return out;
}

async function hasCommit(git: GitRunner, dir: string, sha: string): Promise<boolean> {
  const r = await git(['cat-file', '-e', `${sha}^{commit}`], { cwd: dir });
  return r.exitCode === 0;
}

/**
 * The checked-out submodules of `dir`, nested ones included, parents before children. `base` is the
 * baseline commit of `dir` (the coder's base commit for the worktree) whose gitlinks say where each
 * submodule started; a submodule whose baseline commit is missing from its repository gets null.
 */
export async function checkedOutSubmodules(
  git: GitRunner,
  dir: string,
  base: string | null,
  prefix = '',
  depth = 0,
): Promise<CheckedOutSubmodule[]> {
  const paths = await submodulePaths(git, dir);
  if (paths.length === 0) return [];
  const there: string[] = [];
  for (const p of paths) if (await exists(join(dir, p, '.git'))) there.push(p);
  const links = base === null ? new Map<string, string>() : await gitlinksAt(git, dir, base, there);
  const out: CheckedOutSubmodule[] = [];
  for (const p of there) {
    const subDir = join(dir, p);
    const link = links.get(p) ?? null;
    let subBase: string | null;
    try {
      subBase = link !== null && (await hasCommit(git, subDir, link)) ? link : null;
    } catch {
      // Not a submodule git made there (an agent cloned a repository into its folder, whose `.git`
      // is a folder): git itself sees it as the gitlink only, and so do we.
      continue;
    }
    out.push({ path: `${prefix}${p}`, dir: subDir, base: subBase, depth });
    out.push(...(await checkedOutSubmodules(git, subDir, subBase, `${prefix}${p}/`, depth + 1)));
  }
  return out;
}

/** A pathspec that leaves out the given submodule paths (relative to the repository they are in). */
export function excludeSubmodules(paths: readonly string[]): string[] {
  return paths.map((p) => `:(exclude,literal)${p}`);
}

/** What a submodule holds that its remote does not: uncommitted changes and unpushed commits. */
export interface SubmoduleWork {
  path: string;
  dir: string;
  /** Its `git status` entries in short format (status.ts statusLine), nested submodules included. */
  uncommitted: string[];
  /** Commits of its HEAD on no remote-tracking branch and not in its baseline commit. */
  unpushed: number;
}

/** The unsaved work in each checked-out submodule of `worktree` (only those that have some). */
export async function submoduleWork(
  git: GitRunner,
  worktree: string,
  base: string | null,
): Promise<SubmoduleWork[]> {
  const out: SubmoduleWork[] = [];
  for (const s of await checkedOutSubmodules(git, worktree, base)) {
    const uncommitted = (await checkoutStatus(git, s.dir)).files.map(statusLine);
    const rl = await git(
      ['rev-list', '--count', 'HEAD', '--not', '--remotes', ...(s.base === null ? [] : [s.base]), '--'],
      { cwd: s.dir },
    );
    const unpushed = rl.exitCode === 0 ? Number.parseInt(rl.stdout.trim(), 10) || 0 : 0;
    if (uncommitted.length > 0 || unpushed > 0) out.push({ path: s.path, dir: s.dir, uncommitted, unpushed });
  }
  return out;
}

/** One sentence per submodule with unsaved work, for refusals ("vendor/lib: 1 uncommitted (M lib.txt)"). */
export function describeWork(work: readonly SubmoduleWork[]): string {
  return work
    .map((w) => {
      const parts: string[] = [];
      if (w.uncommitted.length > 0) {
        const shown = w.uncommitted.slice(0, 3).map((l) => l.trim());
        const more = w.uncommitted.length > 3 ? ` and ${w.uncommitted.length - 3} more` : '';
        parts.push(`uncommitted changes (${shown.join(', ')}${more})`);
      }
      if (w.unpushed > 0) {
        parts.push(`${w.unpushed} commit${w.unpushed === 1 ? '' : 's'} on no remote branch`);
      }
      return `submodule ${w.path} has ${parts.join(' and ')}`;
    })
    .join('; ');
}

/**
 * Initializes the submodules of a new worktree: `git submodule update --init --recursive`, run with
 * the user's configuration as it is (a `protocol.file.allow` that refuses local-path URLs is obeyed,
 * never overridden). Returns warnings for the coder (one sentence each); never throws for git's refusals.
 * `enabled` false skips it (and warns that the folders are empty), null means "when .gitmodules exists".
 */
export async function initSubmodules(
  git: GitRunner,
  worktree: string,
  enabled: boolean | null | undefined,
  env?: Record<string, string>,
  preArgs: readonly string[] = [],
): Promise<string[]> {
  const paths = await submodulePaths(git, worktree);
  if (paths.length === 0) return [];
  if (enabled === false) {
    return [
      `submodules not initialized (.aicoder.json "submodules": false): ${paths.join(', ')} ${paths.length === 1 ? 'is' : 'are'} empty`,
    ];
  }
  const r = await git([...preArgs, 'submodule', 'update', '--init', '--recursive'], {
    cwd: worktree,
    ...(env === undefined ? {} : { env }),
  });
  if (r.exitCode === 0) return [];
  const missing: string[] = [];
  for (const p of paths) if (!(await exists(join(worktree, p, '.git')))) missing.push(p);
  const which = missing.length > 0 ? missing.join(', ') : paths.join(', ');
  if (/transport 'file' not allowed/i.test(r.stderr)) {
    return [
      `submodule ${which} not initialized: your git configuration refuses local-path submodule URLs ` +
        `(protocol.file.allow); aicoder does not override it. Allow it (git config --global ` +
        `protocol.file.allow always) or run 'git submodule update --init' in the worktree yourself`,
    ];
  }
  return [`submodule ${which} not initialized: git submodule update failed: ${gitMessage(r)}`];
}
