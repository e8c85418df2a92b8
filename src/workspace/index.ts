/** WorkspacePort: list, confined read and watch of a coder's worktree. */
import type { WorkspacePort } from '../core/ports.js';
import { gitRunner } from '../git/exec.js';
import { Pager } from '../git/paging.js';
import { gitStreamer } from '../git/stream.js';
import { listFiles, type ListedPath } from './list.js';
import { readFile } from './read.js';
import { createTreeClock, type TreeClock } from './tree-clock.js';
import { watchWorktree, type WorktreeWatch } from './watch.js';

export interface WorkspaceOptions {
  /** Quiet period before a watcher's onChange (default 300 ms). */
  debounceMs?: number;
  gitBinary?: string;
  /** AICODER_HOME/worktrees: git runs there only in verified worktrees (git/exec.ts). */
  worktreeRoot?: string;
  /** Start git from a helper thread (git/spawn-thread.ts): the daemon's event loop never waits for a spawn. */
  offThread?: boolean;
}

export interface Workspace extends WorkspacePort {
  /** The handle also carries `ready` (the watcher sees changes from then on). */
  watch(worktree: string, onChange: () => unknown): WorktreeWatch;
}

export function createWorkspace(opts: WorkspaceOptions = {}): Workspace {
  // Listing, reading and watching are inspection: git runs at a lower CPU priority (git/exec.ts).
  const git = gitRunner(opts.gitBinary, { ...opts, background: true });
  const stream = gitStreamer(opts.gitBinary, { ...opts, background: true });
  const pager = new Pager<ListedPath>();
  return {
    list: (worktree, page) => listFiles(stream, pager, worktree, page),
    read: (worktree, relPath, readOpts) =>
      readFile(worktree, relPath, readOpts, async (ws, rel) => {
        const r = await git(['ls-files', '-z', '--', `:(literal)${rel}`], { cwd: ws });
        return r.exitCode === 0 && r.stdout === `${rel}\0`;
      }),
    watch: (worktree, onChange) =>
      watchWorktree(worktree, onChange, {
        git,
        ...(opts.debounceMs === undefined ? {} : { debounceMs: opts.debounceMs }),
      }),
  };
}

/**
 * The change clock `changes` uses to answer a repeated call on an unchanged worktree
 * (tree-clock.ts; pass it to createGit as `changeClock`). Its git runs at the lower priority.
 */
export function createWorkspaceClock(opts: WorkspaceOptions = {}): TreeClock {
  return createTreeClock({ git: gitRunner(opts.gitBinary, { ...opts, background: true }) });
}

export type { WorktreeWatch } from './watch.js';
export type { TreeClock } from './tree-clock.js';
export { watchWorktree } from './watch.js';
