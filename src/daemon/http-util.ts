/** Small HTTP helpers: the Host/Origin guard, JSON bodies (1 MiB cap) and JSON/error responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AicoderError, toErrorBody } from '../core/errors.js';
import { httpStatus } from './http-errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}

/**
 * Headers a request may carry once only. Node keeps the first of two Host (or Authorization, or
 * Content-Type) headers and drops the rest, so a proxy or client that reads the last one would judge
 * a different request than we serve: refuse them all.
 */
const SINGLE_HEADERS = new Set(['host', 'origin', 'authorization', 'content-type']);

/** The first header in `SINGLE_HEADERS` that `req.rawHeaders` holds more than once, or null. */
export function duplicateHeader(req: IncomingMessage): string | null {
  const seen = new Set<string>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}

/** Returns the reason a request must be refused (DNS rebinding, cross-site), or null when it is fine. */
export function guardRequest(req: IncomingMessage, port: number): string | null {
  const dup = duplicateHeader(req);
  if (dup !== null) return `more than one ${dup} header: send it once`;
  const host = req.headers.host;
  if (host === undefined || !allowedHosts(port).includes(host.toLowerCase())) {
    return `forbidden Host header ${JSON.stringify(host ?? '')}: only 127.0.0.1:${port} or localhost:${port} are accepted`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(port).includes(origin.toLowerCase())) {
    return `forbidden Origin header ${JSON.stringify(origin)}: only http://127.0.0.1:${port} or http://localhost:${port} are accepted`;
  }
  return null;
}

/** Methods that change nothing: every other method on /api must declare a JSON body. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * State-changing requests must say `Content-Type: application/json` (even with an empty body): a
 * browser page can send a "simple" cross-site POST (text/plain, form types) without a CORS preflight,
 * but not one with a JSON type. Returns the refusal (for a 415), or null.
 */
export function requireJsonType(req: IncomingMessage): string | null {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return null;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return null;
  return `${req.method ?? 'POST'} requests must have content-type: application/json (got ${JSON.stringify(type)})`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): number {
  const body = toErrorBody(err);
  const status = httpStatus(body.code);
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  sendJson(res, status, { error: body });
  return status;
}

/** Sends a plain status with an error body not tied to an AicoderError code (403, 404, 405, 413, 415). */
export function sendStatus(
  res: ServerResponse,
  status: number,
  code: 'invalid_input' | 'not_found' | 'forbidden',
  message: string,
): void {
  sendJson(res, status, { error: { code, message } });
}

/** Marks HttpError's prototype; Symbol.for so that every copy of this module shares it. */
const HTTP_ERROR = Symbol.for('aicoder.HttpError');

export class HttpError extends Error {
  /** `instanceof` across copies of this module, as AicoderError's (core/errors.ts). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== HttpError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HTTP_ERROR] === true
    );
  }

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
Object.defineProperty(HttpError.prototype, HTTP_ERROR, { value: true });

/** Reads a JSON request body. Empty body → undefined. Too large → 413, bad JSON → 400, not JSON → 415. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    throw new HttpError(413, `request body too large: the limit is ${MAX_BODY_BYTES} bytes (1 MiB)`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, `request body too large: the limit is ${MAX_BODY_BYTES} bytes (1 MiB)`);
    }
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(
      415,
      `request body must be JSON (content-type: application/json), got ${JSON.stringify(type)}`,
    );
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AicoderError('invalid_input', `request body is not valid JSON: ${(e as Error).message}`, {
      field: 'body',
    });
  }
}
