/**
 * Parser for Claude Code's `-p --output-format stream-json --verbose` stream (verified on 2.1.197).
 *
 * Events: `system` (subtype `init` carries session_id, model, cwd; `api_retry` and others are
 * tolerated), `assistant` (one Anthropic message per line: text / thinking / tool_use blocks and
 * `usage`), `user` (tool_result blocks; `tool_use_result` says what a file tool did), `result`
 * (`is_error`, `result`, `num_turns`, `total_cost_usd`, `usage`, `permission_denials`: the tool calls
 * the permission mode refused, each `{tool_name, tool_use_id, tool_input}`). Anything else is `raw`.
 *
 * Outcome: from the result's `is_error` only. Its `subtype` says "success" even on an API error, and
 * the exit code says nothing more than is_error does.
 *
 * Stats, counted once:
 * - While running, each assistant message id counts once: turns +1, tokens_in = input_tokens +
 *   cache_creation_input_tokens + cache_read_input_tokens of its first line; tokens_out grows to the
 *   largest output_tokens seen for that id. (A message's content blocks come as separate lines that
 *   repeat the same usage, and that usage is the stream's *start* usage — output_tokens is not final.)
 * - The result line is the authority: it carries the run's totals (num_turns; tokens summed over
 *   `modelUsage`, which covers every model of the run including subagents, else `usage`), and the
 *   parser emits the difference between those totals and what it already counted, so the sum of a
 *   run's deltas equals the result's totals. A delta is never negative (a count shown live is never
 *   taken back). A run that ends without a result keeps its live counts.
 * - cost_usd comes only from `total_cost_usd` (once, on the result line).
 */
import type { OutputParser, ParsedEvent, StatsDelta } from '../core/ports.js';
import {
  arr,
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

interface Totals {
  turns: number;
  tokens_in: number;
  tokens_out: number;
}

function inputTokens(usage: Json): number {
  return (
    num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens)
  );
}

export class ClaudeParser implements OutputParser {
  /** Per message id: the output tokens counted so far. */
  private readonly messages = new Map<string, number>();
  private readonly counted: Totals = { turns: 0, tokens_in: 0, tokens_out: 0 };
  /** tool_use id → its name and input, to describe results and file changes. */
  private readonly tools = new Map<string, { name: string; input: unknown }>();

  parse(line: string, _stream: 'stdout' | 'stderr'): ParsedEvent[] {
    const ev = jsonObject(line);
    if (ev === null) return [raw(line)];
    switch (ev.type) {
      case 'system':
        return this.system(ev, line);
      case 'assistant':
        return this.assistant(ev, line);
      case 'user':
        return this.user(ev, line);
      case 'result':
        return [this.result(ev)];
      default:
        return [raw(line)];
    }
  }

  private system(ev: Json, line: string): ParsedEvent[] {
    const sessionId = str(ev.session_id);
    if (ev.subtype === 'init' && sessionId !== '') {
      const model = str(ev.model);
      const text = `session ${sessionId} started${model === '' ? '' : ` (model ${model})`}`;
      return [{ kind: 'session_started', text, session_id: sessionId }];
    }
    if (ev.subtype === 'api_retry') {
      const attempt = num(ev.attempt);
      const max = num(ev.max_retries);
      const detail = str(ev.error) || str(rec(ev.error).message) || str(ev.error_status);
      return [
        { kind: 'error', text: oneLine(`API retry ${attempt}/${max}${detail === '' ? '' : `: ${detail}`}`) },
      ];
    }
    return [raw(line)];
  }

  private assistant(ev: Json, line: string): ParsedEvent[] {
    const msg = rec(ev.message);
    const out: ParsedEvent[] = [];
    for (const b of arr(msg.content).map(rec)) {
      switch (b.type) {
        case 'text': {
          const text = str(b.text);
          if (text.trim() !== '')
            out.push({ kind: 'assistant', text, last_message: clipMessage(text.trim()) });
          break;
        }
        case 'thinking':
          if (str(b.thinking).trim() !== '') out.push({ kind: 'reasoning', text: oneLine(str(b.thinking)) });
          break;
        case 'tool_use': {
          const name = str(b.name);
          this.tools.set(str(b.id), { name, input: b.input });
          out.push({ kind: 'tool_call', text: callText(name, b.input) });
          break;
        }
        default:
          break;
      }
    }
    if (out.length === 0) out.push(raw(line));
    const stats = this.countMessage(str(msg.id), rec(msg.usage));
    if (stats !== undefined) out[0] = { ...out[0]!, stats };
    return out;
  }

  /** Live stats of an assistant line: see the header for the rules. */
  private countMessage(id: string, usage: Json): StatsDelta | undefined {
    if (id === '') return undefined;
    const seen = this.messages.get(id);
    const outTokens = num(usage.output_tokens);
    if (seen === undefined) {
      this.messages.set(id, outTokens);
      const delta = { turns: 1, tokens_in: inputTokens(usage), tokens_out: outTokens };
      this.add(delta);
      return delta;
    }
    if (outTokens <= seen) return undefined;
    this.messages.set(id, outTokens);
    const delta = { tokens_out: outTokens - seen };
    this.add(delta);
    return delta;
  }

  private add(d: Partial<Totals>): void {
    this.counted.turns += d.turns ?? 0;
    this.counted.tokens_in += d.tokens_in ?? 0;
    this.counted.tokens_out += d.tokens_out ?? 0;
  }

  private user(ev: Json, line: string): ParsedEvent[] {
    const out: ParsedEvent[] = [];
    const detail = rec(ev.tool_use_result);
    for (const b of arr(rec(ev.message).content).map(rec)) {
      if (b.type !== 'tool_result') continue;
      const tool = this.tools.get(str(b.tool_use_id));
      const name = tool?.name ?? 'tool';
      const content = resultText(b.content);
      const isError = b.is_error === true;
      out.push({ kind: 'tool_result', text: oneLine(`${name} ${isError ? 'error' : 'ok'}: ${content}`) });
      if (!isError && tool !== undefined && FILE_WRITING_TOOLS.has(name.toLowerCase())) {
        const path = str(detail.filePath) || pathOf(tool.input);
        const kind = str(detail.type) || 'edit';
        if (path !== '') out.push({ kind: 'file_change', text: `${kind} ${path}` });
      }
    }
    return out.length === 0 ? [raw(line)] : out;
  }

  private result(ev: Json): ParsedEvent {
    const isError = ev.is_error === true;
    const resultText = str(ev.result);
    const totals: Totals = { turns: num(ev.num_turns), ...resultTokens(ev) };
    const stats: StatsDelta = {};
    for (const k of ['turns', 'tokens_in', 'tokens_out'] as const) {
      // Never negative: a count only grows (see the header).
      const d = totals[k] - this.counted[k];
      if (d > 0) stats[k] = d;
    }
    this.add(stats);
    const cost = num(ev.total_cost_usd);
    if (cost > 0) stats.cost_usd = cost;
    const refused = arr(ev.permission_denials).map(rec);
    const denials = refused.map((d) => str(d.tool_name) || 'tool');
    const denied = denials.length === 0 ? '' : `; permission denied: ${denials.join(', ')}`;
    const reason = isError
      ? oneLine(resultText || arr(ev.errors).map(String).join('; ') || str(ev.subtype) || 'error', 2000)
      : undefined;
    const head = isError ? `failed: ${reason}` : `completed in ${totals.turns} turn(s)`;
    const costText = cost > 0 ? `, $${cost.toFixed(4)}` : '';
    const event: ParsedEvent = {
      kind: 'result',
      text: oneLine(`${head} (${totals.tokens_in} in / ${totals.tokens_out} out${costText})${denied}`),
      outcome: reason === undefined ? { ok: true } : { ok: false, reason },
    };
    if (Object.keys(stats).length > 0) event.stats = stats;
    if (refused.length > 0) {
      event.permission_denials = refused.map((d) => callText(str(d.tool_name) || 'tool', d.tool_input));
    }
    if (!isError && resultText.trim() !== '') event.last_message = clipMessage(resultText.trim());
    if (str(ev.session_id) !== '') event.session_id = str(ev.session_id);
    return event;
  }
}

/**
 * The run's token totals from a result line: the sum over `modelUsage` (every model the run used,
 * subagents and side requests included, the same numbers the cost is computed from), else `usage`.
 */
function resultTokens(ev: Json): { tokens_in: number; tokens_out: number } {
  const models = Object.values(rec(ev.modelUsage)).map(rec);
  if (models.length > 0) {
    const t = { tokens_in: 0, tokens_out: 0 };
    for (const m of models) {
      t.tokens_in += num(m.inputTokens) + num(m.cacheReadInputTokens) + num(m.cacheCreationInputTokens);
      t.tokens_out += num(m.outputTokens);
    }
    return t;
  }
  const usage = rec(ev.usage);
  return { tokens_in: inputTokens(usage), tokens_out: num(usage.output_tokens) };
}

/** A tool_result's content: a string or a list of text blocks. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return arr(content)
    .map((c) => str(rec(c).text))
    .filter((t) => t !== '')
    .join(' ');
}

export function createClaudeParser(): OutputParser {
  return new ClaudeParser();
}
