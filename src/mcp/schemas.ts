/**
 * The zod schemas of the six ai_coder_* tools: inputs (validated before a handler runs, strict so a
 * misspelt field is named) and outputs (the records as they cross the boundary; they let unknown
 * fields through so older clients keep validating newer records). Every field that REST or core also
 * takes is the contract's (src/protocol/fields.ts): same rule, same message, same description.
 */
import { z } from 'zod';
import {
  coderId,
  controlFields,
  createFields,
  int,
  messageText,
  CODER_STATES,
  MAX_KINDS,
  MAX_PAGE_LIMIT,
  MAX_PATH_CHARS,
  MAX_CURSOR_CHARS,
  MAX_LIST_CURSOR_CHARS,
  MAX_TOOL_LIST_LIMIT,
  MAX_TOOL_TAIL,
  text,
} from '../protocol/index.js';
import {
  MAX_WAIT_S,
  DEFAULT_MAX_BYTES,
  MAX_READ_BYTES,
  DEFAULT_LIST_LIMIT,
  DEFAULT_TAIL,
  WORKSPACE_OPERATIONS,
  MERGE_STRATEGIES,
  STATUS_FILTERS,
} from './constants.js';

export * from './constants.js';

const stateSchema = z.enum(CODER_STATES);

const coderOrGroup = () => coderId.describe('Coder or group (g…) id or unique prefix.');

const waitSeconds = z
  .number()
  .min(0, `must be a number of seconds from 0 to ${MAX_WAIT_S} (call again to keep waiting)`)
  .max(MAX_WAIT_S, `must be at most ${MAX_WAIT_S} (call again to keep waiting)`);

const detail = () => z.enum(['compact', 'full']).default('compact').describe('full: the whole record.');

/** A union's rule: zod says only "Invalid input" when no member matches. */
function unionRule(rule: string) {
  return { errorMap: () => ({ message: rule }) };
}

// ---------------------------------------------------------------- inputs

const c = createFields;
export const createInput = z
  .object({
    task: c.task,
    repo: c.repo.optional(),
    provider: c.provider.optional(),
    model: c.model.optional(),
    name: c.name.optional(),
    base_ref: c.base_ref.optional(),
    branch: c.branch.optional(),
    workspace_files: c.workspace_files.optional(),
    autostart: c.autostart.default(true),
    keep_processes: c.keep_processes.optional(),
    sandbox: c.sandbox.optional(),
    network: c.network.optional(),
    max_turns: c.max_turns.optional(),
    timeout_s: c.timeout_s.optional(),
    budget_usd: c.budget_usd.optional(),
    agents: c.agents.optional(),
    role: c.role.optional(),
    review_by: c.review_by.optional(),
  })
  .strict();

const FILTER_RULE = 'must be a state, "active", "all", or a list of these such as ["running","needs_input"]';
const isFilter = (s: string): s is (typeof STATUS_FILTERS)[number] =>
  (STATUS_FILTERS as readonly string[]).includes(s);

export const listInput = z
  .object({
    // The states are listed once, in the single form: the list's items are checked by the same rule
    // but not enumerated again in the JSON Schema (that would cost ~70 tokens of tools/list).
    status_filter: z
      .union(
        [z.enum(STATUS_FILTERS), z.array(z.string().refine(isFilter, FILTER_RULE)).min(1)],
        unionRule(FILTER_RULE),
      )
      .default('all')
      .describe('A state, `active` (created, queued, starting, running, paused), `all`, or a list of these.'),
    repo: text(MAX_PATH_CHARS)
      .optional()
      .describe('Only coders of this repository (path, any folder inside it).'),
    limit: int(1, MAX_TOOL_LIST_LIMIT).default(DEFAULT_LIST_LIMIT).describe('Page size.'),
    cursor: text(MAX_LIST_CURSOR_CHARS).optional().describe('next_cursor of the previous page.'),
    detail: detail(),
  })
  .strict();

export const controlInput = z
  .object({
    coder_id: coderOrGroup(),
    action: controlFields.action.describe(
      'start (a created coder), pause, resume, stop, restart (an ended one), message (a follow-up), ' +
        'answer (a needs_input question), remove (worktree and branch), check (repo checks), pick (merge a group member, drop the rest).',
    ),
    message: controlFields.message
      .optional()
      .describe('The text of action message or answer (required for both).'),
    force: controlFields.force
      .optional()
      .describe('For remove: also when the worktree has uncommitted changes or unmerged commits.'),
    keep_branch: controlFields.keep_branch
      .optional()
      .describe('For remove: keep the branch, remove only the worktree.'),
    drop_branches: controlFields.drop_branches
      .optional()
      .describe("For pick: delete the others' branches too."),
  })
  .strict();

export const statusInput = z
  .object({
    coder_id: coderOrGroup(),
    wait_for: z
      .union(
        [z.literal('terminal'), z.array(stateSchema).min(1)],
        unionRule('must be "terminal" or a list of states such as ["needs_input","completed"]'),
      )
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
          'that would conflict with base_ref and with other coders; compare (a group id): members ranked.',
      ),
    path: text(MAX_PATH_CHARS).optional().describe('For read: a path relative to the worktree root.'),
    max_bytes: int(1, MAX_READ_BYTES)
      .default(DEFAULT_MAX_BYTES)
      .describe('For read and diff: at most this many bytes.'),
    offset: int(0).default(0).describe('For read and diff: byte offset (next_offset of the previous call).'),
    cursor: text(MAX_CURSOR_CHARS)
      .optional()
      .describe('For list and changes: next_cursor of the previous page.'),
    limit: int(1, MAX_PAGE_LIMIT)
      .optional()
      .describe(
        'For list and changes: entries per page (default 1000; a page also ends at 256 KiB of entries).',
      ),
    message: messageText
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
    since_seq: int(0)
      .optional()
      .describe('Only entries with seq greater than this (next_seq of the previous call).'),
    tail: int(1, MAX_TOOL_TAIL).default(DEFAULT_TAIL).describe('At most this many entries.'),
    kinds: z
      .array(z.string().min(1, 'must not be empty'))
      .max(MAX_KINDS, `must name at most ${MAX_KINDS} kinds`)
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
