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
  /** Claude Code's --permission-mode ({permission_mode} in templates); default acceptEdits. */
  claude_permission_mode?: ClaudePermissionMode;
  /** Extra environment variables per provider name, over the provider file's `env`. */
  provider_env?: Record<string, Record<string, string>>;
  /** A running coder with no output, event or heartbeat for this long is flagged stalled. */
  stall_after_s: number;
  /** How long aicoder_ask_user waits for an answer before telling the agent to go on without one. */
  ask_timeout_s: number;
  /** Default limits for new coders (null = none); a create may set its own. */
  max_turns: number | null;
  timeout_s: number | null;
  budget_usd: number | null;
  /** argv run by the daemon on needs_input, completed, failed and stalled (daemon/hooks.ts); null: none. */
  hook: string[] | null;
  /** Default of a create's keep_processes: background processes outlive the agent's run. */
  keep_processes?: boolean;
  /** Usage-limit waits in a row before a limit fails the coder (default 5; 0: never wait). */
  usage_limit_retries?: number;
  /** First backoff in seconds when a limit names no reset time (default 300; doubled per wait). */
  usage_limit_backoff_s?: number;
  /** Defaults for every repo's .aicoder.json keys (config.json "worktree"). */
  worktree_defaults?: Partial<RepoSettings>;
}

export const CLAUDE_PERMISSION_MODES = ['acceptEdits', 'bypassPermissions', 'default', 'plan'] as const;
export type ClaudePermissionMode = (typeof CLAUDE_PERMISSION_MODES)[number];

export const DEFAULT_MANAGER_CONFIG: ManagerConfig = {
  max_concurrent: 4,
  stop_grace_ms: 10_000,
  default_provider: 'claude',
  default_repo: null,
  claude_permission_mode: 'acceptEdits',
  provider_env: {},
  stall_after_s: 300,
  ask_timeout_s: 1800,
  max_turns: null,
  timeout_s: null,
  budget_usd: null,
  hook: null,
};
