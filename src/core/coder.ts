/** The Coder record: plain data, the same shape on every surface (HTTP, MCP, CLI --json, TUI). */
import type { CoderSandbox } from './sandbox.js';
import type { UsageLimitWait } from './usage-limit.js';
import type { CheckReport } from './check-types.js';

export { CODER_STATES, type CoderState } from '../protocol/states.js';
import type { CoderState } from '../protocol/states.js';

export const TERMINAL_STATES: readonly CoderState[] = ['completed', 'failed', 'stopped', 'interrupted'];
export const LIVE_STATES: readonly CoderState[] = ['starting', 'running', 'needs_input', 'paused'];
/** States that hold or wait for a run slot or a process. */
export const ACTIVE_STATES: readonly CoderState[] = [
  'created',
  'queued',
  'starting',
  'running',
  'needs_input',
  'paused',
  'waiting',
  'attached',
];

export function isTerminal(s: CoderState): boolean {
  return TERMINAL_STATES.includes(s);
}
export function isLive(s: CoderState): boolean {
  return LIVE_STATES.includes(s);
}

export interface CoderStats {
  turns: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  files_changed: number;
  last_message: string | null;
}

export function emptyStats(): CoderStats {
  return { turns: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, files_changed: 0, last_message: null };
}

/** Progress the agent reported through its coder endpoint (aicoder_report_progress). */
export interface CoderProgress {
  message: string;
  /** 0–100, or null when the agent gave none. */
  percent: number | null;
  ts: string;
}

/** Limits the daemon holds a coder to; null = no limit. */
export interface CoderLimits {
  max_turns: number | null;
  timeout_s: number | null;
  budget_usd: number | null;
}

/** A process a coder started that is still running after its run ended (kept with keep_processes). */
export interface CoderProcess {
  pid: number;
  /** Linux /proc/<pid>/stat field 22 (clock ticks since boot): tells the process from a pid reuse. */
  start_time: string;
  /** Its command line, arguments joined by spaces (at most 200 characters). */
  command: string;
}

/**
 * The talk-back and run-fact fields of a new record (no question, no progress, not stalled, no limits,
 * no warnings, background processes ended with the run, no permission denials).
 */
export function emptyTalk(): Pick<
  Coder,
  | 'question'
  | 'progress'
  | 'stalled'
  | 'limits'
  | 'warnings'
  | 'keep_processes'
  | 'processes'
  | 'permission_denials'
  | 'sandbox'
  | 'usage_limit'
  | 'group_id'
  | 'checks'
> {
  return {
    question: null,
    progress: null,
    stalled: false,
    limits: { max_turns: null, timeout_s: null, budget_usd: null },
    warnings: [],
    keep_processes: false,
    processes: [],
    permission_denials: [],
    sandbox: { mode: 'none', network: 'on' },
    usage_limit: null,
    group_id: null,
    checks: null,
  };
}

export interface Coder {
  id: string;
  name: string;
  task: string;
  provider: string;
  model: string | null;
  repo: string;
  base_ref: string;
  base_commit: string;
  branch: string;
  workspace: string;
  state: CoderState;
  pid: number | null;
  exit_code: number | null;
  session_id: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  ended_at: string | null;
  stats: CoderStats;
  /** The agent's open question (aicoder_ask_user) until it is answered. */
  question: string | null;
  progress: CoderProgress | null;
  /** Running with no output, event or heartbeat for stall_after_s (a flag, not a state). */
  stalled: boolean;
  limits: CoderLimits;
  /**
   * Things the user should know about this coder's worktree that did not stop it (e.g. "git-lfs is
   * not installed: LFS files were left as pointers", "submodule vendor/lib could not be cloned: …").
   * One sentence each, oldest first; shown by list, status and MCP. Empty when all is well.
   */
  warnings: string[];
  /**
   * Opt-in: processes the agent leaves behind (a dev server) keep running after its run ends. Default
   * false: when the agent ends, the rest of its process group is ended (SIGTERM, SIGKILL after the grace).
   */
  keep_processes: boolean;
  /** Processes of this coder still running after its last run ended (only with keep_processes). */
  processes: CoderProcess[];
  /**
   * Tool calls the agent was refused in its last run (Claude's result `permission_denials`), each
   * "Tool: input summary". Empty when none or when the provider does not report them.
   */
  permission_denials: string[];
  /** The sandbox its agent runs in (docs/sandbox.md); `{mode: "none", network: "on"}` by default. */
  sandbox: CoderSandbox;
  /**
   * Set while the coder is `waiting` out a provider's usage limit (and kept afterwards to count the
   * waits in a row until a run completes): reason, retry_at, tries, from_provider. Null otherwise.
   */
  usage_limit: UsageLimitWait | null;
  /** The group this coder is a member of (best of N), or null. */
  group_id: string | null;
  /**
   * The last run of the repository's checks (`.aicoder.json` `check`) in this worktree, or null when
   * none ran. The state is `checking` while they run.
   */
  checks: CheckReport | null;
}

export type LogStream = 'stdout' | 'stderr' | 'system';

/** A log entry as stored and served. `kind` is "text" for the text parser, or a normalized event kind. */
export interface LogEntry {
  coder_id: string;
  seq: number;
  ts: string;
  stream: LogStream;
  kind: string;
  /** The text, cut to the answer's size budget (see `cut`). */
  text: string;
  /**
   * Present when `text` was cut to the size budget: the whole text's length in UTF-8 bytes, and the
   * byte offset where the rest starts (fetch it with ManagerApi.logText / `GET …/logs/<seq>/text`).
   */
  cut?: { total_bytes: number; next_offset: number };
}
