/**
 * Parser for `codex exec --json` (verified on Codex CLI 0.169.0).
 *
 * Events: `thread.started{thread_id}` (the session id), `turn.started`, `item.started|updated|
 * completed` whose `item.type` is agent_message, reasoning, command_execution, file_change,
 * mcp_tool_call, web_search, todo_list or error, `turn.completed{usage}`, `turn.failed{error}` and a
 * top-level `error` (may be non-fatal, e.g. "Reconnecting…"; the turn's end decides). Anything else
 * is `raw`.
 *
 * Outcome: `turn.completed` → ok, `turn.failed` → failed with its error message. Codex hides the
 * API's message of an HTTP 500 behind its own "We're currently experiencing high demand…"; other
 * statuses (401, 4xx, 502, 503) carry the API's message.
 *
 * Stats: `turn.completed.usage` is cumulative for the whole thread (a resumed session reports the
 * earlier runs' tokens again). The parser emits the difference from the previous cumulative value it
 * saw; for a resumed run pass the thread's totals so far as `baseline` (else the first turn of a
 * resumed run counts the thread's earlier tokens again); a delta is never negative. tokens_in = input_tokens (cached included),
 * tokens_out = output_tokens. turns: +1 per completed or failed turn (one per prompt: Codex reports
 * no per-request count). No cost is reported.
 */
import type { OutputParser, ParsedEvent, StatsDelta } from '../core/ports.js';
import { arr, callText, jsonObject, num, oneLine, raw, rec, str, type Json } from './agent-common.js';
import { clipMessage } from './text-parser.js';

export interface CodexParserOptions {
  /** The thread's cumulative token counts before this run (for a resumed session). */
  baseline?: { tokens_in: number; tokens_out: number };
}

/** What Codex's workspace-write sandbox prints when bwrap cannot find its helper binary. */
const SANDBOX_HELPER_MISSING = 'execvp codex-linux-sandbox';
const SANDBOX_HELPER_HINT =
  "Codex's own sandbox could not start (bwrap: execvp codex-linux-sandbox): Codex does not create its " +
  'sandbox helper when CODEX_HOME is under a temp dir; move CODEX_HOME out of TMPDIR and /tmp, or create ' +
  'the coder with --sandbox bwrap (docs/sandbox.md)';

export class CodexParser implements OutputParser {
  private tokensIn: number;
  private tokensOut: number;

  constructor(opts: CodexParserOptions = {}) {
    this.tokensIn = opts.baseline?.tokens_in ?? 0;
    this.tokensOut = opts.baseline?.tokens_out ?? 0;
  }

  parse(line: string, _stream: 'stdout' | 'stderr'): ParsedEvent[] {
    const ev = jsonObject(line);
    if (ev === null) return [raw(line)];
    switch (ev.type) {
      case 'thread.started': {
        const id = str(ev.thread_id);
        if (id === '') return [raw(line)];
        return [{ kind: 'session_started', text: `session ${id} started`, session_id: id }];
      }
      case 'turn.started':
        return [{ kind: 'status', text: 'turn started' }];
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        return this.item(str(ev.type).slice('item.'.length), rec(ev.item), line);
      case 'turn.completed':
        return [this.completed(rec(ev.usage))];
      case 'turn.failed': {
        const reason = oneLine(str(rec(ev.error).message) || 'turn failed', 2000);
        return [
          { kind: 'result', text: `failed: ${reason}`, outcome: { ok: false, reason }, stats: { turns: 1 } },
        ];
      }
      case 'error':
        return [{ kind: 'error', text: oneLine(str(ev.message) || line) }];
      default:
        return [raw(line)];
    }
  }

  private completed(usage: Json): ParsedEvent {
    const totalIn = num(usage.input_tokens);
    const totalOut = num(usage.output_tokens);
    const stats: StatsDelta = { turns: 1 };
    if (totalIn > this.tokensIn) stats.tokens_in = totalIn - this.tokensIn;
    if (totalOut > this.tokensOut) stats.tokens_out = totalOut - this.tokensOut;
    this.tokensIn = totalIn;
    this.tokensOut = totalOut;
    const cached = num(usage.cached_input_tokens);
    const cachedText = cached > 0 ? `, ${cached} cached` : '';
    return {
      kind: 'result',
      text: `turn completed (${totalIn} in${cachedText} / ${totalOut} out, thread total)`,
      outcome: { ok: true },
      stats,
    };
  }

  private item(phase: string, item: Json, line: string): ParsedEvent[] {
    const type = str(item.type);
    const done = phase === 'completed';
    switch (type) {
      case 'agent_message': {
        const text = str(item.text);
        if (!done || text.trim() === '') return [raw(line)];
        return [{ kind: 'assistant', text, last_message: clipMessage(text.trim()) }];
      }
      case 'reasoning':
        return done ? [{ kind: 'reasoning', text: oneLine(str(item.text) || 'reasoning') }] : [raw(line)];
      case 'command_execution': {
        const ev = this.command(phase, item, line);
        // Codex's own sandbox could not start (its helper is missing): every command fails alike.
        return done && str(item.aggregated_output).includes(SANDBOX_HELPER_MISSING)
          ? [ev, { kind: 'error', text: SANDBOX_HELPER_HINT }]
          : [ev];
      }
      case 'file_change':
        return this.fileChange(phase, item, line);
      case 'mcp_tool_call':
        return [this.mcpCall(phase, item, line)];
      case 'web_search':
        if (phase === 'started')
          return [{ kind: 'tool_call', text: callText('web_search', item.query ?? '') }];
        return done
          ? [{ kind: 'tool_result', text: oneLine(`web_search done: ${str(item.query)}`) }]
          : [raw(line)];
      case 'todo_list':
        return [{ kind: 'todo', text: todoText(item) }];
      case 'error':
        return [{ kind: 'error', text: oneLine(str(item.message) || line) }];
      default:
        return [raw(line)];
    }
  }

  private command(phase: string, item: Json, line: string): ParsedEvent {
    const command = str(item.command);
    if (phase === 'started') return { kind: 'tool_call', text: oneLine(`$ ${command}`) };
    if (phase !== 'completed') return raw(line);
    const code =
      item.exit_code === null || item.exit_code === undefined ? '' : ` exit ${num(item.exit_code)}`;
    const status = str(item.status) || 'completed';
    const output = str(item.aggregated_output);
    return {
      kind: 'tool_result',
      text: oneLine(`$ ${command}: ${status}${code}${output === '' ? '' : ` — ${output}`}`),
    };
  }

  private fileChange(phase: string, item: Json, line: string): ParsedEvent[] {
    const changes = arr(item.changes).map(rec);
    const list = changes.map((c) => `${str(c.kind) || 'update'} ${str(c.path)}`);
    if (phase === 'started') return [{ kind: 'tool_call', text: oneLine(`apply_patch ${list.join(', ')}`) }];
    if (phase !== 'completed') return [raw(line)];
    if (str(item.status) === 'failed')
      return [{ kind: 'tool_result', text: oneLine(`apply_patch failed: ${list.join(', ')}`) }];
    return list.length === 0 ? [raw(line)] : list.map((text) => ({ kind: 'file_change', text }));
  }

  private mcpCall(phase: string, item: Json, line: string): ParsedEvent {
    const name = `${str(item.server)}.${str(item.tool)}`;
    if (phase === 'started') return { kind: 'tool_call', text: callText(name, item.arguments) };
    if (phase !== 'completed') return raw(line);
    const error = str(rec(item.error).message) || str(item.error);
    if (error !== '' || str(item.status) === 'failed') {
      return { kind: 'tool_result', text: oneLine(`${name} error: ${error || 'failed'}`) };
    }
    const content = arr(rec(item.result).content)
      .map((c) => str(rec(c).text))
      .join(' ');
    return { kind: 'tool_result', text: oneLine(`${name} ok${content === '' ? '' : `: ${content}`}`) };
  }
}

function todoText(item: Json): string {
  const items = arr(item.items).map(rec);
  if (items.length === 0) return 'todo list';
  return oneLine(items.map((t) => `[${t.completed === true ? 'x' : ' '}] ${str(t.text)}`).join('; '));
}

export function createCodexParser(opts: CodexParserOptions = {}): OutputParser {
  return new CodexParser(opts);
}
