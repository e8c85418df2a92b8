/**
 * The records that cross aicoder's edges, as zod schemas: the full Coder record (REST, `--json`,
 * MCP `detail: "full"`), the compact Coder record (MCP list/status/create/control by default), the
 * Group record and its served view, check results, the usage-limit wait and a log entry. The error
 * body is in errors.ts. core/'s types are these schemas' `z.infer` (imported as types only, so no
 * zod is loaded where only the types are used); store/rows.ts maps SQLite rows to them and
 * mcp/output-schemas.ts derives the tools' result schemas from them (open.ts).
 */
import { z } from 'zod';
import { ROLE_REPORTS, ROLE_TOOLS } from './role-names.js';
import { CODER_STATES, NETWORK_MODES, SANDBOX_MODES } from './states.js';

const coderState = z.enum(CODER_STATES);

/** What a coder's runs have cost so far; counts summed over its runs. */
export const coderStats = z.object({
  turns: z.number(),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_usd: z.number(),
  /**
   * True when some of cost_usd was estimated by aicoder from the reported tokens and
   * templates/prices.json (CLIs that report no cost: Codex, Gemini CLI); false when all of it is the
   * agent CLI's own figure (docs/talkback.md). Shown as "~$0.12".
   */
  cost_estimated: z
    .boolean()
    .describe('cost_usd was estimated from tokens and a price table, not reported by the CLI.'),
  files_changed: z.number(),
  last_message: z.string().nullable(),
});
export type CoderStats = z.infer<typeof coderStats>;

/** Progress the agent reported through its coder endpoint (aicoder_report_progress). */
export const coderProgress = z.object({
  message: z.string(),
  /** 0–100, or null when the agent gave none. */
  percent: z.number().nullable(),
  ts: z.string(),
});
export type CoderProgress = z.infer<typeof coderProgress>;

/** Limits the daemon holds a coder to; null = no limit. */
export const coderLimits = z.object({
  max_turns: z.number().nullable(),
  timeout_s: z.number().nullable(),
  budget_usd: z.number().nullable(),
});
export type CoderLimits = z.infer<typeof coderLimits>;

/** A process a coder started that is still running after its run ended (kept with keep_processes). */
export const coderProcess = z.object({
  pid: z.number(),
  /** Linux /proc/<pid>/stat field 22 (clock ticks since boot): tells the process from a pid reuse. */
  start_time: z.string(),
  /** Its command line, arguments joined by spaces (at most 200 characters). */
  command: z.string(),
});
export type CoderProcess = z.infer<typeof coderProcess>;

/** The sandbox in force for a coder (docs/sandbox.md). */
export const coderSandbox = z.object({ mode: z.enum(SANDBOX_MODES), network: z.enum(NETWORK_MODES) });
export type CoderSandbox = z.infer<typeof coderSandbox>;

/** A coder waiting out a provider's usage limit (core/usage-limit.ts). */
export const usageLimitWait = z.object({
  /** The failure text that was recognised as a limit (one line, clipped). */
  reason: z.string(),
  /** ISO time when the run is resumed (the reset time the provider named, or a backoff). */
  retry_at: z.string(),
  /** Waits so far for this coder, this one included (1 = the first). */
  tries: z.number(),
  /** True when `retry_at` is the provider's own reset time; false for a backoff. */
  from_provider: z.boolean(),
});
export type UsageLimitWait = z.infer<typeof usageLimitWait>;

/**
 * passed: exit code 0; failed: another exit code; timed_out: ended at its timeout; error: could not
 * start (not found, not executable); skipped: not run because the checks were cancelled (stop, rm);
 * pending / running: not finished yet.
 */
export const CHECK_STATUSES = [
  'pending',
  'running',
  'passed',
  'failed',
  'timed_out',
  'error',
  'skipped',
] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/**
 * running while a command runs; passed when all passed; cancelled when they were stopped before the
 * end (stop, rm --force) and none had failed; failed otherwise.
 */
export const CHECK_VERDICTS = ['running', 'passed', 'failed', 'cancelled'] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

/** One check command's result (`.aicoder.json` `check`). */
export const checkResult = z.object({
  /** The command as configured (argv; never run through a shell). */
  argv: z.array(z.string()),
  status: z.enum(CHECK_STATUSES),
  /**
   * null until it ends and when it could not start; a command ended by a signal (at its timeout)
   * reports 128 + the signal's number, as a shell does (143 for SIGTERM).
   */
  exit_code: z.number().nullable(),
  /** Wall time in milliseconds; null until it ends. */
  duration_ms: z.number().nullable(),
  /** The last lines of its output (stdout and stderr, as they came; at most 40 lines / 4 KiB). */
  tail: z.string(),
});
export type CheckResult = z.infer<typeof checkResult>;

/** The checks of one coder, last run. */
export const checkReport = z.object({
  verdict: z.enum(CHECK_VERDICTS),
  /** What started them: the agent's run completed ("completion") or someone asked ("demand"). */
  trigger: z.enum(['completion', 'demand']),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  /** The state the coder returns to when the checks end (it is `checking` meanwhile). */
  after: coderState,
  results: z.array(checkResult),
});
export type CheckReport = z.infer<typeof checkReport>;

export { ROLE_REPORTS, ROLE_TOOLS };

/** The role a coder was made with, as it was then (docs/roles.md). */
export const coderRole = z.object({
  name: z.string(),
  system_prompt: z.string(),
  tools: z.enum(ROLE_TOOLS),
  report: z.array(z.enum(ROLE_REPORTS)),
});
export type CoderRoleRecord = z.infer<typeof coderRole>;

/**
 * A group's cross-review (review_by, core/review.ts): waiting (members still working), running,
 * done or failed; the reviewer coder, the member its VERDICT line names, the line, its answer.
 */
export const groupReview = z.object({
  provider: z.string(),
  state: z.enum(['waiting', 'running', 'done', 'failed']),
  coder_id: z.string().nullable(),
  choice: z.string().nullable(),
  verdict: z.string().nullable(),
  reasons: z.string().nullable(),
  error: z.string().nullable(),
  updated_at: z.string(),
});
export type GroupReviewRecord = z.infer<typeof groupReview>;

/**
 * The full Coder record: plain data, the same shape on every surface (REST, CLI `--json`, TUI, MCP
 * `detail: "full"`). Times are ISO 8601 strings; `workspace` is the worktree's absolute path.
 */
export const coderRecord = z.object({
  id: z.string(),
  name: z.string(),
  task: z.string(),
  provider: z.string(),
  model: z.string().nullable(),
  repo: z.string(),
  base_ref: z.string(),
  base_commit: z.string(),
  branch: z.string(),
  workspace: z.string(),
  state: coderState,
  pid: z.number().nullable(),
  exit_code: z.number().nullable(),
  session_id: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  stats: coderStats,
  /** The agent's open question (aicoder_ask_user) until it is answered. */
  question: z
    .string()
    .nullable()
    .describe('The open question of a needs_input coder (answer it with action "answer").'),
  progress: coderProgress.nullable(),
  /** Running with no output, event or heartbeat for stall_after_s (a flag, not a state). */
  stalled: z.boolean().describe('No output, event or heartbeat for stall_after_s while running.'),
  limits: coderLimits,
  /**
   * Things the user should know about this coder's worktree that did not stop it (e.g. "git-lfs is
   * not installed: LFS files were left as pointers"). One sentence each, oldest first.
   */
  warnings: z
    .array(z.string())
    .describe("Things to know about the coder's worktree that did not stop it (e.g. git-lfs missing)."),
  /**
   * Opt-in: processes the agent leaves behind (a dev server) keep running after its run ends. Default
   * false: when the agent ends, the rest of its process group is ended (SIGTERM, SIGKILL after the grace).
   */
  keep_processes: z.boolean(),
  /** Processes of this coder still running after its last run ended (only with keep_processes). */
  processes: z.array(coderProcess),
  /**
   * Tool calls the agent was refused in its last run (Claude's result `permission_denials`), each
   * "Tool: input summary". Empty when none or when the provider does not report them.
   */
  permission_denials: z.array(z.string()),
  /** The sandbox its agent runs in; `{mode: "none", network: "on"}` by default. */
  sandbox: coderSandbox,
  /**
   * Set while the coder is `waiting` out a provider's usage limit (and kept afterwards to count the
   * waits in a row until a run completes). Null otherwise.
   */
  usage_limit: usageLimitWait.nullable(),
  /** The group this coder is a member of (best of N), or null. */
  group_id: z.string().nullable(),
  /** The last run of the repository's checks in this worktree, or null when none ran. */
  checks: checkReport.nullable(),
  /** The role it was made with (docs/roles.md), or null. */
  role: coderRole.nullable(),
});
export type CoderRecord = z.infer<typeof coderRecord>;

/**
 * The compact Coder record (mcp/compact.ts builds it): what MCP list, status, create and control
 * return by default, what an orchestrating model needs to decide its next call. Optional fields are
 * present only when set.
 */
export const compactCoderRecord = z.object({
  id: z.string(),
  name: z.string().describe('At most 60 characters.'),
  state: coderState,
  provider: z.string(),
  branch: z
    .string()
    .optional()
    .describe('Only when not the default aicoder/<id>-<slug of name> (the name as shown, slugified).'),
  age: z.string().describe('Time since creation: "42s", "7m", "3h", "2d".'),
  stats: z
    .string()
    .describe('"9 turns, 52k tokens, $0.19, 2 files" (zero parts left out; "~$0.19": estimated cost).'),
  question: z.string().optional().describe('The open question of a needs_input coder.'),
  error: z.string().optional(),
  stalled: z.literal(true).optional(),
  progress: z.string().optional().describe('The last progress the agent reported.'),
  warnings: z.array(z.string()).optional().describe('Worktree problems that did not stop it.'),
  sandbox: z.string().optional().describe('The sandbox, when there is one: "bwrap" or "bwrap, network off".'),
  retry_at: z.string().optional().describe('A waiting coder: when it resumes by itself (ISO time).'),
  group: z.string().optional().describe('The group it is a member of.'),
  checks: z.string().optional().describe('Its last checks: "passed (2/2)", "failed: `npm test` exited 1 …".'),
  role: z.string().optional(),
});
export type CompactCoderRecord = z.infer<typeof compactCoderRecord>;

/**
 * One entry of a group's `agents`: a provider, optionally its model, how many coders of it, and a
 * role of their own (else the create's `role`).
 */
export const groupAgent = z.object({
  provider: z.string(),
  model: z.string().optional(),
  /** 1–10, default 1. */
  count: z.number().optional(),
  /** A role by name (docs/roles.md); overrides the create's `role` for these members. */
  role: z.string().optional(),
});
export type GroupAgent = z.infer<typeof groupAgent>;

/** The stored Group record ("best of N": one task given to several agents). */
export const groupRecord = z.object({
  /** "g" + 7 hex digits: never a prefix of a coder id (coder ids are hex only). */
  id: z.string().describe('"g" and 7 hex digits.'),
  name: z.string(),
  task: z.string(),
  /** The repository's top-level path. */
  repo: z.string(),
  /** The ref the members started from (what pick merges into). */
  base_ref: z.string(),
  /** The commit every member's branch starts from. */
  base_commit: z.string(),
  /** The agents as asked for (counts expanded into members in this order). */
  agents: z.array(groupAgent),
  created_at: z.string(),
  /** The member picked (merged into base_ref): when, into which ref, and base_ref's tip after; or null. */
  picked: z
    .object({ coder_id: z.string(), at: z.string(), base_ref: z.string(), after: z.string() })
    .nullable(),
  /** The cross-review (review_by), or null when none was asked. */
  review: groupReview.nullable(),
});
export type GroupRecord = z.infer<typeof groupRecord>;

/** `active` when any member has not ended, else `ended`. */
export const GROUP_STATES = ['active', 'ended'] as const;

/** A group as REST serves it: the record, its members (oldest first, full) and counts per state. */
export const groupViewRecord = groupRecord.extend({
  state: z.enum(GROUP_STATES),
  /** Members per state (only states with at least one member). */
  counts: z.record(coderState, z.number()),
  members: z.array(coderRecord),
});
export type GroupViewRecord = z.infer<typeof groupViewRecord>;

/** A group as MCP create/status/control return it: the record's heads and its members, compact. */
export const compactGroupRecord = z.object({
  id: z.string().describe('"g" and 7 hex digits.'),
  name: z.string(),
  state: z.enum(GROUP_STATES),
  base_ref: z.string(),
  base_commit: z.string(),
  members: z.array(compactCoderRecord),
  /** The cross-review; reasons clipped to 1,200 characters. */
  review: groupReview.omit({ updated_at: true }).partial({ error: true }).optional(),
  /** The member picked into base_ref. */
  picked: z.string().optional(),
});
export type CompactGroupRecord = z.infer<typeof compactGroupRecord>;

export const LOG_STREAMS = ['stdout', 'stderr', 'system'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** A log entry as stored and served. `kind` is "text" for the text parser, or a normalized event kind. */
export const logEntry = z.object({
  coder_id: z.string(),
  seq: z.number(),
  ts: z.string(),
  stream: z.enum(LOG_STREAMS),
  kind: z.string(),
  /** The text, cut to the answer's size budget (see `cut`). */
  text: z.string(),
  /**
   * Present when `text` was cut to the size budget: the whole text's length in UTF-8 bytes, and the
   * byte offset where the rest starts (fetch it with `GET …/logs/<seq>/text`).
   */
  cut: z.object({ total_bytes: z.number(), next_offset: z.number() }).optional(),
});
export type LogEntryRecord = z.infer<typeof logEntry>;
