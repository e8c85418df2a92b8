/** Pure pieces of a run's life: turning output lines into log entries and stats, deciding the end state. */
import type {
  ExitResult,
  NewLogEntry,
  OutputLines,
  OutputParser,
  ParsedEvent,
  ProviderDef,
} from './ports.js';
import { isSafeSessionId } from './agent-values.js';

export interface ParsedBatch {
  entries: NewLogEntry[];
  /** Sums of the batch's stats deltas; cost_estimated: some of cost_usd is an estimate. */
  stats: { turns: number; tokens_in: number; tokens_out: number; cost_usd: number; cost_estimated: boolean };
  lastMessage: string | undefined;
  sessionId: string | undefined;
  outcome: { ok: boolean; reason?: string } | undefined;
  /** Tool calls refused by the permission mode, as the parser reported them (last report wins). */
  denials: string[] | undefined;
}

/** Runs every line through the parser; a parser that throws leaves the line as a `raw` entry. */
export function parseLines(
  parser: OutputParser,
  out: OutputLines,
  ts: string,
  onParserError: (err: unknown) => void,
): ParsedBatch {
  const batch: ParsedBatch = {
    entries: [],
    stats: { turns: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, cost_estimated: false },
    lastMessage: undefined,
    sessionId: undefined,
    outcome: undefined,
    denials: undefined,
  };
  for (const line of out.lines) {
    let events: ParsedEvent[];
    try {
      events = parser.parse(line, out.stream);
    } catch (err) {
      events = [{ kind: 'raw', text: line }];
      onParserError(err);
    }
    for (const ev of events) {
      batch.entries.push({ ts, stream: out.stream, kind: ev.kind, text: ev.text });
      if (ev.stats) {
        batch.stats.turns += ev.stats.turns ?? 0;
        batch.stats.tokens_in += ev.stats.tokens_in ?? 0;
        batch.stats.tokens_out += ev.stats.tokens_out ?? 0;
        batch.stats.cost_usd += ev.stats.cost_usd ?? 0;
        if (ev.stats.cost_estimated === true && ev.stats.cost_usd) batch.stats.cost_estimated = true;
      }
      if (ev.last_message !== undefined) batch.lastMessage = ev.last_message;
      if (ev.session_id && isSafeSessionId(ev.session_id)) batch.sessionId = ev.session_id;
      else if (ev.session_id) {
        // Agent output controls this value and it would reach `resume_command`'s argv: drop it.
        const shown = JSON.stringify(ev.session_id.slice(0, 80));
        batch.entries.push({
          ts,
          stream: out.stream,
          kind: 'error',
          text: `ignored session id ${shown}: not a valid session id, so it will never be passed to the agent`,
        });
      }
      if (ev.outcome) batch.outcome = ev.outcome;
      if (ev.permission_denials) batch.denials = ev.permission_denials;
    }
  }
  return batch;
}

export interface RunEnd {
  stopRequested: boolean;
  outcome: { ok: boolean; reason?: string } | null;
  /** Structured parsers must see a final result event; a stream without one was aborted. */
  structured: boolean;
  /** The last non-empty stderr line, quoted when the run failed without a reason of its own. */
  lastStderr?: string | null;
}

/** The final state of a run: a user stop wins, then the agent's own final event, then the exit code. */
export function decideOutcome(
  run: RunEnd,
  res: ExitResult,
  prevError: string | null,
): { state: 'completed' | 'failed' | 'stopped'; error: string | null } {
  if (run.stopRequested) return { state: 'stopped', error: prevError };
  if (run.outcome) {
    return run.outcome.ok
      ? { state: 'completed', error: null }
      : { state: 'failed', error: run.outcome.reason ?? prevError ?? 'the agent reported an error' };
  }
  const said = run.lastStderr ? `: ${truncate(run.lastStderr, 300)}` : '';
  const how =
    (res.exit_code !== null
      ? `exited with code ${res.exit_code}`
      : `was killed by ${res.signal ?? 'a signal'}`) + said;
  if (run.structured) {
    return { state: 'failed', error: prevError ?? `the agent ended without a final result (it ${how})` };
  }
  if (res.exit_code === 0) return { state: 'completed', error: null };
  return { state: 'failed', error: prevError ?? `the process ${how}` };
}

export function textDef(): ProviderDef {
  return { name: 'text', description: '', command: [], env: {}, parser: 'text', source: '' };
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The last non-empty line of a batch, trimmed. */
export function lastNonEmpty(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.trim()) return lines[i]!.trim();
  return null;
}

/**
 * The last line of a block of UTF-8 text lines that is not blank, trimmed; null when there is none.
 * Decodes only the lines it looks at (from the end).
 */
export function lastNonEmptyIn(text: Buffer): string | null {
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf(0x0a, end - 1) + 1;
    const line = text.toString('utf8', start, end).trim();
    if (line) return line;
    end = start - 1;
  }
  return null;
}
