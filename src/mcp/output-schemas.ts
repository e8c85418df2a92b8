/**
 * The output schemas of the ai_coder_* tools: the records as they cross the boundary, derived from the
 * contract's record schemas (protocol/records.ts). `open` lets unknown fields through, so older
 * clients keep validating newer records, and makes a fresh copy per use, so that the JSON Schema in
 * docs/mcp.md writes each use in full rather than as a `$ref`.
 */
import { z } from 'zod';
import { open } from '../protocol/open.js';
import {
  coderRecord,
  coderStats,
  compactCoderRecord,
  compactGroupRecord,
  logEntry,
} from '../protocol/records.js';
import { commitResult, mergeResult } from '../protocol/responses.js';
import { WORKSPACE_OPERATIONS } from './constants.js';

export const statsSchema = () => open(coderStats);

/** The full record (`detail: "full"`). */
export const coderSchema = open(coderRecord);

const compactShape = () => open(compactCoderRecord);

/** The compact record (compact.ts): what list, status, create and control return by default. */
export const compactCoderSchema = compactShape();

/** A group (compact.ts compactGroup): create with agents, status and control of a group id. */
const groupShape = () => open(compactGroupRecord);

export const createOutput = z.union([compactShape(), groupShape()]);

const timedOut = () => z.boolean().optional().describe('With wait_for: true when the wait ended by timeout.');

export const statusOutput = z.union([
  compactShape().extend({ timed_out: timedOut() }),
  open(coderRecord).extend({ timed_out: timedOut() }),
  groupShape().extend({ timed_out: timedOut() }),
]);

export const listOutput = z
  .object({
    coders: z.array(z.union([compactShape(), open(coderRecord)])),
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
    commit: open(commitResult)
      .optional()
      .describe('commit: the new commit (null when there was nothing to commit).'),
    merge: open(mergeResult)
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

/** A log entry as ai_coder_logs returns it (tool-kit.ts entryJson): the stored entry without the id. */
export const logEntrySchema = open(
  logEntry.pick({ seq: true, ts: true, stream: true, kind: true, text: true }),
);

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
