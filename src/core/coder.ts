/** The Coder record: plain data, the same shape on every surface (HTTP, MCP, CLI --json, TUI). */

export const CODER_STATES = [
  'created',
  'queued',
  'starting',
  'running',
  'paused',
  'completed',
  'failed',
  'stopped',
  'interrupted',
] as const;
export type CoderState = (typeof CODER_STATES)[number];

export const TERMINAL_STATES: readonly CoderState[] = ['completed', 'failed', 'stopped', 'interrupted'];
export const LIVE_STATES: readonly CoderState[] = ['starting', 'running', 'paused'];
/** States that hold or wait for a run slot or a process. */
export const ACTIVE_STATES: readonly CoderState[] = ['created', 'queued', 'starting', 'running', 'paused'];

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
}

export type LogStream = 'stdout' | 'stderr' | 'system';

/** A log entry as stored and served. `kind` is "text" for the text parser, or a normalized event kind. */
export interface LogEntry {
  coder_id: string;
  seq: number;
  ts: string;
  stream: LogStream;
  kind: string;
  text: string;
}
