/**
 * The workspace port: reading and watching files inside a worktree (src/workspace/).
 * Part of the core's ports (../ports.ts re-exports them all).
 */
import type { FilesPage, PageQuery } from './git.js';

export interface WorkspaceFile {
  path: string;
  size: number;
  tracked: boolean;
}

export interface ReadResult {
  path: string;
  size: number;
  offset: number;
  content: string | null;
  binary: boolean;
  truncated: boolean;
  next_offset: number | null;
}

export interface WorkspacePort {
  /** A page of the tracked and untracked (not ignored) files, with sizes (see PageQuery). */
  list(worktree: string, page?: PageQuery): Promise<FilesPage>;
  /** Reads a repo-relative file, confined to the worktree (path_outside otherwise). */
  read(worktree: string, relPath: string, opts: { max_bytes: number; offset: number }): Promise<ReadResult>;
  /**
   * Watches the worktree (ignoring .git and ignored dirs); onChange is debounced by the implementation.
   * When onChange returns a promise, the next call waits for it and is spaced by its cost.
   */
  watch(worktree: string, onChange: () => unknown): WatchHandle;
}

export interface WatchHandle {
  close(): Promise<void>;
}
