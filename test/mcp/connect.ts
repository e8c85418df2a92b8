/** Connects the SDK Client to an McpServer over the SDK's InMemoryTransport, plus result helpers. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ManagerApi } from '../../src/core/api.js';
import type { LogLevel } from '../../src/core/ports.js';
import type { ZodTypeAny } from 'zod';
import { createMcpServer } from '../../src/mcp/index.js';
import { OUTPUT_SCHEMAS } from '../../src/mcp/schemas.js';

export interface Logged {
  level: LogLevel;
  msg: string;
  data?: Record<string, unknown>;
}

export async function connectMemory(
  manager: ManagerApi,
): Promise<{ client: Client; logged: Logged[]; close: () => Promise<void> }> {
  const logged: Logged[] = [];
  const server = createMcpServer(manager, { log: (level, msg, data) => logged.push({ level, msg, data }) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  await client.listTools();
  return {
    client,
    logged,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** Parsed JSON, as a tool result's text is: loosely typed on purpose (tests read fields by name). */
export type Json = ReturnType<typeof JSON.parse>;

export function text(res: CallToolResult): string {
  const first = res.content[0];
  if (!first || first.type !== 'text') throw new Error(`no text content: ${JSON.stringify(res)}`);
  return first.text;
}

/** The structured result of a successful call; throws with the message when it is an error. */
export function ok<T = Json>(result: unknown): T {
  const res = result as CallToolResult;
  if (res.isError) throw new Error(`tool error: ${text(res)}`);
  expectSameJson(res);
  return res.structuredContent as T;
}

/** The error text of a failed call; throws when it succeeded. */
export function err(result: unknown): string {
  const res = result as CallToolResult;
  if (!res.isError) throw new Error(`expected an error, got ${JSON.stringify(res.structuredContent)}`);
  return text(res);
}

function expectSameJson(res: CallToolResult): void {
  const lines = (res.structuredContent as { lines?: unknown } | undefined)?.lines;
  if (typeof lines === 'string') {
    // ai_coder_logs, format text: the lines as they are, then the cursor once.
    if (!text(res).startsWith(lines || '(no entries)')) throw new Error('text content lacks the lines');
    return;
  }
  const coders = (res.structuredContent as { coders?: { id: string; stats: unknown }[] } | undefined)?.coders;
  if (coders?.every((c) => typeof c.stats === 'string')) {
    // ai_coder_list, compact: a table with one line per coder.
    for (const c of coders)
      if (!text(res).includes(`\n${c.id} | `)) throw new Error(`${c.id} not in the text`);
    return;
  }
  const parsed = JSON.parse(text(res));
  if (JSON.stringify(parsed) !== JSON.stringify(res.structuredContent)) {
    throw new Error('text content differs from structuredContent');
  }
}

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  // tools/list carries no output schemas: check every result against the documented shape here.
  const schema = (OUTPUT_SCHEMAS as Record<string, ZodTypeAny>)[name];
  if (schema && !res.isError) {
    const parsed = schema.safeParse(res.structuredContent);
    if (!parsed.success) throw new Error(`${name} result breaks its schema: ${parsed.error.message}`);
  }
  return res;
}
