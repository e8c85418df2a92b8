/** Request handlers that see raw params, and the params check that answers -32602 in one sentence. */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol, type RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z, type ZodTypeAny } from 'zod';
import { issueMessage } from '../protocol/issues.js';

/**
 * A JSON-RPC error as the SDK's Protocol sends it ({code, message, data}). Unlike McpError, the
 * message goes on the wire as given, without an "MCP error -32602:" prefix.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Installs a request handler that receives the raw params: the method's own schema would reject a
 * bad request with the SDK's zod dump (-32603); `parse` below answers -32602 with one sentence.
 */
const loose = new Map<string, ZodTypeAny>();

/** {method, params?} with params unchecked; one schema per method per process. */
function looseSchema(method: string): ZodTypeAny {
  let schema = loose.get(method);
  if (!schema) {
    schema = z.object({ method: z.literal(method), params: z.unknown().optional() }).passthrough();
    loose.set(method, schema);
  }
  return schema;
}

export function rawHandler(
  server: Server,
  method: string,
  fn: (params: Record<string, unknown>, extra: Extra) => unknown,
): void {
  const schema = looseSchema(method);
  Protocol.prototype.setRequestHandler.call(
    server,
    schema as never,
    ((req: { params?: unknown }, extra: Extra) => {
      const p = req.params;
      return fn(
        p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {},
        extra,
      );
    }) as never,
  );
}

/** Params checked against a zod schema; a mismatch is -32602 naming the first bad field. */
export function parseParams<S extends ZodTypeAny>(method: string, schema: S, params: unknown): z.infer<S> {
  const r = schema.safeParse(params);
  if (r.success) return r.data as z.infer<S>;
  // Fields are named from params ("params.uri"), as the JSON-RPC request spells them.
  const texts = r.error.issues.map((i) => issueMessage({ ...i, path: ['params', ...i.path] }).message);
  throw new RpcError(
    ErrorCode.InvalidParams,
    `Invalid params for ${method}: ${[...new Set(texts)].join('; ')}`,
  );
}
