/**
 * The output schemas of the ai_coder_* tools: the records as they cross the boundary. They let unknown
 * fields through, so older clients keep validating newer records.
 */
import { z } from 'zod';
import { CODER_STATES } from '../core/coder.js';
import { MERGE_STRATEGIES, WORKSPACE_OPERATIONS } from './constants.js';

// Fresh instances per use (functions, not constants): a shared instance becomes a $ref in JSON Schema.
const stateSchema = () => z.enum(CODER_STATES);

export const statsSchema = () =>
  z
    .object({
      turns: z.number(),
      tokens_in: z.number(),
      tokens_out: z.number(),
      cost_usd: z.number(),
      files_changed: z.number(),
      last_message: z.string().nullable(),
    })
    .passthrough();

const coderShape = () => ({
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
  state: stateSchema(),
  pid: z.number().nullable(),
  exit_code: z.number().nullable(),
  session_id: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  updated_at: z.string(),
  ended_at: z.string().nullable(),
  stats: statsSchema(),
  question: z
    .string()
    .nullable()
    .describe('The open question of a needs_input coder (answer it with action "answer").'),
  progress: z
    .object({ message: z.string(), percent: z.number().nullable(), ts: z.string() })
    .passthrough()
    .nullable(),
  stalled: z.boolean().describe('No output, event or heartbeat for stall_after_s while running.'),
  limits: z
    .object({
      max_turns: z.number().nullable(),
      timeout_s: z.number().nullable(),
      budget_usd: z.number().nullable(),
    })
    .passthrough(),
  warnings: z
    .array(z.string())
    .describe("Things to know about the coder's worktree that did not stop it (e.g. git-lfs missing)."),
});

export const coderSchema = z.object(coderShape()).passthrough();

/** The compact record (compact.ts): what list, status, create and control return by default. */
const compactShape = () =>
  z
    .object({
      id: z.string(),
      name: z.string().describe('At most 60 characters.'),
      state: stateSchema(),
      provider: z.string(),
      branch: z.string(),
      age: z.string().describe('Time since creation: "42s", "7m", "3h", "2d".'),
      stats: z.string().describe('"9 turns, 52k tokens, $0.19, 2 files" (zero parts left out).'),
      question: z.string().optional().describe('The open question of a needs_input coder.'),
      error: z.string().optional(),
      stalled: z.literal(true).optional(),
      progress: z.string().optional().describe('The last progress the agent reported.'),
      warnings: z.array(z.string()).optional().describe('Worktree problems that did not stop it.'),
      group: z.string().optional().describe('The group it is a member of.'),
      checks: z
        .string()
        .optional()
        .describe('Its last checks: "passed (2/2)", "failed: `npm test` exited 1 …".'),
    })
    .passthrough();

/** The compact record (compact.ts): what list, status, create and control return by default. */
export const compactCoderSchema = compactShape();

/** A group (compact.ts compactGroup): create with agents, status and control of a group id. */
const groupShape = () =>
  z
    .object({
      id: z.string().describe('"g" and 7 hex digits.'),
      name: z.string(),
      state: z.enum(['active', 'ended']),
      base_ref: z.string(),
      base_commit: z.string(),
      members: z.array(compactShape()),
    })
    .passthrough();

export const createOutput = z.union([compactShape(), groupShape()]);

const timedOut = () => z.boolean().optional().describe('With wait_for: true when the wait ended by timeout.');

export const statusOutput = z.union([
  compactShape().extend({ timed_out: timedOut() }),
  z.object({ ...coderShape(), timed_out: timedOut() }).passthrough(),
  groupShape().extend({ timed_out: timedOut() }),
]);

export const listOutput = z
  .object({
    coders: z.array(z.union([compactShape(), z.object(coderShape()).passthrough()])),
    total: z.number(),
    next_cursor: z.string().nullable(),
    groups: z
      .array(z.object({ id: z.string(), name: z.string(), members: z.array(z.string()) }).passthrough())
      .optional()
      .describe('The groups of the coders on this page, with their member ids.'),
  })
  .passthrough();

export const controlOutput = z
  .object({
    coder: compactShape().optional().describe('For a coder id.'),
    group: groupShape().nullable().optional().describe('For a group id (null once removed).'),
    members: z
      .array(z.object({ id: z.string(), ok: z.boolean(), note: z.string() }).passthrough())
      .optional()
      .describe('For a group id: what the action did to each member.'),
    pick: z
      .object({
        commit: z.string().nullable(),
        merge: z.object({ base_ref: z.string(), after: z.string(), outcome: z.string() }).passthrough(),
        others: z.array(
          z
            .object({ coder_id: z.string(), branch: z.string().nullable(), removed: z.boolean() })
            .passthrough(),
        ),
      })
      .passthrough()
      .optional()
      .describe('pick: its commit, the merge, and what happened to the other members.'),
    removed: z.boolean(),
    notes: z
      .array(z.string())
      .optional()
      .describe('remove: what it could not do (e.g. the repository is gone, so its branch stays)'),
  })
  .passthrough();

const fileSchema = z.object({ path: z.string(), size: z.number(), tracked: z.boolean() }).passthrough();

const readSchema = z
  .object({
    path: z.string(),
    size: z.number(),
    offset: z.number(),
    content: z.string().nullable(),
    binary: z.boolean(),
    truncated: z.boolean(),
    next_offset: z.number().nullable(),
  })
  .passthrough();

const changeSchema = z
  .object({
    path: z.string(),
    status: z.enum(['added', 'modified', 'deleted', 'renamed', 'untracked']),
    insertions: z.number(),
    deletions: z.number(),
    from: z.string().optional(),
  })
  .passthrough();

export const workspaceOutput = z
  .object({
    coder_id: z.string(),
    operation: z.enum(WORKSPACE_OPERATIONS),
    files: z
      .array(fileSchema)
      .optional()
      .describe('list: a page of the tracked and untracked files, sorted by path.'),
    file: readSchema.optional().describe('read: the content (null when binary).'),
    diff: z.string().optional().describe('diff: a slice of the unified diff, from offset.'),
    diff_bytes: z.number().optional().describe('diff: total size of the diff in bytes.'),
    truncated: z.boolean().optional().describe('diff: more follows at next_offset.'),
    next_offset: z.number().nullable().optional().describe('diff: offset of the next slice, or null.'),
    changes: z
      .array(changeSchema)
      .optional()
      .describe('changes: a page of per-file statuses, sorted by path.'),
    total: z.number().optional().describe('list and changes: entries in the whole worktree.'),
    next_cursor: z
      .string()
      .nullable()
      .optional()
      .describe('list and changes: pass as cursor for the next page; null on the last page.'),
    commit: z
      .object({ commit: z.string().nullable(), files: z.number(), message: z.string() })
      .passthrough()
      .optional()
      .describe('commit: the new commit (null when there was nothing to commit).'),
    merge: z
      .object({
        strategy: z.enum(MERGE_STRATEGIES),
        base_ref: z.string(),
        before: z.string(),
        after: z.string(),
        outcome: z.enum(['fast_forward', 'merged', 'up_to_date']),
        updated_checkout: z.string().nullable(),
      })
      .passthrough()
      .optional()
      .describe("merge: base_ref's tip before and after, and the checkout that was moved (if any)."),
    conflicts: z
      .object({
        repo: z.string(),
        coders: z.array(z.string()),
        pairs: z.array(z.object({ a: z.string(), b: z.string(), files: z.array(z.string()) }).passthrough()),
        with_base: z.array(
          z.object({ coder: z.string(), base_ref: z.string(), files: z.array(z.string()) }).passthrough(),
        ),
      })
      .passthrough()
      .optional()
      .describe(
        'conflicts: pairs involving this coder, and its conflicts with base_ref (empty lists: none).',
      ),
    compare: z
      .object({
        group_id: z.string(),
        rows: z.array(z.object({ rank: z.number(), coder_id: z.string() }).passthrough()),
        best: z.string().nullable(),
        decided_by: z.enum(['checks', 'changes', 'diff', 'cost', 'order']).nullable(),
        reason: z.string(),
      })
      .passthrough()
      .optional()
      .describe('compare: the members ranked best first (docs/best-of-n.md), and the rule that decided.'),
  })
  .passthrough();

export const logEntrySchema = z
  .object({
    seq: z.number(),
    ts: z.string(),
    stream: z.enum(['stdout', 'stderr', 'system']),
    kind: z.string(),
    text: z.string(),
  })
  .passthrough();

export const logsOutput = z
  .object({
    coder_id: z.string(),
    lines: z
      .string()
      .optional()
      .describe('format text: one line per entry, "<seq> <kind>: <text>" (stderr kinds as "stderr").'),
    entries: z.array(logEntrySchema).optional().describe('format entries: the entries as objects.'),
    next_seq: z.number().describe('Pass as since_seq to continue.'),
    done: z.boolean().describe('The coder has ended and every entry has been read.'),
    timed_out: z.boolean().optional().describe('With follow: no new entry arrived before timeout_s.'),
  })
  .passthrough();

/** The result shape of each tool (structuredContent), by tool name: for docs/mcp.md and the tests. */
export const OUTPUT_SCHEMAS = {
  ai_coder_create: createOutput,
  ai_coder_list: listOutput,
  ai_coder_control: controlOutput,
  ai_coder_status: statusOutput,
  ai_coder_workspace: workspaceOutput,
  ai_coder_logs: logsOutput,
} as const;
