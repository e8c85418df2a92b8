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
      annotations: config.annotations,
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
