/**
 * The zod schemas of the six ai_coder_* tools: inputs (validated by the SDK before a handler runs,
 * strict so a misspelt field is named) and outputs (the records as they cross the boundary; they let
 * unknown fields through so older clients keep validating newer records).
 */
import { z } from 'zod';
import { CODER_STATES } from '../core/coder.js';
import { MAX_TASK_CHARS, MAX_WORKSPACE_FILES } from '../core/validate.js';
import {
  MAX_WAIT_S,
  DEFAULT_MAX_BYTES,
  MAX_READ_BYTES,
  DEFAULT_LIST_LIMIT,
  DEFAULT_TAIL,
  CONTROL_ACTIONS,
  WORKSPACE_OPERATIONS,
  MERGE_STRATEGIES,
  STATUS_FILTERS,
} from './constants.js';

export * from './constants.js';

const stateSchema = z.enum(CODER_STATES);

const coderId = z
  .string()
  .min(1, 'coder_id must not be empty; ai_coder_list shows the ids')
  .max(64, 'coder_id must be at most 64 characters')
  .describe('Coder id or a unique prefix of it (ai_coder_list shows the ids).');

const waitSeconds = z
  .number()
  .min(0, 'timeout_s must be between 0 and 50')
  .max(MAX_WAIT_S, `timeout_s must be at most ${MAX_WAIT_S} (call again to keep waiting)`);

const detail = () =>
  z.enum(['compact', 'full']).default('compact').describe('compact (default) or full (the whole record).');

function optText(field: string, max: number, description: string) {
  return z
    .string()
    .min(1, `${field} must not be empty (leave it out for the default)`)
    .max(max, `${field} must be at most ${max} characters`)
    .optional()
    .describe(description);
}

// ---------------------------------------------------------------- inputs

export const createInput = z
  .object({
    task: z
      .string()
      .min(1, `task must be 1–${MAX_TASK_CHARS} characters`)
      .max(MAX_TASK_CHARS, `task must be 1–${MAX_TASK_CHARS} characters`)
      .describe('What the agent should do, in plain words.'),
    repo: optText(
      'repo',
      4096,
      "Path of the git repository (any folder inside it). Default: the daemon's configured default repo.",
    ),
    provider: optText(
      'provider',
      40,
      'Agent provider (e.g. claude, codex, gemini, or a command provider). Default: from the config.',
    ),
    model: optText('model', 200, "Model name passed to the provider. Default: the provider's own."),
    name: optText('name', 100, 'Readable name. Default: the first words of the task.'),
    base_ref: optText('base_ref', 255, 'Branch, tag or commit to start from. Default: HEAD of the repo.'),
    branch: optText('branch', 255, 'Branch to create. Default: aicoder/<id>-<slug of the task>.'),
    workspace_files: z
      .array(z.string().min(1, 'workspace_files entries must not be empty'))
      .max(MAX_WORKSPACE_FILES, `workspace_files must name at most ${MAX_WORKSPACE_FILES} paths`)
      .optional()
      .describe('Repo-relative files named to the agent; untracked ones are copied in.'),
    autostart: z.boolean().default(true).describe('false: wait in `created` until started.'),
    keep_processes: z
      .boolean()
      .optional()
      .describe('true: processes left running outlive the run (see `processes`).'),
    sandbox: z.enum(['none', 'bwrap']).optional(),
    max_turns: z
      .number()
      .int('max_turns must be a whole number')
      .min(1, 'max_turns must be ≥ 1')
      .optional()
      .describe('Stop the coder after this many agent turns.'),
    timeout_s: z
      .number()
      .gt(0, 'timeout_s must be > 0')
      .max(604_800, 'timeout_s must be at most 604800 (7 days)')
      .optional()
      .describe('Stop the coder after this many seconds of running.'),
    budget_usd: z
      .number()
      .gt(0, 'budget_usd must be > 0')
      .optional()
      .describe('Stop the coder when its reported cost reaches this many US dollars.'),
  })
  .strict();

// Two instances, not one: a shared instance would become a $ref, which some clients do not follow.
const statusFilter = () => z.enum(STATUS_FILTERS);

export const listInput = z
  .object({
    status_filter: z
      .union([statusFilter(), z.array(statusFilter()).min(1, 'status_filter must name at least one state')])
      .default('all')
      .describe('A state, `active` (created, queued, starting, running, paused), `all`, or a list of these.'),
    repo: optText('repo', 4096, 'Only coders of this repository (path, any folder inside it).'),
    limit: z
      .number()
      .int('limit must be a whole number')
      .min(1, 'limit must be 1–100')
      .max(100, 'limit must be 1–100')
      .default(DEFAULT_LIST_LIMIT)
      .describe('Page size.'),
    cursor: z
      .string()
      .min(1, 'cursor must not be empty')
      .optional()
      .describe('next_cursor of the previous page.'),
    detail: detail(),
  })
  .strict();

export const controlInput = z
  .object({
    coder_id: coderId,
    action: z
      .enum(CONTROL_ACTIONS)
      .describe(
        'start (a created coder), pause, resume, stop, restart (an ended coder), message (a follow-up ' +
          'instruction in the same session), answer (the answer to the question of a needs_input coder), ' +
          'remove (worktree and branch).',
      ),
    message: z
      .string()
      .min(1, 'message must not be empty')
      .max(MAX_TASK_CHARS, `message must be at most ${MAX_TASK_CHARS} characters`)
      .optional()
      .describe(
        'The follow-up instruction (action "message") or the answer (action "answer"); required for both.',
      ),
    force: z
      .boolean()
      .optional()
      .describe('For remove: also when the worktree has uncommitted changes or unmerged commits.'),
    keep_branch: z.boolean().optional().describe('For remove: keep the branch, remove only the worktree.'),
  })
  .strict();

export const statusInput = z
  .object({
    coder_id: coderId,
    wait_for: z
      .union([
        z.literal('terminal'),
        z.array(stateSchema).min(1, 'wait_for must name at least one state, or be "terminal"'),
      ])
      .optional()
      .describe(
        'States to wait for, or "terminal" (completed, failed, stopped, interrupted). Sends progress meanwhile.',
      ),
    timeout_s: waitSeconds.optional().describe('How long to wait with wait_for, in seconds.'),
    detail: detail(),
  })
  .strict();

export const workspaceInput = z
  .object({
    coder_id: coderId,
    operation: z
      .enum(WORKSPACE_OPERATIONS)
      .describe(
        'list: files with sizes; read: one file; diff: unified diff against base_commit; changes: per-file ' +
          'status; commit: all changes on the branch; merge: the branch into base_ref; conflicts: files ' +
          'that would conflict with base_ref and with other coders.',
      ),
    path: z
      .string()
      .min(1, 'path must not be empty')
      .max(4096, 'path must be at most 4096 characters')
      .optional()
      .describe('For read: a path relative to the worktree root.'),
    max_bytes: z
      .number()
      .int('max_bytes must be a whole number')
      .min(1, `max_bytes must be 1–${MAX_READ_BYTES}`)
      .max(MAX_READ_BYTES, `max_bytes must be at most ${MAX_READ_BYTES}`)
      .default(DEFAULT_MAX_BYTES)
      .describe('For read and diff: at most this many bytes.'),
    offset: z
      .number()
      .int('offset must be a whole number')
      .min(0, 'offset must be 0 or more')
      .default(0)
      .describe('For read and diff: byte offset (next_offset of the previous call).'),
    cursor: z
      .string()
      .min(1, 'cursor must not be empty')
      .max(8192, 'cursor must be at most 8192 characters')
      .optional()
      .describe('For list and changes: next_cursor of the previous page.'),
    limit: z
      .number()
      .int('limit must be a whole number')
      .min(1, 'limit must be 1–5000')
      .max(5000, 'limit must be 1–5000')
      .optional()
      .describe(
        'For list and changes: entries per page (default 1000; a page also ends at 256 KiB of entries).',
      ),
    message: z
      .string()
      .min(1, 'message must not be empty')
      .max(MAX_TASK_CHARS, `message must be at most ${MAX_TASK_CHARS} characters`)
      .optional()
      .describe('For commit and merge: the commit message. Default: from the task.'),
    strategy: z
      .enum(MERGE_STRATEGIES)
      .optional()
      .describe(
        'For merge: merge (default; fast-forward when possible), squash (one commit), or rebase (replays the branch on base_ref, then fast-forwards).',
      ),
  })
  .strict();

export const logsInput = z
  .object({
    coder_id: coderId,
    since_seq: z
      .number()
      .int('since_seq must be a whole number')
      .min(0, 'since_seq must be 0 or more')
      .optional()
      .describe('Only entries with seq greater than this (next_seq of the previous call).'),
    tail: z
      .number()
      .int('tail must be a whole number')
      .min(1, 'tail must be 1–1000')
      .max(1000, 'tail must be 1–1000')
      .default(DEFAULT_TAIL)
      .describe('At most this many entries.'),
    kinds: z
      .array(z.string().min(1, 'kinds entries must not be empty'))
      .max(50, 'kinds must name at most 50 kinds')
      .optional()
      .describe(
        'Only these kinds, e.g. assistant, tool_call, tool_result, text, run_end (an unknown kind is an error that lists them all).',
      ),
    follow: z.boolean().default(false).describe('Wait for new entries after since_seq.'),
    timeout_s: waitSeconds.optional().describe('With follow: how long to wait, in seconds.'),
    format: z
      .enum(['text', 'entries'])
      .default('text')
      .describe('text: lines "<seq> <kind>: <text>"; entries: objects.'),
    entry: z.number().int().min(1).optional().describe('Whole text of this seq (cut entries), from offset.'),
    offset: z.number().int().min(0).optional(),
  })
  .strict();

export * from './output-schemas.js';

export type CreateArgs = z.infer<typeof createInput>;
export type ListArgs = z.infer<typeof listInput>;
export type ControlArgs = z.infer<typeof controlInput>;
export type StatusArgs = z.infer<typeof statusInput>;
export type WorkspaceArgs = z.infer<typeof workspaceInput>;
export type LogsArgs = z.infer<typeof logsInput>;
