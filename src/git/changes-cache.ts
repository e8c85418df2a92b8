/**
 * The last `changes` list of a worktree, reused while provably nothing it depends on changed: the
 * worktree's files (a change clock, workspace/tree-clock.ts, which watches the tree), and the git
 * files git reads besides them, compared by stat (size, mtime, inode): the worktree's index (which
 * files git tracks) and HEAD, the repository's config, info/exclude and info/attributes, the
 * worktree's config.worktree, and the user's global config, excludes and attributes files at their
 * default places ($XDG_CONFIG_HOME/git/…, ~/.gitconfig). The base is a commit id, part of the key.
 * A worktree with submodules (a `.gitmodules` file) is never cached: their checkouts have git
 * directories of their own. A `core.excludesFile` set to another path is not watched.
 * On a 200,000-file tree a `changes` call costs git about a second of CPU (`add -A` into a temporary
 * index reads every file's stat); a repeated call on an unchanged tree now costs a stat of ten files.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FileChange } from '../core/ports.js';
import type { GitRunner } from './exec.js';

/** Whether a worktree's files can have changed between two tokens (workspace/tree-clock.ts). */
export interface WorktreeClock {
  /** Equal non-null tokens: no file of the worktree changed in between. null: cannot tell. */
  token(worktree: string): Promise<string | null>;
}

/** Lists kept at most (each can hold 200,000 entries). */
const MAX_ENTRIES = 4;

interface Entry {
  token: string;
  list: FileChange[];
}

/**
 * A file's size, mtime and inode ('-' when missing). Synchronous on purpose: a dozen stat calls take
 * microseconds, where as many thread-pool round trips would each wake a pool thread.
 */
function statKey(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? '-' : `${st.size}:${st.mtimeMs}:${st.ino}`;
}

export class ChangesCache {
  private readonly entries = new Map<string, Entry>();
  /** Each worktree's git dir and common dir, kept while its `.git` (file or folder) stays the same. */
  private readonly gitDirs = new Map<string, { dotGit: string; gitDir: string; common: string }>();
  /** Calls answered from a kept list (tests and diagnostics). */
  hits = 0;

  constructor(
    private readonly clock: WorktreeClock,
    private readonly git: GitRunner,
  ) {}

  /** The worktree's change list against baseCommit: kept, or made by `compute` (and kept). */
  async list(
    worktree: string,
    baseCommit: string,
    compute: () => Promise<FileChange[]>,
  ): Promise<FileChange[]> {
    const key = `${resolve(worktree)}\0${baseCommit}`;
    // Taken before computing: a change during the computation makes the next token differ.
    const token = await this.token(worktree);
    const kept = this.entries.get(key);
    if (token !== null && kept !== undefined && kept.token === token) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.list;
    }
    this.entries.delete(key);
    const list = await compute();
    if (token !== null) {
      this.entries.set(key, { token, list });
      while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return list;
  }

  private async token(worktree: string): Promise<string | null> {
    const files = await this.clock.token(worktree);
    if (files === null) return null;
    if (statKey(join(worktree, '.gitmodules')) !== '-') return null;
    const dirs = await this.dirsOf(worktree);
    if (dirs === null) return null;
    const { gitDir, common } = dirs;
    const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
    const paths = [
      join(gitDir, 'index'),
      join(gitDir, 'HEAD'),
      join(gitDir, 'config.worktree'),
      join(common, 'config'),
      join(common, 'info', 'exclude'),
      join(common, 'info', 'attributes'),
      join(homedir(), '.gitconfig'),
      join(xdg, 'git', 'config'),
      join(xdg, 'git', 'ignore'),
      join(xdg, 'git', 'attributes'),
    ];
    const stats = paths.map(statKey);
    return `${files}|${stats.join('|')}`;
  }

  private async dirsOf(worktree: string): Promise<{ gitDir: string; common: string } | null> {
    const dotGit = statKey(join(worktree, '.git'));
    const kept = this.gitDirs.get(worktree);
    if (kept !== undefined && kept.dotGit === dotGit) return kept;
    const r = await this.git(['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir'], {
      cwd: worktree,
    });
    const [gitDir, common] = r.stdout.trim().split('\n');
    if (r.exitCode !== 0 || gitDir === undefined || common === undefined || dotGit === '-') {
      this.gitDirs.delete(worktree);
      return null;
    }
    this.gitDirs.set(worktree, { dotGit, gitDir, common });
    if (this.gitDirs.size > 64) this.gitDirs.delete(this.gitDirs.keys().next().value!);
    return { gitDir, common };
  }
}
