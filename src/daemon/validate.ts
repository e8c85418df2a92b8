/**
 * Input validation at the HTTP edge (zod). Every message names the field and the rule, e.g.
 * "task must be 1–20000 characters", "limit must be an integer from 1 to 1000".
 */
import { isAbsolute } from 'node:path';
import { z, type ZodIssue, type ZodType, type ZodTypeDef } from 'zod';
import { CODER_STATES, type CoderState } from '../core/coder.js';
import type { ControlInput, CreateCoderInput, ListInput, StateFilter, WaitTarget } from '../core/api.js';
import { ACTIONS } from '../core/state-machine.js';
import { AicoderError } from '../core/errors.js';
import { MAX_MESSAGE_CHARS, MAX_TASK_CHARS } from '../core/validate.js';
import { LOG_ANSWER_MAX_BYTES } from '../core/ports.js';
import { DIFF_PAGE_BYTES, MAX_DIFF_PAGE_BYTES } from '../workspace/slice.js';

/** Long polls (wait, logs follow) never hold a request longer than this. */
export const MAX_LONG_POLL_MS = 50_000;

function describe(issue: ZodIssue, root: string): { field: string; message: string } {
  const field = issue.path.length > 0 ? issue.path.join('.') : root;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const where = issue.path.length > 0 ? ` in ${field}` : '';
    return { field: issue.keys[0] ?? field, message: `unknown field ${keys}${where}` };
  }
  if (issue.code === 'invalid_type') {
    if (issue.received === 'undefined') return { field, message: `${field} is required` };
    const article = issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a';
    return { field, message: `${field} must be ${article} ${issue.expected} (got ${issue.received})` };
  }
  if (issue.code === 'invalid_enum_value') {
    const options = issue.options.map(String).join(', ');
    return { field, message: `${field} must be one of ${options} (got ${JSON.stringify(issue.received)})` };
  }
  // Every other rule carries our own "must …" message (see the schemas below).
  const message = issue.message.startsWith('must')
    ? `${field} ${issue.message}`
    : `${field}: ${issue.message}`;
  return { field, message };
}

export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, root: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue === undefined) throw new AicoderError('invalid_input', `${root} is invalid`, { field: root });
  const { field, message } = describe(issue, root);
  throw new AicoderError('invalid_input', message, { field });
}

const text = (min: number, max: number) =>
  z.string().min(min, `must be ${min}–${max} characters`).max(max, `must be ${min}–${max} characters`);

// ------------------------------------------------------------------------------------------- bodies

export const createSchema: ZodType<CreateCoderInput, ZodTypeDef, unknown> = z
  .object({
    task: text(1, MAX_TASK_CHARS),
    repo: text(1, 4096)
      .refine((p) => isAbsolute(p), 'must be an absolute path')
      .optional(),
    provider: text(1, 100).optional(),
    model: text(1, 200).optional(),
    name: text(1, 100).optional(),
    base_ref: text(1, 500).optional(),
    branch: text(1, 250).optional(),
    autostart: z.boolean().optional(),
    keep_processes: z.boolean().optional(),
    sandbox: z.enum(['none', 'bwrap']).optional(),
    workspace_files: z.array(text(1, 4096)).max(100, 'must hold at most 100 paths').optional(),
    max_turns: z.number().int().min(1).optional(),
    timeout_s: z.number().gt(0).max(604_800).optional(),
    budget_usd: z.number().gt(0).optional(),
  })
  .strict();

export const controlSchema: ZodType<ControlInput, ZodTypeDef, unknown> = z
  .object({
    action: z.enum([...ACTIONS, 'message']),
    message: text(1, MAX_MESSAGE_CHARS).optional(),
    force: z.boolean().optional(),
    keep_branch: z.boolean().optional(),
  })
  .strict();

// ------------------------------------------------------------------------------------------ queries

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer from ${min} to ${max}`);

const boolParam = z.enum(['1', '0', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const listParam = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

const STATE_FILTERS: readonly string[] = [...CODER_STATES, 'active', 'all'];
const stateListParam = listParam.refine(
  (xs) => xs.length > 0 && xs.every((x) => STATE_FILTERS.includes(x)),
  `must be a comma-separated list of ${STATE_FILTERS.join(', ')}`,
);

/** URLSearchParams → plain object; a repeated parameter is an error (ambiguous). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in out) throw new AicoderError('invalid_input', `${k} must be given at most once`, { field: k });
    out[k] = v;
  }
  return out;
}

export function parseListQuery(q: Record<string, string>): ListInput {
  const v = parseWith(
    z
      .object({
        state: stateListParam.optional(),
        repo: text(1, 4096).optional(),
        limit: intParam(1, 1000).optional(),
        cursor: text(1, 500).optional(),
      })
      .strict(),
    q,
    'query',
  );
  const out: ListInput = {};
  if (v.state !== undefined) out.states = v.state as StateFilter[];
  if (v.repo !== undefined) out.repo = v.repo;
  if (v.limit !== undefined) out.limit = v.limit;
  if (v.cursor !== undefined) out.cursor = v.cursor;
  return out;
}

export interface LogsQuery {
  since_seq?: number;
  tail?: number;
  kinds?: string[];
  max_bytes?: number;
  follow: boolean;
  timeout_ms: number;
}

export function parseLogsQuery(q: Record<string, string>): LogsQuery {
  const v = parseWith(
    z
      .object({
        since_seq: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
        tail: intParam(1, 100_000).optional(),
        kinds: listParam.optional(),
        max_bytes: intParam(1, LOG_ANSWER_MAX_BYTES).optional(),
        follow: boolParam.optional(),
        timeout_ms: intParam(0, 3_600_000).optional(),
      })
      .strict(),
    q,
    'query',
  );
  const out: LogsQuery = {
    follow: v.follow ?? false,
    timeout_ms: Math.min(v.timeout_ms ?? 30_000, MAX_LONG_POLL_MS),
  };
  if (v.since_seq !== undefined) out.since_seq = v.since_seq;
  if (v.tail !== undefined) out.tail = v.tail;
  if (v.kinds !== undefined && v.kinds.length > 0) out.kinds = v.kinds;
  if (v.max_bytes !== undefined) out.max_bytes = v.max_bytes;
  return out;
}

/** `GET /api/coders/:id/logs/:seq/text?offset=&max_bytes=`: a slice of one entry's whole text. */
export function parseLogTextQuery(q: Record<string, string>): { offset?: number; max_bytes?: number } {
  const v = parseWith(
    z
      .object({
        offset: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
        max_bytes: intParam(1, LOG_ANSWER_MAX_BYTES).optional(),
      })
      .strict(),
    q,
    'query',
  );
  return {
    ...(v.offset !== undefined ? { offset: v.offset } : {}),
    ...(v.max_bytes !== undefined ? { max_bytes: v.max_bytes } : {}),
  };
}

export function parseWaitQuery(q: Record<string, string>): { for: WaitTarget; timeout_ms: number } {
  const v = parseWith(
    z
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
        timeout_ms: intParam(0, 3_600_000).optional(),
      })
      .strict(),
    q,
    'query',
  );
  const target: WaitTarget =
    v.for === undefined || v.for === 'terminal' ? 'terminal' : (v.for.split(',') as CoderState[]);
  return { for: target, timeout_ms: Math.min(v.timeout_ms ?? 30_000, MAX_LONG_POLL_MS) };
}

export function parseFileQuery(q: Record<string, string>): {
  path: string;
  max_bytes: number;
  offset: number;
} {
  const v = parseWith(
    z
      .object({
        path: text(1, 4096),
        max_bytes: intParam(1, 10 * 1024 * 1024).optional(),
        offset: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
      })
      .strict(),
    q,
    'query',
  );
  return { path: v.path, max_bytes: v.max_bytes ?? 256 * 1024, offset: v.offset ?? 0 };
}

/** GET /api/coders/:id/diff: `offset` (bytes, default 0) and `max_bytes` (1–1 MiB, default 256 KiB). */
export function parseDiffQuery(q: Record<string, string>): { offset: number; max_bytes: number } {
  const v = parseWith(
    z
      .object({
        max_bytes: intParam(1, MAX_DIFF_PAGE_BYTES).optional(),
        offset: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
      })
      .strict(),
    q,
    'query',
  );
  return { max_bytes: v.max_bytes ?? DIFF_PAGE_BYTES, offset: v.offset ?? 0 };
}

export function parseEventsQuery(q: Record<string, string>): { last_event_id?: string } {
  const v = parseWith(z.object({ last_event_id: text(1, 100).optional() }).strict(), q, 'query');
  return v.last_event_id === undefined ? {} : { last_event_id: v.last_event_id };
}

/** `?cursor=&limit=` of the paged workspace lists (changes, files). */
export function parsePageQuery(q: Record<string, string>): { cursor?: string; limit?: number } {
  const v = parseWith(
    z
      .object({
        cursor: text(1, 8192).optional(),
        limit: intParam(1, 5000).optional(),
      })
      .strict(),
    q,
    'query',
  );
  const out: { cursor?: string; limit?: number } = {};
  if (v.cursor !== undefined) out.cursor = v.cursor;
  if (v.limit !== undefined) out.limit = v.limit;
  return out;
}

export function parseNoQuery(q: Record<string, string>): void {
  parseWith(z.object({}).strict(), q, 'query');
}

/** A resumption cursor "E:L" (event id, log id). */
export function parseCursor(raw: string, field: string): { e: number; l: number } {
  const m = /^(\d+):(\d+)$/.exec(raw.trim());
  if (m === null) {
    throw new AicoderError(
      'invalid_input',
      `${field} must be a cursor "E:L" as sent in the SSE id field (got ${JSON.stringify(raw)})`,
      {
        field,
      },
    );
  }
  return { e: Number(m[1]), l: Number(m[2]) };
}
