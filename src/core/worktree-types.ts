/**
 * Types and ports of the worktree lifecycle: per-repo settings (.aicoder.json), commit and
 * merge back, conflict forecast, garbage collection and disk usage. The implementations live in
 * src/workspace (settings, copying, ports, sizes) and src/git (commit, merge, forecast).
 */

/** Settings of .aicoder.json (repo root) merged over the user's defaults (config.json "worktree"). */
import type { NetworkMode, SandboxMode } from './sandbox.js';

export interface RepoSettings {
  /** Globs (git pathspec glob syntax) of untracked or ignored files copied into each new worktree. */
  copy: string[];
  /** Commands (argv arrays, never a shell) run in the worktree before the agent starts. */
  setup: string[][];
  /** Commands (argv arrays) run in the worktree before it is removed; failures are logged only. */
  teardown: string[][];
  /** Number of free loopback ports each coder gets as AICODER_PORT_0… (PORT = the first). */
  ports: number;
  /**
   * Whether a new worktree gets its submodules initialized (`git submodule update --init --recursive`,
   * with the user's own git configuration). null: yes when the repository has a .gitmodules file.
   */
  submodules: boolean | null;
  /** The sandbox of new coders (docs/sandbox.md); unset: none. A create's own value wins. */
  sandbox?: SandboxMode;
  /** The network of new sandboxed coders (docs/sandbox.md); unset: on. */
  network?: NetworkMode;
  /** Commands (argv arrays) that check an agent's work in its worktree: tests, lint, build. */
  check: string[][];
  /** Each check command is ended after this many seconds (default 600). */
  check_timeout_s: number;
}

/** A check command's default timeout, in seconds. */
export const DEFAULT_CHECK_TIMEOUT_S = 600;

export const EMPTY_SETTINGS: RepoSettings = {
  copy: [],
  setup: [],
  teardown: [],
  ports: 0,
  submodules: null,
  check: [],
  check_timeout_s: DEFAULT_CHECK_TIMEOUT_S,
};

export interface PrepPort {
  /** Repo settings (the repo's .aicoder.json over `defaults`); invalid files throw naming file and key. */
  loadSettings(repo: string, defaults: Partial<RepoSettings> | undefined): Promise<RepoSettings>;
  /** Copies untracked/ignored files matching `copy` and .worktreeinclude; returns the copied paths. */
  copyIntoWorktree(repo: string, worktree: string, settings: RepoSettings): Promise<string[]>;
  /**
   * Copies the named repo-relative regular files (create's `workspace_files`) from the checkout into
   * the worktree, skipping those already there. Never follows a symlink out of either: a name whose
   * realpath leaves the checkout, or whose destination folder leaves the worktree, throws
   * path_outside (field workspace_files); a missing file not_found; a non-file invalid_input.
   */
  copyNamedFiles(repo: string, worktree: string, files: readonly string[]): Promise<void>;
  /** A loopback port that is free now (verified by binding) and not in `taken`. */
  freePort(taken: ReadonlySet<number>): Promise<number>;
  /** Bytes used by a directory tree (files counted once, symlinks not followed); 0 when missing. */
  dirSize(path: string): Promise<number>;
  /** Directory exists. */
  exists(path: string): Promise<boolean>;
}

export type MergeStrategy = 'merge' | 'squash' | 'rebase';

export interface CommitResult {
  /** The new commit, or null when there was nothing to commit. */
  commit: string | null;
  files: number;
  message: string;
}

export interface MergeSpec {
  repo: string;
  workspace: string;
  branch: string;
  base_ref: string;
  strategy: MergeStrategy;
  /** Message of the merge or squash commit. */
  message: string;
  /** The coder's process is live (rebase, which rewrites the worktree's branch, refuses then). */
  live: boolean;
  /** The coder merged (kept in the merge journal so a recovery can be noted on it). */
  coder_id?: string;
}

/** What the daemon did at start with a merge that a crash interrupted (git/merge-journal.ts). */
export interface MergeRecovery {
  coder_id: string | null;
  checkout: string;
  base_ref: string;
  before: string;
  after: string;
  /**
   * finished: the checkout and branch now hold `after` (the merge completed);
   * rolled_back: they hold `before` again; untouched: neither could be done safely (see message).
   */
  outcome: 'finished' | 'rolled_back' | 'untouched';
  message: string;
}

export interface MergeResult {
  strategy: MergeStrategy;
  base_ref: string;
  /** base_ref's tip before and after. */
  before: string;
  after: string;
  /** fast_forward: base moved to the branch tip; merged: a new merge/squash commit; up_to_date: nothing to do. */
  outcome: 'fast_forward' | 'merged' | 'up_to_date';
  /** Worktree (often the user's main checkout) whose checkout was updated to the new tip, if any. */
  updated_checkout: string | null;
}

export interface Forecast {
  clean: boolean;
  /** Files that would conflict (empty when clean). */
  files: string[];
}

export interface GitOpsPort {
  /** Stages everything (incl. untracked, not ignored) and commits; null commit when nothing changed. */
  commitAll(worktree: string, message: string): Promise<CommitResult>;
  /** Merges the branch into base_ref without ever leaving a checkout conflicted (see docs/worktrees.md). */
  merge(spec: MergeSpec): Promise<MergeResult>;
  /**
   * A commit holding the worktree's current content (committed and uncommitted, untracked included),
   * made without touching HEAD, index or refs. Falls back to the branch tip when the dir is gone.
   */
  snapshot(repo: string, worktree: string, branch: string): Promise<string>;
  /** `git merge-tree --write-tree` forecast of merging two commits (or refs). */
  forecast(repo: string, a: string, b: string): Promise<Forecast>;
  /** The branch has no commits outside base_ref's tip and base_commit, and the worktree is clean. */
  isMerged(spec: {
    repo: string;
    workspace: string;
    branch: string;
    base_ref: string;
    base_commit: string;
  }): Promise<boolean>;
  /** `git worktree prune`; returns the registered worktree paths afterwards. */
  prune(repo: string): Promise<string[]>;
  /** At start: finishes or rolls back every merge a crash interrupted (the merge journal). */
  recoverMerges(): Promise<MergeRecovery[]>;
}

// ------------------------------------------------------------------ API shapes

export interface ConflictPair {
  a: string;
  b: string;
  files: string[];
}

export interface BaseConflict {
  coder: string;
  base_ref: string;
  files: string[];
}

export interface ConflictReport {
  repo: string;
  /** Coders compared (every coder of the repo that still has its worktree). */
  coders: string[];
  pairs: ConflictPair[];
  with_base: BaseConflict[];
}

export interface GcInput {
  /** Only coders that ended at least this long ago (default 0). */
  older_than_ms?: number;
  dry_run?: boolean;
  include_unmerged?: boolean;
  repo?: string;
}

export interface GcItem {
  id: string;
  repo: string;
  branch: string;
  workspace: string;
  state: string;
  merged: boolean;
  /** What the removal could not do (e.g. the repository is gone: its branch stays). */
  notes?: string[];
}

export interface GcResult {
  dry_run: boolean;
  /** What was (or, with dry_run, would be) removed. */
  removed: GcItem[];
  /** Ended coders left alone, with the reason. */
  skipped: (GcItem & { reason: string })[];
  /** Repositories whose worktree registrations were pruned. */
  pruned: string[];
}

export interface DiskUsage {
  id: string;
  workspace: string;
  bytes: number;
}

/** The lifecycle part of the manager's surface (implemented by core/manager.ts). */
export interface WorktreeApi {
  commit(idOrPrefix: string, input: { message?: string }): Promise<CommitResult & { coder_id: string }>;
  merge(
    idOrPrefix: string,
    input: { strategy?: MergeStrategy; message?: string },
  ): Promise<MergeResult & { coder_id: string }>;
  /** Conflicts among the coders of one repo (or of the repo of `coder`). */
  conflicts(input: { repo?: string; coder?: string }): Promise<ConflictReport[]>;
  gc(input: GcInput): Promise<GcResult>;
  disk(ids: readonly string[]): Promise<DiskUsage[]>;
}
