/**
 * Parser for `opencode run --format json` (verified on opencode-ai 1.18.33 against the scripted
 * Anthropic server; OpenCode is not a project dependency).
 *
 * Events, each `{type, timestamp, sessionID, part | error}`: `step_start`, `text{part.text}`,
 * `reasoning{part.text}` (with --thinking), `tool_use{part.tool, part.state{status, input, output,
 * error, metadata}}` (sent once, when the tool has finished), `step_finish{part.reason, part.tokens,
 * part.cost}`, `error{error{name, data{message, statusCode}}}`. There is no session event and no
 * final event: the session id is taken from the first line that has one, and the run is over when
 * the process exits.
 *
 * Outcome: `error` → failed with the API's message (exit 1); a `step_finish` whose reason is "stop"
 * → ok (the agent ended its turn; "tool-calls" means another step follows).
 *
 * Stats, per step_finish (each model request reports its own usage once): turns +1, tokens_in =
 * input + cache.read + cache.write, tokens_out = output + reasoning, cost_usd = part.cost.
 */
import type { OutputParser, ParsedEvent, StatsDelta } from '../core/ports.js';
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

export class OpenCodeParser implements OutputParser {
  private sessionId = '';

  parse(line: string, _stream: 'stdout' | 'stderr'): ParsedEvent[] {
    const ev = jsonObject(line);
    if (ev === null) return [raw(line)];
    const out: ParsedEvent[] = [];
    const sid = str(ev.sessionID);
    if (sid !== '' && this.sessionId === '') {
      this.sessionId = sid;
      out.push({ kind: 'session_started', text: `session ${sid} started`, session_id: sid });
    }
    const part = rec(ev.part);
    switch (ev.type) {
      case 'step_start':
        out.push({ kind: 'status', text: 'step started' });
        break;
      case 'text': {
        const text = str(part.text);
        out.push(
          text.trim() === ''
            ? raw(line)
            : { kind: 'assistant', text, last_message: clipMessage(text.trim()) },
        );
        break;
      }
      case 'reasoning':
        out.push({ kind: 'reasoning', text: oneLine(str(part.text) || 'reasoning') });
        break;
      case 'tool_use':
        out.push(...toolEvents(part));
        break;
      case 'step_finish':
        out.push(stepFinish(part));
        break;
      case 'error': {
        const reason = oneLine(errorMessage(rec(ev.error)), 2000);
        out.push({ kind: 'result', text: `failed: ${reason}`, outcome: { ok: false, reason } });
        break;
      }
      default:
        out.push(raw(line));
    }
    return out;
  }
}

function toolEvents(part: Json): ParsedEvent[] {
  const name = str(part.tool) || 'tool';
  const state = rec(part.state);
  const status = str(state.status);
  const events: ParsedEvent[] = [{ kind: 'tool_call', text: callText(name, state.input) }];
  if (status === 'completed') {
    events.push({
      kind: 'tool_result',
      text: oneLine(`${name} ok: ${str(state.output) || str(state.title)}`),
    });
    if (FILE_WRITING_TOOLS.has(name.toLowerCase())) {
      const path = str(rec(state.metadata).filepath) || pathOf(state.input);
      if (path !== '') events.push({ kind: 'file_change', text: `${name} ${path}` });
    }
  } else if (status === 'error') {
    events.push({
      kind: 'tool_result',
      text: oneLine(`${name} error: ${str(state.error) || str(state.output)}`),
    });
  }
  return events;
}

function stepFinish(part: Json): ParsedEvent {
  const tokens = rec(part.tokens);
  const cache = rec(tokens.cache);
  const tokensIn = num(tokens.input) + num(cache.read) + num(cache.write);
  const tokensOut = num(tokens.output) + num(tokens.reasoning);
  const cost = num(part.cost);
  const stats: StatsDelta = { turns: 1, tokens_in: tokensIn, tokens_out: tokensOut };
  if (cost > 0) stats.cost_usd = cost;
  const reason = str(part.reason);
  const text = `step finished: ${reason || 'unknown'} (${tokensIn} in / ${tokensOut} out${cost > 0 ? `, $${cost.toFixed(4)}` : ''})`;
  if (reason === 'stop') return { kind: 'result', text, outcome: { ok: true }, stats };
  return { kind: 'usage', text, stats };
}

function errorMessage(error: Json): string {
  const data = rec(error.data);
  const message = str(data.message) || apiErrorMessage(str(data.responseBody)) || str(error.message);
  const name = str(error.name);
  const status = num(data.statusCode);
  const head = [name, status > 0 ? String(status) : ''].filter((x) => x !== '').join(' ');
  return head === '' ? message || 'error' : `${head}: ${message || 'error'}`;
}

export function createOpenCodeParser(): OutputParser {
  return new OpenCodeParser();
}
