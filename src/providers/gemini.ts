/**
 * Parser for Gemini CLI's `--output-format stream-json` (verified on 0.61.0).
 *
 * Events (each with a timestamp): `init{session_id, model}`, `message{role, content, delta?}`,
 * `tool_use{tool_name, tool_id, parameters}`, `tool_result{tool_id, status, output?, error?}`,
 * `error{severity, message}`, `result{status, error?, stats}`. Anything else is `raw`.
 *
 * Assistant text arrives in pieces (`delta: true`): the parser joins consecutive pieces and emits one
 * `assistant` event with the whole text when the next non-piece event arrives (so the piece lines
 * themselves produce no events). A run that ends mid-message (killed) loses that partial text.
 *
 * Outcome: `result.status` ("success" or "error" with `error.message`, in which the parser finds the
 * API's own message). The exit code is not used (0.61 exits e.g. 244 or 145 on API errors).
 *
 * Stats: tokens only from `result.stats` (input_tokens, output_tokens: this run's totals over all
 * models, including the CLI's model-router side requests). turns: +1 per model response seen in the
 * stream (a response starts with the first assistant text or tool_use after the prompt or a tool
 * result), counted live. No cost is reported.
 */
import type { OutputParser, ParsedEvent } from '../core/ports.js';
import {
  apiErrorMessage,
  callText,
  FILE_WRITING_TOOLS,
  jsonObject,
  num,
  oneLine,
  pathOf,
  raw,
  rec,
  str,
  type Json,
} from './agent-common.js';
import { clipMessage } from './text-parser.js';

export class GeminiParser implements OutputParser {
  /** Assistant pieces not yet emitted. */
  private pending = '';
  /** Inside a model response (since its first text or tool call). */
  private inResponse = false;
  private readonly tools = new Map<string, { name: string; params: unknown }>();

  parse(line: string, _stream: 'stdout' | 'stderr'): ParsedEvent[] {
    const ev = jsonObject(line);
    if (ev === null) return [raw(line)];
    if (ev.type === 'message' && ev.role === 'assistant' && ev.delta === true) {
      this.pending += str(ev.content);
      return [];
    }
    const out = this.flush();
    switch (ev.type) {
      case 'init': {
        this.inResponse = false;
        const id = str(ev.session_id);
        if (id === '') return [...out, raw(line)];
        const model = str(ev.model);
        const text = `session ${id} started${model === '' ? '' : ` (model ${model})`}`;
        return [...out, { kind: 'session_started', text, session_id: id }];
      }
      case 'message':
        return [...out, ...this.message(ev, line)];
      case 'tool_use': {
        const name = str(ev.tool_name);
        this.tools.set(str(ev.tool_id), { name, params: ev.parameters });
        return [...out, this.response({ kind: 'tool_call', text: callText(name, ev.parameters) })];
      }
      case 'tool_result':
        this.inResponse = false;
        return [...out, ...this.toolResult(ev)];
      case 'error': {
        const severity = str(ev.severity);
        return [
          ...out,
          { kind: 'error', text: oneLine(`${severity === '' ? '' : `${severity}: `}${str(ev.message)}`) },
        ];
      }
      case 'result':
        return [...out, this.result(ev)];
      default:
        return [...out, raw(line)];
    }
  }

  /** An event of a model response: the first one of a response carries turns: 1. */
  private response(event: ParsedEvent): ParsedEvent {
    if (this.inResponse) return event;
    this.inResponse = true;
    return { ...event, stats: { ...event.stats, turns: 1 } };
  }

  /** The joined assistant pieces as one event (none when there are no pieces). */
  private flush(): ParsedEvent[] {
    if (this.pending === '') return [];
    const text = this.pending;
    this.pending = '';
    if (text.trim() === '') return [];
    return [this.response({ kind: 'assistant', text, last_message: clipMessage(text.trim()) })];
  }

  private message(ev: Json, line: string): ParsedEvent[] {
    const content = str(ev.content);
    if (ev.role === 'user') {
      this.inResponse = false;
      return [{ kind: 'user', text: oneLine(content) }];
    }
    if (ev.role === 'assistant') {
      if (content.trim() === '') return [];
      return [this.response({ kind: 'assistant', text: content, last_message: clipMessage(content.trim()) })];
    }
    return [raw(line)];
  }

  private toolResult(ev: Json): ParsedEvent[] {
    const tool = this.tools.get(str(ev.tool_id));
    const name = tool?.name ?? (str(ev.tool_id).split('__')[0] || 'tool');
    const ok = ev.status === 'success';
    const detail = ok ? str(ev.output) : str(rec(ev.error).message) || str(ev.error) || str(ev.output);
    const text = oneLine(
      `${name} ${ok ? 'ok' : `${str(ev.status) || 'error'}`}${detail === '' ? '' : `: ${detail}`}`,
    );
    const out: ParsedEvent[] = [{ kind: 'tool_result', text }];
    if (ok && tool !== undefined && FILE_WRITING_TOOLS.has(name.toLowerCase())) {
      const path = pathOf(tool.params);
      if (path !== '')
        out.push({ kind: 'file_change', text: `${name === 'write_file' ? 'write' : 'edit'} ${path}` });
    }
    return out;
  }

  private result(ev: Json): ParsedEvent {
    const stats = rec(ev.stats);
    const tokensIn = num(stats.input_tokens);
    const tokensOut = num(stats.output_tokens);
    const ok = ev.status === 'success';
    const reason = ok
      ? undefined
      : oneLine(
          apiErrorMessage(str(rec(ev.error).message) || str(ev.error) || `status ${str(ev.status)}`),
          2000,
        );
    const toolCalls = num(stats.tool_calls);
    const event: ParsedEvent = {
      kind: 'result',
      text: oneLine(
        `${ok ? 'completed' : `failed: ${reason}`} (${tokensIn} in / ${tokensOut} out, ${toolCalls} tool call(s))`,
      ),
      outcome: reason === undefined ? { ok: true } : { ok: false, reason },
    };
    if (tokensIn > 0 || tokensOut > 0) event.stats = { tokens_in: tokensIn, tokens_out: tokensOut };
    return event;
  }
}

export function createGeminiParser(): OutputParser {
  return new GeminiParser();
}
