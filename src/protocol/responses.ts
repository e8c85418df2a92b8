/**
 * The answers of the REST routes (route table: routes.ts) that are not records themselves: pages,
 * results of actions, reports. Each is the shape core returns (core/api.ts, core/ports/*.ts,
 * core/worktree-types.ts, core/group-ops.ts, core/compare.ts, core/stats.ts); the daemon's handlers
 * are typed to return these schemas' types, so a core change that the contract does not follow fails
 * to compile, and test/protocol/route-answers.test.ts parses a real daemon's answers with them.
 */
import { z } from 'zod';
import { CODER_STATES, MERGE_STRATEGIES, type CoderState } from './states.js';
import { CHECK_VERDICTS, coderRecord, groupViewRecord, logEntry } from './records.js';
import { ROLE_REPORTS, ROLE_TOOLS } from './role-names.js';

const nullableInt = z.number().int().nullable();

/** `GET /api/coders`: newest first; `next_cursor` null on the last page. */
export const listCodersPage = z.object({
  coders: z.array(coderRecord),
  total: z.number().int(),
  next_cursor: z.string().nullable(),
});

/** `POST /api/coders/:id/commit` (without coder_id: what pick embeds). */
export const commitResult = z.object({
  commit: z.string().nullable(),
  files: z.number().int(),
  message: z.string(),
});

/** `POST /api/coders/:id/merge` (without coder_id). */
export const mergeResult = z.object({
  strategy: z.enum(MERGE_STRATEGIES),
  base_ref: z.string(),
  before: z.string(),
  after: z.string(),
  outcome: z.enum(['fast_forward', 'merged', 'up_to_date']),
  updated_checkout: z.string().nullable(),
});

/** What `pick` did with each other member of the group. */
export const pickedOther = z.object({
  coder_id: z.string(),
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  removed: z.boolean(),
  error: z.string().optional(),
});

/** `control` with action pick (core/pick.ts). */
export const pickResult = z.object({
  coder_id: z.string(),
  commit: commitResult,
  merge: mergeResult,
  others: z.array(pickedOther),
  group: groupViewRecord,
});

/** `POST /api/coders/:id/control`: the coder after the action, or the removed one. */
export const controlResult = z.union([
  z.object({ coder: coderRecord, removed: z.literal(false), pick: pickResult.optional() }),
  z.object({ coder: coderRecord, removed: z.literal(true), notes: z.array(z.string()).optional() }),
]);

/** `POST /api/coders/:id/attach` (core/attach.ts): what the attaching CLI runs. */
export const attachPlan = z.object({
  coder: coderRecord,
  argv: z.array(z.string()),
  cwd: z.string(),
  env: z.record(z.string()),
  stopped: z.boolean(),
});

/** `GET /api/coders/:id/logs`. */
export const logsResult = z.object({
  entries: z.array(logEntry),
  next_seq: z.number().int(),
  done: z.boolean(),
});

/** `GET /api/coders/:id/logs/:seq/text`: a slice of one entry's whole text (offsets in UTF-8 bytes). */
export const logText = z.object({
  coder_id: z.string(),
  seq: z.number().int(),
  offset: z.number().int(),
  text: z.string(),
  total_bytes: z.number().int(),
  next_offset: nullableInt,
});

/** `GET /api/coders/:id/wait`. */
export const waitResult = z.object({ coder: coderRecord, timed_out: z.boolean() });

/** `GET /api/coders/:id/diff`: one byte page of the diff (diff_bytes changes when the worktree did). */
export const diffPage = z.object({
  diff: z.string(),
  diff_bytes: z.number().int(),
  truncated: z.boolean(),
  next_offset: nullableInt,
});

/** `GET /api/coders/:id/changes`. */
export const changesPage = z.object({
  changes: z.array(
    z.object({
      path: z.string(),
      status: z.enum(['added', 'modified', 'deleted', 'renamed', 'untracked']),
      insertions: z.number().int(),
      deletions: z.number().int(),
      from: z.string().optional(),
    }),
  ),
  total: z.number().int(),
  next_cursor: z.string().nullable(),
});

/** `GET /api/coders/:id/files`. */
export const filesPage = z.object({
  files: z.array(z.object({ path: z.string(), size: z.number().int(), tracked: z.boolean() })),
  total: z.number().int(),
  next_cursor: z.string().nullable(),
});

/** `GET /api/coders/:id/file`: `content` null for a binary file. */
export const readResult = z.object({
  path: z.string(),
  size: z.number().int(),
  offset: z.number().int(),
  content: z.string().nullable(),
  binary: z.boolean(),
  truncated: z.boolean(),
  next_offset: nullableInt,
});

/** `GET /api/conflicts`. */
export const conflictsAnswer = z.object({
  reports: z.array(
    z.object({
      repo: z.string(),
      coders: z.array(z.string()),
      pairs: z.array(z.object({ a: z.string(), b: z.string(), files: z.array(z.string()) })),
      with_base: z.array(z.object({ coder: z.string(), base_ref: z.string(), files: z.array(z.string()) })),
    }),
  ),
});

const gcItem = z.object({
  id: z.string(),
  repo: z.string(),
  branch: z.string(),
  workspace: z.string(),
  state: z.string(),
  merged: z.boolean(),
  notes: z.array(z.string()).optional(),
});

/** `POST /api/gc`. */
export const gcResult = z.object({
  dry_run: z.boolean(),
  removed: z.array(gcItem),
  skipped: z.array(gcItem.extend({ reason: z.string() })),
  pruned: z.array(z.string()),
});

/** `GET /api/disk`: bytes per worktree. */
export const diskAnswer = z.object({
  disk: z.array(z.object({ id: z.string(), workspace: z.string(), bytes: z.number() })),
});

/** `GET /api/groups`. */
export const groupsAnswer = z.object({ groups: z.array(groupViewRecord) });

/** `POST /api/groups/:id/control`: per member what happened. */
export const groupControlResult = z.object({
  group: groupViewRecord.nullable(),
  removed: z.boolean(),
  members: z.array(z.object({ id: z.string(), ok: z.boolean(), note: z.string() })),
});

/** `GET /api/groups/:id/wait`. */
export const groupWaitResult = z.object({ group: groupViewRecord, timed_out: z.boolean() });

export const RANK_RULES = ['checks', 'changes', 'diff', 'cost', 'order'] as const;

/** `GET /api/groups/:id/compare` (core/compare.ts): the members ranked, best first. */
export const compareResult = z.object({
  group_id: z.string(),
  base_ref: z.string(),
  base_commit: z.string(),
  rows: z.array(
    z.object({
      rank: z.number().int(),
      coder_id: z.string(),
      name: z.string(),
      provider: z.string(),
      model: z.string().nullable(),
      state: z.enum(CODER_STATES),
      checks: z.enum([...CHECK_VERDICTS, 'none']),
      files_changed: z.number().int(),
      insertions: z.number().int(),
      deletions: z.number().int(),
      turns: z.number().int(),
      tokens: z.number().int(),
      cost_usd: z.number(),
      /** cost_usd is estimated from tokens (the agent reported no cost). */
      cost_estimated: z.boolean(),
      duration_s: z.number().nullable(),
      overlap: z.array(
        z.object({ coder_id: z.string(), files: z.array(z.string()), conflicts: z.array(z.string()) }),
      ),
    }),
  ),
  best: z.string().nullable(),
  decided_by: z.enum(RANK_RULES).nullable(),
  reason: z.string(),
});

/** `GET /api/providers`: every provider with its status, and the provider files skipped. */
export const providerReport = z.object({
  providers: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      parser: z.string(),
      command: z.array(z.string()),
      source: z.string(),
      status: z
        .object({
          installed: z.boolean(),
          path: z.string().nullable(),
          version: z.string().nullable(),
          install_hint: z.string().nullable(),
          credentials: z.enum(['found', 'missing', 'n/a']),
          credentials_detail: z.string(),
        })
        .optional(),
    }),
  ),
  errors: z.array(z.object({ source: z.string(), message: z.string() })),
  default_provider: z.string().optional(),
});

/** `GET /api/roles` (and MCP `aicoder://roles`, `aicoder roles --json`): core/roles-listing.ts. */
export const rolesAnswer = z.object({
  roles: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      origin: z.enum(['shipped', 'user']),
      source: z.string(),
      tools: z.enum(ROLE_TOOLS),
      model: z.union([z.string(), z.record(z.string())]).nullable(),
      report: z.array(z.enum(ROLE_REPORTS)),
      system_prompt_chars: z.number().int(),
    }),
  ),
  errors: z.array(z.object({ source: z.string(), message: z.string() })),
  dirs: z.object({ shipped: z.string(), user: z.string() }),
});

const providerTotals = z.object({
  coders: z.number().int(),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_usd: z.number(),
});

/** `GET /api/stats` (core/stats.ts). */
export const fleetStats = z.object({
  total: z.number().int(),
  /** Every state, 0 included. */
  by_state: z.object(
    Object.fromEntries(CODER_STATES.map((s) => [s, z.number().int()])) as Record<CoderState, z.ZodNumber>,
  ),
  running: z.number().int(),
  queued: z.number().int(),
  by_provider: z.record(providerTotals),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_usd: z.number(),
  uptime_s: z.number().nullable(),
});

/** `POST /api/shutdown`: sent before the daemon exits gracefully. */
export const okAnswer = z.object({ ok: z.literal(true) });

const eventId = z.number().int();

/**
 * One `data:` line of `GET /api/events` (daemon/sse.ts): a bus event (core/events.ts; `event_id`
 * counts coder events, `log_id` log entries), or, on the stream's own `event: ready` and
 * `event: reset`, the resumption cursor `E:L` (the same text as the SSE `id:`).
 */
export const eventStreamData = z.union([
  z.object({ type: z.literal('coder.created'), event_id: eventId, coder: coderRecord }),
  z.object({
    type: z.literal('coder.state'),
    event_id: eventId,
    coder: coderRecord,
    from: z.enum(CODER_STATES),
  }),
  z.object({ type: z.literal('coder.updated'), event_id: eventId, coder: coderRecord }),
  z.object({ type: z.literal('coder.removed'), event_id: eventId, id: z.string() }),
  z.object({ type: z.literal('coder.log'), log_id: eventId, entry: logEntry }),
  z.object({ cursor: z.string().regex(/^\d+:\d+$/) }),
]);
