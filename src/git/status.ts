/**
 * `git status` of a checkout, parsed by simple-git (its StatusResult: `git status --porcelain -b -u
 * --null`, git-status(1) "Porcelain Format Version 1"), through the runner's hardened simple-git
 * (exec.ts GitRunner.simple), so renames, spaces and newlines in names come out right.
 */
import type { FileStatusResult, StatusResult } from 'simple-git';
import { AicoderError } from '../core/errors.js';
import type { GitRunner } from './exec.js';

export interface StatusQuery {
  /**
   * Which untracked files count: `no` (tracked files only), `normal` (an untracked folder is one
   * entry, git's default and the cheap answer on a 200,000-file tree), `all` (each file).
   */
  untracked: 'no' | 'normal' | 'all';
}

/** The status of the checkout at `cwd`; rejects `internal` with git's message when git fails there. */
export async function checkoutStatus(
  git: GitRunner,
  cwd: string,
  q: StatusQuery = { untracked: 'normal' },
): Promise<StatusResult> {
  const sg = await git.simple(cwd);
  try {
    // simple-git passes -u; the later --untracked-files wins (git-status(1)).
    return await sg.status([`--untracked-files=${q.untracked}`]);
  } catch (e) {
    const why = e instanceof Error ? e.message.trim().replace(/^(fatal|error): /, '') : String(e);
    throw new AicoderError('internal', `git status in ${cwd} failed: ${why}`, { cause: e });
  }
}

/** One entry as git's short format shows it: "M a.txt", "?? new/", "R old.txt -> new.txt". */
export function statusLine(f: FileStatusResult): string {
  const path = f.from === undefined ? f.path : `${f.from} -> ${f.path}`;
  return `${f.index}${f.working_dir} ${path}`.trim();
}
