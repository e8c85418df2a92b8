/**
 * The tools of one MCP session, served by our own tools/list and tools/call handlers (MCP spec
 * 2025-11-25, server/tools) instead of the SDK's McpServer, so that:
 * - tools/list is converted from zod once per process and sent without output schemas (the model
 *   reads the text; docs/mcp.md documents each result's shape), keeping it small;
 * - an unknown tool name is a JSON-RPC error (-32602), as the spec asks;
 * - a bad argument is a tool result with isError naming the field, the rule and an example.
 */
import type { ZodObject, ZodRawShape, ZodTypeAny } from 'zod';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import {
  ErrorCode,
  type CallToolResult,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { AicoderError } from '../core/errors.js';
import { RpcError } from './handlers.js';
import { formatIssues } from '../protocol/issues.js';
import type { ToolExtra } from './progress.js';

type AnyObject = ZodObject<ZodRawShape>;

export interface ToolConfig {
  title: string;
  description: string;
  inputSchema: AnyObject;
  /** The result's shape, for docs/mcp.md and tests; not sent in tools/list. */
  outputSchema?: ZodTypeAny;
  annotations: ToolAnnotations;
}

export type ToolHandler<A> = (args: A, extra: ToolExtra) => Promise<CallToolResult>;

/** Invalid arguments: turned into an isError result by the caller's error mapping. */
export class InputError extends AicoderError {
  constructor(message: string, field: string | undefined) {
    super('invalid_input', message, field !== undefined ? { field } : {});
  }
}

const jsonSchemas = new WeakMap<AnyObject, Tool['inputSchema']>();

/** The JSON Schema of an input schema, converted once per process (draft-07, no $schema key). */
export function inputJsonSchema(schema: AnyObject): Tool['inputSchema'] {
  let json = jsonSchemas.get(schema);
  if (!json) {
    const { $schema: _drop, ...rest } = toJsonSchemaCompat(schema, {
      strictUnions: true,
      pipeStrategy: 'input',
    });
    json = rest as Tool['inputSchema'];
    jsonSchemas.set(schema, json);
  }
  return json;
}

/** The JSON Schema of a tool's result (structuredContent), for docs/mcp.md. */
export function resultJsonSchema(schema: ZodTypeAny): Record<string, unknown> {
  const { $schema: _drop, ...rest } = toJsonSchemaCompat(schema as AnyObject, {
    strictUnions: true,
    pipeStrategy: 'output',
  });
  return rest;
}

/** The spec's defaults (MCP 2025-11-25, ToolAnnotations): a client assumes these when a hint is absent. */
const HINT_DEFAULTS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
} as const;

/**
 * The annotations as tools/list sends them: hints equal to the spec's defaults are left out, and so
 * are destructiveHint and idempotentHint of a read-only tool (the spec says they mean something only
 * when readOnlyHint is false). destructiveHint of a tool that writes is always sent, as clients ask
 * before calling a destructive tool. Saves ~90 tokens per tools/list; the meaning is unchanged.
 */
export function wireAnnotations(a: ToolAnnotations): ToolAnnotations {
  const out: ToolAnnotations = {};
  for (const [key, value] of Object.entries(a) as [keyof ToolAnnotations, unknown][]) {
    const def = HINT_DEFAULTS[key as keyof typeof HINT_DEFAULTS];
    if (def === undefined) {
      (out as Record<string, unknown>)[key] = value;
      continue;
    }
    const ignored = a.readOnlyHint === true && (key === 'destructiveHint' || key === 'idempotentHint');
    const always = key === 'destructiveHint' && a.readOnlyHint !== true;
    if (always || (!ignored && value !== def)) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

interface Entry {
  config: ToolConfig;
  handler: ToolHandler<never>;
}

export class ToolRegistry {
  private readonly tools = new Map<string, Entry>();
  private listed: Tool[] | undefined;

  constructor(private readonly onInvalid: (err: InputError, tool: string) => CallToolResult) {}

  registerTool<A>(name: string, config: ToolConfig, handler: ToolHandler<A>): void {
    this.tools.set(name, { config, handler });
    this.listed = undefined;
  }

  /** tools/list's tools, in registration order. */
  list(): Tool[] {
    this.listed ??= [...this.tools].map(([name, { config }]) => ({
      name,
      title: config.title,
      description: config.description,
      inputSchema: inputJsonSchema(config.inputSchema),
      annotations: wireAnnotations(config.annotations),
    }));
    return this.listed;
  }

  /** The configs by name (docs and tests read the output schemas here). */
  configs(): Map<string, ToolConfig> {
    return new Map([...this.tools].map(([n, e]) => [n, e.config]));
  }

  /** tools/call: unknown name → -32602; invalid arguments → isError result naming the field. */
  async call(name: string, args: unknown, extra: ToolExtra): Promise<CallToolResult> {
    const entry = this.tools.get(name);
    if (!entry) {
      throw new RpcError(
        ErrorCode.InvalidParams,
        `Unknown tool: ${name}; tools/list names the tools (${[...this.tools.keys()].join(', ')})`,
      );
    }
    const schema = entry.config.inputSchema;
    const parsed = schema.safeParse(args ?? {});
    if (!parsed.success) {
      const { field, message } = formatIssues(parsed.error, {
        root: 'arguments',
        known: Object.keys(schema.shape),
      });
      const err = new InputError(`Invalid arguments for ${name}: ${message}`, field);
      return this.onInvalid(err, name);
    }
    return entry.handler(parsed.data as never, extra);
  }
}
