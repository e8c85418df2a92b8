/**
 * Mapping between SQLite rows and the contract's records (protocol/records.ts: `coderRecord`,
 * `logEntry`; core/ports.ts for runs and events), plus input checks. A JSON column is read with its
 * record schema: a damaged value reads as the field's empty value instead of breaking the record.
 */
import type { ZodType } from 'zod';
import { CODER_STATES, type Coder, type CoderState, type LogEntry, type LogStream } from '../core/coder.js';
import { AicoderError } from '../core/errors.js';
import type { RunRecord, StoredEvent, StoredLogEntry } from '../core/ports.js';
import { NO_SANDBOX } from '../core/sandbox.js';
import {
  checkReport,
  coderRole,
  coderProcess,
  coderProgress,
  coderSandbox,
  usageLimitWait,
} from '../protocol/records.js';

/** Coder columns in the order `coderParams` binds them. */
export const CODER_COLUMNS = [
  'id',
  'name',
  'task',
  'provider',
  'model',
  'repo',
  'base_ref',
  'base_commit',
  'branch',
  'workspace',
  'state',
  'pid',
  'exit_code',
  'session_id',
  'error',
  'created_at',
  'started_at',
  'updated_at',
  'ended_at',
  'turns',
  'tokens_in',
  'tokens_out',
  'cost_usd',
  'cost_estimated',
  'files_changed',
  'last_message',
  'question',
  'progress',
  'stalled',
  'max_turns',
  'timeout_s',
  'budget_usd',
  'warnings',
  'keep_processes',
  'processes',
  'permission_denials',
  'sandbox',
  'usage_limit',
  'group_id',
  'checks',
  'role',
] as const;

/** The record's fields with stats and limits flattened: what the columns must be, exactly. */
type FlatCoderKey = Exclude<keyof Coder, 'stats' | 'limits'> | keyof Coder['stats'] | keyof Coder['limits'];
type ColumnGap = [
  Exclude<FlatCoderKey, (typeof CODER_COLUMNS)[number]>,
  Exclude<(typeof CODER_COLUMNS)[number], FlatCoderKey>,
];
/** Fails to compile when a record field has no column, or a column no record field. */
const _columnsMatchRecord: ColumnGap extends [never, never] ? true : ColumnGap = true;

export const CODER_SELECT = `SELECT ${CODER_COLUMNS.join(', ')}, created_seq FROM coders`;

export interface CoderRow {
  created_seq: number;
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
  state: string;
  pid: number | null;
  exit_code: number | null;
  session_id: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  ended_at: string | null;
  turns: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** 0 or 1. */
  cost_estimated: number;
  files_changed: number;
  last_message: string | null;
  question: string | null;
  /** JSON of CoderProgress, or null. */
  progress: string | null;
  stalled: number;
  max_turns: number | null;
  timeout_s: number | null;
  budget_usd: number | null;
  /** JSON array of strings. */
  warnings: string;
  keep_processes: number;
  /** JSON array of CoderProcess. */
  processes: string;
  /** JSON array of strings. */
  permission_denials: string;
  /** JSON of CoderSandbox. */
  sandbox: string;
  /** JSON of UsageLimitWait, or null. */
  usage_limit: string | null;
  group_id: string | null;
  /** JSON of CheckReport, or null. */
  checks: string | null;
  /** JSON of CoderRole, or null. */
  role: string | null;
}

export type SqlValue = string | number | null;

export function coderParams(c: Coder): SqlValue[] {
  if (!(CODER_STATES as readonly string[]).includes(c.state)) {
    throw new AicoderError('invalid_input', `state must be one of ${CODER_STATES.join(', ')}`, {
      field: 'state',
    });
  }
  const s = c.stats;
  return [
    c.id,
    c.name,
    c.task,
    c.provider,
    c.model,
    c.repo,
    c.base_ref,
    c.base_commit,
    c.branch,
    c.workspace,
    c.state,
    c.pid,
    c.exit_code,
    c.session_id,
    c.error,
    c.created_at,
    c.started_at,
    c.updated_at,
    c.ended_at,
    s.turns,
    s.tokens_in,
    s.tokens_out,
    s.cost_usd,
    s.cost_estimated ? 1 : 0,
    s.files_changed,
    s.last_message,
    c.question,
    c.progress === null ? null : JSON.stringify(c.progress),
    c.stalled ? 1 : 0,
    c.limits.max_turns,
    c.limits.timeout_s,
    c.limits.budget_usd,
    JSON.stringify(c.warnings),
    c.keep_processes ? 1 : 0,
    JSON.stringify(c.processes),
    JSON.stringify(c.permission_denials),
    JSON.stringify(c.sandbox),
    c.usage_limit === null ? null : JSON.stringify(c.usage_limit),
    c.group_id,
    c.checks === null ? null : JSON.stringify(c.checks),
    c.role === null ? null : JSON.stringify(c.role),
  ];
}

export function rowToCoder(r: CoderRow): Coder {
  return {
    id: r.id,
    name: r.name,
    task: r.task,
    provider: r.provider,
    model: r.model,
    repo: r.repo,
    base_ref: r.base_ref,
    base_commit: r.base_commit,
    branch: r.branch,
    workspace: r.workspace,
    state: r.state as CoderState,
    pid: r.pid,
    exit_code: r.exit_code,
    session_id: r.session_id,
    error: r.error,
    created_at: r.created_at,
    started_at: r.started_at,
    updated_at: r.updated_at,
    ended_at: r.ended_at,
    stats: {
      turns: r.turns,
      tokens_in: r.tokens_in,
      tokens_out: r.tokens_out,
      cost_usd: r.cost_usd,
      cost_estimated: r.cost_estimated === 1,
      files_changed: r.files_changed,
      last_message: r.last_message,
    },
    question: r.question,
    progress: jsonColumn(PROGRESS_COLUMN, r.progress, null),
    stalled: r.stalled === 1,
    limits: { max_turns: r.max_turns, timeout_s: r.timeout_s, budget_usd: r.budget_usd },
    warnings: stringList(r.warnings),
    keep_processes: r.keep_processes === 1,
    processes: jsonColumn(PROCESSES_COLUMN, r.processes, []),
    permission_denials: stringList(r.permission_denials),
    sandbox: jsonColumn(coderSandbox, r.sandbox, { ...NO_SANDBOX }),
    usage_limit: jsonColumn(USAGE_LIMIT_COLUMN, r.usage_limit, null),
    group_id: r.group_id,
    checks: jsonColumn(CHECKS_COLUMN, r.checks, null),
    role: jsonColumn(ROLE_COLUMN, r.role, null),
  };
}

// The columns' schemas, made once: a list of 100 coders read made 500 zod schemas per call.
const PROGRESS_COLUMN = coderProgress.nullable();
const PROCESSES_COLUMN = coderProcess.array();
const USAGE_LIMIT_COLUMN = usageLimitWait.nullable();
const CHECKS_COLUMN = checkReport.nullable();
const ROLE_COLUMN = coderRole.nullable();

/** A JSON column read with its schema; null stays null; unparseable or off-schema reads as `empty`. */
function jsonColumn<T>(schema: ZodType<T>, text: string | null, empty: T): T {
  if (text === null) return empty;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return empty;
  }
  const parsed = schema.safeParse(v);
  return parsed.success ? parsed.data : empty;
}

/** A JSON array column of strings; other entries are dropped. */
function stringList(json: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [];
  }
  return Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : [];
}

export interface LogRow {
  id: number;
  coder_id: string;
  seq: number;
  ts: string;
  stream: string;
  kind: string;
  text: string;
}

export function rowToLogEntry(r: LogRow): LogEntry {
  return {
    coder_id: r.coder_id,
    seq: r.seq,
    ts: r.ts,
    stream: r.stream as LogStream,
    kind: r.kind,
    text: r.text,
  };
}

export function rowToStoredLog(r: LogRow): StoredLogEntry {
  return { id: r.id, ...rowToLogEntry(r) };
}

export interface RunRow {
  coder_id: string;
  run_no: number;
  pid: number;
  pgid: number;
  start_time: string;
  run_dir: string;
  stdout_offset: number;
  stderr_offset: number;
}

export function rowToRun(r: RunRow): RunRecord {
  return {
    coder_id: r.coder_id,
    run_no: r.run_no,
    pid: r.pid,
    pgid: r.pgid,
    start_time: r.start_time,
    run_dir: r.run_dir,
    offsets: { stdout: r.stdout_offset, stderr: r.stderr_offset },
  };
}

export interface EventRow {
  id: number;
  type: string;
  coder_id: string;
  payload: string;
  ts: string;
}

export function rowToEvent(r: EventRow): StoredEvent {
  return {
    id: r.id,
    type: r.type,
    coder_id: r.coder_id,
    payload: JSON.parse(r.payload) as unknown,
    ts: r.ts,
  };
}

// ---------------------------------------------------------------- cursors and checks

/** Opaque keyset cursor: base64url of the last returned coder's created_seq. */
export function encodeCursor(createdSeq: number): string {
  return Buffer.from(String(createdSeq), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const raw = /^[A-Za-z0-9_-]{1,24}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!/^[1-9][0-9]{0,14}$/.test(raw)) {
    throw new AicoderError(
      'invalid_input',
      'cursor must be a next_cursor value returned by a previous page',
      {
        field: 'cursor',
      },
    );
  }
  return Number(raw);
}

/** An integer ≥ min, or the fallback when undefined. */
export function intParam(field: string, v: number | undefined, min: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new AicoderError('invalid_input', `${field} must be an integer ≥ ${min}`, { field });
  }
  return v;
}

export function notFound(coderId: string): AicoderError {
  return new AicoderError('not_found', `no coder with id ${coderId}`, { field: 'coder_id' });
}
