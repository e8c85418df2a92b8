/**
 * The Coder record: plain data, the same shape on every surface (HTTP, MCP, CLI --json, TUI). Its
 * schema is protocol/records.ts `coderRecord`; the types here are that schema's `z.infer`, imported
 * as types only so that nothing here loads zod.
 */
import type {
  CoderRecord,
  CoderStats,
  CoderProgress,
  CoderLimits,
  CoderProcess,
  LogEntryRecord,
} from '../protocol/records.js';

export type { CoderStats, CoderProgress, CoderLimits, CoderProcess };
export type { LogStream } from '../protocol/records.js';
/** The full Coder record (protocol/records.ts `coderRecord`). */
export type Coder = CoderRecord;
/** A log entry as stored and served (protocol/records.ts `logEntry`). */
export type LogEntry = LogEntryRecord;

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

export function emptyStats(): CoderStats {
  return {
    turns: 0,
    tokens_in: 0,
    tokens_out: 0,
    cost_usd: 0,
    cost_estimated: false,
    files_changed: 0,
    last_message: null,
  };
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
  | 'role'
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
    role: null,
  };
}
