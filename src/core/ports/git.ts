/**
 * The git port: worktrees, branches, diffs and change lists (src/git/).
 * Part of the core's ports (../ports.ts re-exports them all).
 */
import type { WorkspaceFile } from './workspace.js';

export interface WorktreeSpec {
  repo: string;
  base_commit: string;
  branch: string;
  path: string;
  /** Initialize submodules (.aicoder.json `submodules`); null or absent: when .gitmodules exists. */
  submodules?: boolean | null;
}

/** What `createWorktree` made, beyond the worktree itself. */
export interface CreatedWorktree {
  /** Problems that did not stop the checkout (e.g. git-lfs missing), one sentence each. */
  warnings: string[];
}

/** What `removeWorktree` could not do (e.g. the repository is gone), one sentence each. */
export interface RemovedWorktree {
  notes: string[];
}

export interface RemoveWorktreeSpec {
  repo: string;
  path: string;
  branch: string;
  /** "Commits not in base": not reachable from base_ref's current tip nor from base_commit. */
  base_ref: string;
  base_commit: string;
  force: boolean;
  keep_branch: boolean;
}

export type FileChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'untracked';

export interface FileChange {
  path: string;
  status: FileChangeStatus;
  insertions: number;
  deletions: number;
  /** Previous path for renames. */
  from?: string;
}

/**
 * Page of a long list (changes, workspace files): `cursor` is the previous page's next_cursor;
 * `limit` entries per page, 1–5000 (default 1000); a page also ends at a size budget (256 KiB).
 */
export interface PageQuery {
  cursor?: string;
  limit?: number;
}

export interface ChangesPage {
  /** Sorted by path. */
  changes: FileChange[];
  /** Changed files in the whole worktree. */
  total: number;
  /** Cursor for the next page; null on the last one (the marker that more entries exist). */
  next_cursor: string | null;
}

export interface FilesPage {
  /** Sorted by path. */
  files: WorkspaceFile[];
  /** Files in the whole worktree. */
  total: number;
  /** Cursor for the next page; null on the last one. */
  next_cursor: string | null;
}

/** What `GitPort.locate` answers: the repository's toplevel (realpath), a base commit and its ref. */
export interface LocatedRepo {
  toplevel: string;
  /** The base ref asked for, or HEAD's branch (its commit id when HEAD is detached). */
  base_ref: string;
  /** Full commit id of base_ref. */
  base_commit: string;
}

export interface GitPort {
  /** Absolute toplevel of the repository containing `path`; throws not_a_repo. */
  toplevel(path: string): Promise<string>;
  /** The symbolic name of HEAD (branch) or its commit when detached. */
  headRef(repo: string): Promise<string>;
  /** Full commit id of a ref; throws unknown_ref naming the ref. */
  resolveCommit(repo: string, ref: string): Promise<string>;
  branchExists(repo: string, branch: string): Promise<boolean>;
  /**
   * toplevel, then the commit of `baseRef` (default HEAD) and HEAD's branch, asked of git at once (one
   * `git rev-parse`); null when git cannot answer all of it, and the caller asks one by one for the
   * precise error. Optional: without it, create asks one by one.
   */
  locate?(path: string, baseRef?: string): Promise<LocatedRepo | null>;
  /** Creates branch + worktree; on any failure removes what it made and rethrows. */
  createWorktree(spec: WorktreeSpec): Promise<CreatedWorktree>;
  /**
   * Guards: dirty_worktree, unmerged_commits unless force. Missing directory is fine (pruned). A gone
   * repository: worktree_gone, or with force the folder is deleted and `notes` say what was not done.
   */
  removeWorktree(spec: RemoveWorktreeSpec): Promise<RemovedWorktree>;
  /** Unified diff of the worktree (committed, staged, unstaged and untracked) against base_commit. */
  diff(worktree: string, baseCommit: string): Promise<string>;
  /** A page of the changed files against base_commit (see PageQuery); never blocks the event loop. */
  changes(worktree: string, baseCommit: string, page?: PageQuery): Promise<ChangesPage>;
  /** The `total` that changes() would answer, counted without listing (a running coder's files_changed). */
  countChanges(worktree: string, baseCommit: string): Promise<number>;
}
