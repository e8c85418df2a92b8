/**
 * Input validation at the HTTP edge: the contract's body and query schemas (src/protocol/inputs.ts)
 * turned into the shapes the manager takes. Every message names the field and the rule, e.g.
 * "task must be 1–20000 characters", "limit must be an integer from 1 to 1000".
 */
import type { ZodType, ZodTypeDef } from 'zod';
import type { CoderState } from '../core/coder.js';
import type { ControlInput, CreateCoderInput, ListInput, StateFilter, WaitTarget } from '../core/api.js';
import type { AttachHolder, DetachInput } from '../core/attach.js';
import { AicoderError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import {
  attachInput,
  controlInput,
  detachInput,
  createInput,
  DEFAULT_LONG_POLL_MS,
  DIFF_PAGE_BYTES,
  diffQuery,
  eventsQuery,
  FILE_READ_DEFAULT_BYTES,
  fileQuery,
  listQuery,
  logsQuery,
  logTextQuery,
  MAX_LONG_POLL_MS,
  noQuery,
  pageQuery,
  waitQuery,
} from '../protocol/index.js';

export { MAX_LONG_POLL_MS };

/** `input` checked against `schema`, or invalid_input naming the field and the rule. */
export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, root: string): T {
  return parseInput(schema, input, root);
}

// ------------------------------------------------------------------------------------------- bodies

export const createSchema: ZodType<CreateCoderInput, ZodTypeDef, unknown> = createInput;
export const controlSchema: ZodType<ControlInput, ZodTypeDef, unknown> = controlInput;
export const attachSchema: ZodType<AttachHolder, ZodTypeDef, unknown> = attachInput;
export const detachSchema: ZodType<DetachInput, ZodTypeDef, unknown> = detachInput;

// ------------------------------------------------------------------------------------------ queries

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
  const v = parseWith(listQuery, q, 'query');
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
  const v = parseWith(logsQuery, q, 'query');
  const out: LogsQuery = {
    follow: v.follow ?? false,
    timeout_ms: Math.min(v.timeout_ms ?? DEFAULT_LONG_POLL_MS, MAX_LONG_POLL_MS),
  };
  if (v.since_seq !== undefined) out.since_seq = v.since_seq;
  if (v.tail !== undefined) out.tail = v.tail;
  if (v.kinds !== undefined && v.kinds.length > 0) out.kinds = v.kinds;
  if (v.max_bytes !== undefined) out.max_bytes = v.max_bytes;
  return out;
}

/** `GET /api/coders/:id/logs/:seq/text?offset=&max_bytes=`: a slice of one entry's whole text. */
export function parseLogTextQuery(q: Record<string, string>): { offset?: number; max_bytes?: number } {
  const v = parseWith(logTextQuery, q, 'query');
  return {
    ...(v.offset !== undefined ? { offset: v.offset } : {}),
    ...(v.max_bytes !== undefined ? { max_bytes: v.max_bytes } : {}),
  };
}

export function parseWaitQuery(q: Record<string, string>): { for: WaitTarget; timeout_ms: number } {
  const v = parseWith(waitQuery, q, 'query');
  const target: WaitTarget =
    v.for === undefined || v.for === 'terminal' ? 'terminal' : (v.for.split(',') as CoderState[]);
  return { for: target, timeout_ms: Math.min(v.timeout_ms ?? DEFAULT_LONG_POLL_MS, MAX_LONG_POLL_MS) };
}

export function parseFileQuery(q: Record<string, string>): {
  path: string;
  max_bytes: number;
  offset: number;
} {
  const v = parseWith(fileQuery, q, 'query');
  return { path: v.path, max_bytes: v.max_bytes ?? FILE_READ_DEFAULT_BYTES, offset: v.offset ?? 0 };
}

/** GET /api/coders/:id/diff: `offset` (bytes, default 0) and `max_bytes` (1–1 MiB, default 256 KiB). */
export function parseDiffQuery(q: Record<string, string>): { offset: number; max_bytes: number } {
  const v = parseWith(diffQuery, q, 'query');
  return { max_bytes: v.max_bytes ?? DIFF_PAGE_BYTES, offset: v.offset ?? 0 };
}

export function parseEventsQuery(q: Record<string, string>): { last_event_id?: string } {
  const v = parseWith(eventsQuery, q, 'query');
  return v.last_event_id === undefined ? {} : { last_event_id: v.last_event_id };
}

/** `?cursor=&limit=` of the paged workspace lists (changes, files). */
export function parsePageQuery(q: Record<string, string>): { cursor?: string; limit?: number } {
  const v = parseWith(pageQuery, q, 'query');
  const out: { cursor?: string; limit?: number } = {};
  if (v.cursor !== undefined) out.cursor = v.cursor;
  if (v.limit !== undefined) out.limit = v.limit;
  return out;
}

export function parseNoQuery(q: Record<string, string>): void {
  parseWith(noQuery, q, 'query');
}

/** A resumption cursor "E:L" (event id, log id). */
export function parseCursor(raw: string, field: string): { e: number; l: number } {
  const m = /^(\d+):(\d+)$/.exec(raw.trim());
  if (m === null) {
    throw new AicoderError(
      'invalid_input',
      `${field} must be a cursor "E:L" as sent in the SSE id field (got ${JSON.stringify(raw)})`,
      { field },
    );
  }
  return { e: Number(m[1]), l: Number(m[2]) };
}
