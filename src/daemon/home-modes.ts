/**
 * File modes of AICODER_HOME: the home is 0700 and everything the daemon keeps in it is readable by
 * its owner only (directories 0700, files 0600, an owner's execute bit kept), whatever the umask.
 * The daemon runs with umask 077 so that every file it (or a child that inherits its umask, like the
 * sh wrapper) creates is private from the start; `secureHome` also repairs homes made by older
 * versions or under a looser umask. Worktrees are not walked (they can hold 200,000 files): the 0700
 * home already keeps other users out of them.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** The umask the daemon runs with: new files 0600, new directories 0700. */
export const DAEMON_UMASK = 0o077;

/** Top-level entries of the home that are not walked (their own permissions are git's business). */
const NOT_WALKED = new Set(['worktrees']);

export interface SecureHomeResult {
  /** The umask the process had before (agents get it back: their files in a worktree are the user's). */
  previousUmask: number;
  /** Paths whose mode was tightened (an existing home made under a looser umask). */
  fixed: string[];
}

function tighten(path: string, st: Stats, fixed: string[]): void {
  const mode = st.mode & 0o7777;
  const wanted = st.isDirectory() ? 0o700 : (mode & 0o100) | 0o600;
  if (mode === wanted) return;
  chmodSync(path, wanted);
  fixed.push(path);
}

function walk(dir: string, fixed: string[], depth: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (depth === 0 && NOT_WALKED.has(name)) continue;
    const p = join(dir, name);
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      continue; // gone meanwhile
    }
    if (st.isSymbolicLink()) continue; // never follow a link out of the home; its mode means nothing
    try {
      tighten(p, st, fixed);
    } catch {
      continue; // not ours (another uid) or read-only filesystem: nothing better to do
    }
    if (st.isDirectory()) walk(p, fixed, depth + 1);
  }
}

/**
 * Sets the process umask to 077, creates `home` (0700) if needed, and tightens the modes of the home
 * and of everything in it except worktrees/ (dirs 0700, files 0600 plus the owner's x bit).
 * Errors: only mkdir/chmod failures of the home itself throw (ENOENT parents are created).
 */
export function secureHome(home: string): SecureHomeResult {
  const previousUmask = process.umask(DAEMON_UMASK);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const fixed: string[] = [];
  tighten(home, lstatSync(home), fixed);
  walk(home, fixed, 0);
  return { previousUmask, fixed };
}
