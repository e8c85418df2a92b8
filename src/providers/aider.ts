/**
 * Parser for Aider's plain-text output with `--no-pretty --no-stream` (UNVERIFIED: Aider is a Python
 * program and PyPI is not reachable from the machine this was written on; the line formats below
 * come from Aider's documentation and source, not from a recorded run).
 *
 * Like the `text` parser, every line is one log entry and the last plain stdout line is the
 * last_message; some lines are recognised:
 * - `Applied edit to <path>` → file_change;
 * - `Tokens: 2.4k sent, 215 received. Cost: $0.0097 message, $0.0097 session.` → usage (turns +1,
 *   tokens from "sent"/"received", cost from the "message" amount: one such line per model reply);
 * - error lines (`litellm.AuthenticationError: …`, `Error: …`, "The API provider is not able to
 *   authenticate you") → error. Aider exits 0 even when the model call failed, so a non-retryable
 *   error (authentication, permission, not found, bad request, context window) also carries a failed
 *   outcome. Retryable ones (rate limit, connection, 5xx: Aider retries them) are errors without an
 *   outcome; the exit code decides then.
 * - Aider's own status lines (version, models, repo, commits) → status.
 */
import type { OutputParser, ParsedEvent, StatsDelta } from '../core/ports.js';
import { oneLine } from './agent-common.js';
import { clipMessage } from './text-parser.js';

const FATAL =
  /\b(AuthenticationError|PermissionDeniedError|NotFoundError|BadRequestError|ContextWindowExceededError|UnsupportedParamsError)\b|not able to authenticate you|API key .*(missing|invalid)/i;
const ERROR_LINE =
  /^(litellm\.\w+(Error|Exception)\b|\w*(Error|Exception):|Error:|ERROR\b|Unexpected error|The API provider )/;
const STATUS_LINE =
  /^(Aider v\d|Main model:|Weak model:|Editor model:|Git repo:|Repo-map:|Use \/help|Commit [0-9a-f]{7,}|Added .* to the chat|Warning:|Retrying in )/;
const TOKENS_LINE =
  /^Tokens:\s*([\d.]+)([kKmM]?) sent(?:,\s*[\d.]+[kKmM]? cache \w+)*,\s*([\d.]+)([kKmM]?) received\.(?:\s*Cost:\s*\$([\d.]+) message)?/;

function count(n: string | undefined, suffix: string | undefined): number {
  const v = Number(n ?? '0');
  const mult = suffix === 'k' || suffix === 'K' ? 1e3 : suffix === 'm' || suffix === 'M' ? 1e6 : 1;
  return Number.isFinite(v) ? Math.round(v * mult) : 0;
}

export class AiderParser implements OutputParser {
  parse(line: string, stream: 'stdout' | 'stderr'): ParsedEvent[] {
    const t = line.trim();
    if (t === '') return [{ kind: 'text', text: line }];
    const applied = /^Applied edit to (.+)$/.exec(t);
    if (applied) return [{ kind: 'file_change', text: `edit ${applied[1]}` }];
    const tokens = TOKENS_LINE.exec(t);
    if (tokens) {
      const stats: StatsDelta = {
        turns: 1,
        tokens_in: count(tokens[1], tokens[2]),
        tokens_out: count(tokens[3], tokens[4]),
      };
      const cost = Number(tokens[5] ?? '0');
      if (Number.isFinite(cost) && cost > 0) stats.cost_usd = cost;
      return [{ kind: 'usage', text: oneLine(t), stats }];
    }
    if (ERROR_LINE.test(t) || FATAL.test(t)) {
      const reason = oneLine(t, 2000);
      return [
        FATAL.test(t)
          ? { kind: 'error', text: reason, outcome: { ok: false, reason } }
          : { kind: 'error', text: reason },
      ];
    }
    if (STATUS_LINE.test(t)) return [{ kind: 'status', text: oneLine(t) }];
    const event: ParsedEvent = { kind: 'text', text: line };
    if (stream === 'stdout') event.last_message = clipMessage(t);
    return [event];
  }
}

export function createAiderParser(): OutputParser {
  return new AiderParser();
}
