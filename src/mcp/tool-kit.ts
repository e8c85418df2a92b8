/** Shared plumbing of the tool handlers: success results, error results, the handler context. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ManagerApi } from '../core/api.js';
import type { Coder, LogEntry } from '../core/coder.js';
import type { Logger } from '../core/ports.js';
import { errorResult, type HintContext } from './errors.js';
import type { ToolExtra } from './progress.js';

export interface ToolContext {
  manager: ManagerApi;
  log: Logger;
  hints: HintContext;
}

export function hintContext(manager: ManagerApi): HintContext {
  return { providers: () => manager.providers().map((p) => p.name) };
}

/** structuredContent plus the text the model reads: the same JSON, unless `text` renders it. */
export function okResult(
  structured: Record<string, unknown>,
  text: (r: Record<string, unknown>) => string = JSON.stringify,
): CallToolResult {
  return { content: [{ type: 'text', text: text(structured) }], structuredContent: structured };
}

/** Wraps a handler: its value becomes the structured result, anything thrown an isError result. */
export function guarded<A>(
  ctx: ToolContext,
  tool: string,
  fn: (args: A, extra: ToolExtra) => Promise<Record<string, unknown>>,
  text?: (r: Record<string, unknown>) => string,
): (args: A, extra: ToolExtra) => Promise<CallToolResult> {
  return async (args, extra) => {
    try {
      return okResult(await fn(args, extra), text);
    } catch (err) {
      return errorResult(err, ctx.hints, ctx.log, tool);
    }
  };
}

/** The record as plain JSON (a copy, so later changes to the source object do not leak in). */
export function coderJson(c: Coder): Record<string, unknown> {
  return { ...c, stats: { ...c.stats } };
}

export function entryJson(e: LogEntry): {
  seq: number;
  ts: string;
  stream: string;
  kind: string;
  text: string;
} {
  return { seq: e.seq, ts: e.ts, stream: e.stream, kind: e.kind, text: e.text };
}

/** One line for progress messages: the state and the last message. */
export function describeCoder(c: Coder): string {
  if (c.state === 'needs_input' && c.question) return `needs_input: ${oneLine(c.question)}`;
  const flag = c.stalled ? `${c.state} (stalled)` : c.state;
  if (c.progress) {
    const pct = c.progress.percent === null ? '' : ` ${c.progress.percent}%`;
    return `${flag}:${pct} ${oneLine(c.progress.message)}`;
  }
  const last = c.stats.last_message;
  return last ? `${flag}: ${oneLine(last)}` : flag;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
