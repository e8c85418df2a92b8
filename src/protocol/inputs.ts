/**
 * The inputs of the REST API: JSON bodies and query strings, built from the field schemas in
 * fields.ts, so they hold the same limits as the MCP tools (mcp/schemas.ts), core (core/validate.ts)
 * and the CLI's options (cli/options.ts). Query values arrive as strings: `query()` turns the digits
 * into a number before the field's own rule runs, so "limit=0" and "limit=x" both get that rule.
 */
import { z, type ZodTypeAny } from 'zod';
import { coderId, createFields, int, messageText, absolutePath, text } from './fields.js';
import * as L from './limits.js';
import { CODER_STATES, CONTROL_ACTIONS, GROUP_ACTIONS, MERGE_STRATEGIES, STATE_FILTERS } from './states.js';

/** Every create field is optional but the task (strict: an unknown field is an error naming it). */
export const createInput = z
  .object({
    task: createFields.task,
    repo: createFields.repo.optional(),
    provider: createFields.provider.optional(),
    model: createFields.model.optional(),
    name: createFields.name.optional(),
    base_ref: createFields.base_ref.optional(),
    branch: createFields.branch.optional(),
    autostart: createFields.autostart.optional(),
    keep_processes: createFields.keep_processes.optional(),
    sandbox: createFields.sandbox.optional(),
    network: createFields.network.optional(),
    workspace_files: createFields.workspace_files.optional(),
    max_turns: createFields.max_turns.optional(),
    timeout_s: createFields.timeout_s.optional(),
    budget_usd: createFields.budget_usd.optional(),
    agents: createFields.agents.optional(),
    role: createFields.role.optional(),
    review_by: createFields.review_by.optional(),
  })
  .strict();
export type CreateInput = z.infer<typeof createInput>;

export const controlFields = {
  action: z.enum(CONTROL_ACTIONS),
  message: messageText,
  force: z.boolean(),
  keep_branch: z.boolean(),
  drop_branches: z.boolean(),
};

/** `POST /api/coders/:id/control`. Which fields go with which action is core's rule (several fields). */
export const controlInput = z
  .object({
    action: controlFields.action,
    message: controlFields.message.optional(),
    force: controlFields.force.optional(),
    keep_branch: controlFields.keep_branch.optional(),
    drop_branches: controlFields.drop_branches.optional(),
  })
  .strict();

/** `POST /api/coders/:id/attach` (core/attach.ts AttachHolder): the attaching CLI's process. */
export const attachInput = z
  .object({
    pid: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
    start_time: z.string().regex(/^\d{1,20}$/, 'must be /proc/<pid>/stat field 22 (decimal digits)'),
  })
  .strict();
/** `POST /api/coders/:id/detach` (core/attach.ts DetachInput): how the agent's UI ended. */
export const detachInput = z
  .object({ exit_code: z.number().int().min(-1).max(255).nullable().optional() })
  .strict();

/** `POST /api/coders/:id/commit`. */
export const commitInput = z.object({ message: messageText.optional() }).strict();
/** `POST /api/coders/:id/merge`. */
export const mergeInput = z
  .object({ strategy: z.enum(MERGE_STRATEGIES).optional(), message: messageText.optional() })
  .strict();
/** `POST /api/gc`. */
export const gcInput = z
  .object({
    older_than_ms: int(0).optional(),
    dry_run: z.boolean().optional(),
    include_unmerged: z.boolean().optional(),
    repo: absolutePath.optional(),
  })
  .strict();

/**
 * `POST /api/groups`: a create with `agents` (required). Which create fields cannot go with agents
 * (provider, model, branch) and the agents' providers and counts are core's rules (core/group-ops.ts).
 */
export const createGroupInput = createInput.required({ agents: true });

/** `POST /api/groups/:id/control`. */
export const groupControlInput = z
  .object({
    action: z.enum(GROUP_ACTIONS),
    force: z.boolean().optional(),
    keep_branch: z.boolean().optional(),
  })
  .strict();

// ------------------------------------------------------------------------------------ queries

/**
 * A query (or command-line) value for a number field: a decimal number ("12", "0.5") becomes that
 * number, any other text -Infinity, which fails the field's own rule ("must be an integer from 1 to
 * 1000"). Non-number fields get the text unchanged.
 */
export function query<T extends ZodTypeAny>(schema: T) {
  return z.preprocess(
    (v) =>
      typeof v === 'string' && isNumberField(schema)
        ? /^\d+(\.\d+)?$/.test(v)
          ? Number(v)
          : Number.NEGATIVE_INFINITY
        : v,
    schema,
  );
}

function isNumberField(schema: ZodTypeAny): boolean {
  let s: ZodTypeAny = schema;
  for (;;) {
    const def = s._def as { typeName?: string; innerType?: ZodTypeAny; schema?: ZodTypeAny };
    if (def.typeName === 'ZodNumber') return true;
    const next = def.innerType ?? def.schema;
    if (next === undefined) return false;
    s = next;
  }
}

/** `1`, `0`, `true`, `false`. */
export const queryBool = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** "a, b,c" → ["a", "b", "c"] (blank entries dropped). */
export const queryList = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

const stateFilterList = queryList.refine(
  (xs) => xs.length > 0 && xs.every((x) => (STATE_FILTERS as readonly string[]).includes(x)),
  `must be a comma-separated list of ${STATE_FILTERS.join(', ')}`,
);

/** `GET /api/coders?state=&repo=&limit=&cursor=`. */
export const listQuery = z
  .object({
    state: stateFilterList.optional(),
    repo: text(L.MAX_PATH_CHARS).optional(),
    limit: query(int(1, L.MAX_LIST_LIMIT)).optional(),
    cursor: text(L.MAX_LIST_CURSOR_CHARS).optional(),
  })
  .strict();

/** `GET /api/coders/:id/logs?since_seq=&tail=&kinds=&max_bytes=&follow=&timeout_ms=`. */
export const logsQuery = z
  .object({
    since_seq: query(int(0)).optional(),
    tail: query(int(1, L.MAX_TAIL)).optional(),
    kinds: queryList.optional(),
    max_bytes: query(int(1, L.LOG_ANSWER_MAX_BYTES)).optional(),
    follow: queryBool.optional(),
    timeout_ms: query(int(0, L.MAX_ASKED_POLL_MS)).optional(),
  })
  .strict();

/** `GET /api/coders/:id/logs/:seq/text?offset=&max_bytes=`. */
export const logTextQuery = z
  .object({
    offset: query(int(0)).optional(),
    max_bytes: query(int(1, L.LOG_ANSWER_MAX_BYTES)).optional(),
  })
  .strict();

/** `GET /api/coders/:id/wait?for=&timeout_ms=`. */
export const waitQuery = z
  .object({
    for: z
      .string()
      .refine(
        (s) =>
          s === 'terminal' ||
          (s !== '' && s.split(',').every((x) => (CODER_STATES as readonly string[]).includes(x))),
        `must be "terminal" or a comma-separated list of ${CODER_STATES.join(', ')}`,
      )
      .optional(),
    timeout_ms: query(int(0, L.MAX_ASKED_POLL_MS)).optional(),
  })
  .strict();

/** `GET /api/coders/:id/file?path=&max_bytes=&offset=`. */
export const fileQuery = z
  .object({
    path: text(L.MAX_PATH_CHARS),
    max_bytes: query(int(1, L.MAX_FILE_READ_BYTES)).optional(),
    offset: query(int(0)).optional(),
  })
  .strict();

/** `GET /api/coders/:id/diff?offset=&max_bytes=`. */
export const diffQuery = z
  .object({
    max_bytes: query(int(1, L.MAX_DIFF_PAGE_BYTES)).optional(),
    offset: query(int(0)).optional(),
  })
  .strict();

/** `GET /api/events?last_event_id=` (or the Last-Event-ID header). */
export const eventsQuery = z.object({ last_event_id: text(L.MAX_EVENT_ID_CHARS).optional() }).strict();

/** `?cursor=&limit=` of the paged workspace lists (changes, files). */
export const pageQuery = z
  .object({
    cursor: text(L.MAX_CURSOR_CHARS).optional(),
    limit: query(int(1, L.MAX_PAGE_LIMIT)).optional(),
  })
  .strict();

/** `GET /api/conflicts?repo=&coder=`. */
export const conflictsQuery = z.object({ repo: absolutePath.optional(), coder: coderId.optional() }).strict();

/** `GET /api/disk?ids=a,b`. */
export const diskQuery = z.object({ ids: text(L.MAX_IDS_PARAM_CHARS) }).strict();

/** Routes without parameters. */
export const noQuery = z.object({}).strict();

/** `GET /api/groups?repo=&limit=`. */
export const groupListQuery = z
  .object({ repo: absolutePath.optional(), limit: query(int(1, L.MAX_GROUP_LIST_LIMIT)).optional() })
  .strict();

/** `GET /api/groups/:id/wait?timeout_ms=` (cut to MAX_LONG_POLL_MS). */
export const groupWaitQuery = z
  .object({ timeout_ms: query(int(0, L.MAX_ASKED_POLL_MS)).optional() })
  .strict();
