/**
 * The one JSON request of the typed client of the daemon's REST routes (http-client.ts: coders,
 * groups, worktrees), over node:http (local/http-request.ts).
 * Errors are always AicoderError: `daemon_unreachable` (naming the socket's code) when nothing
 * answers, the daemon's own `{error: ErrorBody}` when it refuses, `internal` for any other answer
 * (not JSON, or an error without a body).
 */
import { AicoderError, fromErrorBody, type ErrorBody } from '../core/errors.js';
import { httpRequest, type HttpAnswer } from '../local/http-request.js';

export type Query = Record<string, string | number | boolean | undefined>;

export type JsonRequest = <T>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  query?: Query,
) => Promise<T>;

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur !== null && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function isErrorBody(v: unknown): v is ErrorBody {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as ErrorBody).code === 'string' &&
    typeof (v as ErrorBody).message === 'string'
  );
}

/** `?a=1&b=x` from the defined values, or "". */
export function buildQuery(q: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

/** A request function bound to the daemon at `baseUrl`, sending `authHeaders` (the owner token). */
export function jsonRequester(baseUrl: string, authHeaders: Readonly<Record<string, string>>): JsonRequest {
  return async function request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    query: Query = {},
  ): Promise<T> {
    let res: HttpAnswer;
    try {
      res = await httpRequest(`${baseUrl}${path}${buildQuery(query)}`, {
        method,
        // Every POST declares JSON (the daemon refuses state changes of any other type).
        headers:
          method === 'GET'
            ? { accept: 'application/json', ...authHeaders }
            : { accept: 'application/json', 'content-type': 'application/json', ...authHeaders },
        ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
      });
    } catch (e) {
      const code = causeCode(e);
      throw new AicoderError(
        'daemon_unreachable',
        `cannot reach the aicoder daemon at ${baseUrl}${code ? ` (${code})` : ''}`,
        { cause: e },
      );
    }
    const text = res.text;
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new AicoderError(
        'internal',
        `the daemon sent a response that is not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`,
      );
    }
    if (!res.ok) {
      const err = (json as { error?: unknown } | undefined)?.error;
      if (isErrorBody(err)) throw fromErrorBody(err);
      throw new AicoderError('internal', `the daemon answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    return json as T;
  };
}
