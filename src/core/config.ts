import type { RepoSettings } from './worktree-types.js';

/** Settings the manager needs. Loaded from AICODER_HOME/config.json by the daemon (daemon/config.ts). */
export interface ManagerConfig {
  /** Running coders at once; more wait in `queued` (FIFO). */
  max_concurrent: number;
  /** Grace period between SIGTERM and SIGKILL on stop. */
  stop_grace_ms: number;
  default_provider: string;
  /** Repository used when a create names none (MCP); null: the caller must name one. */
  default_repo: string | null;
  /** Defaults for every repo's .aicoder.json keys (config.json "worktree"). */
  worktree_defaults?: Partial<RepoSettings>;
}

export const DEFAULT_MANAGER_CONFIG: ManagerConfig = {
  max_concurrent: 4,
  stop_grace_ms: 10_000,
  default_provider: 'claude',
  default_repo: null,
};
