/**
 * Input at the HTTP edge: the one parser (`parseWith`: the contract's schemas of src/protocol/, every
 * message naming the field and the rule, e.g. "limit must be an integer from 1 to 1000"), the query
 * string as an object, and the defaults and caps that turn a route's parsed query (protocol/routes.ts)
 * into what the manager takes.
 */
import type { ZodType, ZodTypeDef } from 'zod';
import type { CoderState } from '../core/coder.js';
import type { ControlInput, CreateCoderInput, ListInput, StateFilter, WaitTarget } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import {
  controlInput,
  createInput,
  DEFAULT_LONG_POLL_MS,
  MAX_LONG_POLL_MS,
  type RouteQuery,
} from '../protocol/index.js';

export { MAX_LONG_POLL_MS };

/** `input` checked against `schema`, or invalid_input naming the field and the rule. */
export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, root: string): T {
  return parseInput(schema, input, root);
}

export const createSchema: ZodType<CreateCoderInput, ZodTypeDef, unknown> = createInput;
export const controlSchema: ZodType<ControlInput, ZodTypeDef, unknown> = controlInput;

/** URLSearchParams → plain object; a repeated parameter is an error (ambiguous). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in out) throw new AicoderError('invalid_input', `${k} must be given at most once`, { field: k });
    out[k] = v;
  }
  return out;
}

/** A long poll's `timeout_ms`: the default when absent, cut to MAX_LONG_POLL_MS. */
export function longPollMs(asked: number | undefined): number {
  return Math.min(asked ?? DEFAULT_LONG_POLL_MS, MAX_LONG_POLL_MS);
}

/** `GET /api/coders`'s query as ManagerApi.list takes it. */
export function listInput(v: RouteQuery<'list'>): ListInput {
  const out: ListInput = {};
  if (v.state !== undefined) out.states = v.state as StateFilter[];
  if (v.repo !== undefined) out.repo = v.repo;
  if (v.limit !== undefined) out.limit = v.limit;
  if (v.cursor !== undefined) out.cursor = v.cursor;
  return out;
}

/** `GET /api/coders/:id/wait`'s target: "terminal" (the default) or a list of states. */
export function waitTarget(v: RouteQuery<'wait'>): WaitTarget {
  return v.for === undefined || v.for === 'terminal' ? 'terminal' : (v.for.split(',') as CoderState[]);
}

/** Only the defined values of `o` (the manager's inputs are exact optional types). */
export function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
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
