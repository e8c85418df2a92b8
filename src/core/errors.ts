/**
 * Local errors carry a string code. They turn into MCP `isError` results, HTTP statuses or CLI exit
 * codes only at the edge (see daemon/http-errors.ts, mcp/, cli/exit-codes.ts).
 */
import type { ErrorBody, ErrorCode } from '../protocol/errors.js';

export type { ErrorBody, ErrorCode };

/** Marks AicoderError's prototype; Symbol.for so that every copy of this module shares it. */
const AICODER_ERROR = Symbol.for('aicoder.AicoderError');

export class AicoderError extends Error {
  /**
   * `e instanceof AicoderError` holds for an AicoderError made by any copy of this module: the
   * daemon's bundled start path (scripts/bundle-daemon.mjs) has its own copy, and the modules it
   * loads later throw theirs. Subclasses keep the ordinary check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== AicoderError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[AICODER_ERROR] === true
    );
  }

  readonly code: ErrorCode;
  /** Optional field the error is about (e.g. "task", "coder_id"). */
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AicoderError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

Object.defineProperty(AicoderError.prototype, AICODER_ERROR, { value: true });

export function isAicoderError(e: unknown): e is AicoderError {
  return e instanceof AicoderError;
}

export function toErrorBody(e: unknown): ErrorBody {
  if (isAicoderError(e)) {
    const body: ErrorBody = { code: e.code, message: e.message };
    if (e.field !== undefined) body.field = e.field;
    if (e.details !== undefined) body.details = e.details;
    return body;
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message };
}

export function fromErrorBody(body: ErrorBody): AicoderError {
  const opts: { field?: string; details?: Record<string, unknown> } = {};
  if (body.field !== undefined) opts.field = body.field;
  if (body.details !== undefined) opts.details = body.details;
  return new AicoderError(body.code, body.message, opts);
}
