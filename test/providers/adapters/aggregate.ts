/**
 * Feeds output lines through a parser and folds the events the way a coder's status does: stats
 * summed, the last last_message, the last outcome, the first session id. Used by the parser tests
 * (recorded lines) and the real-CLI tests (live lines).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputParser, ParsedEvent } from '../../../src/core/ports.js';
import { PARSERS } from '../../../src/providers/parsers.js';

export interface Folded {
  events: ParsedEvent[];
  kinds: string[];
  session_id?: string;
  turns: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  last_message?: string;
  outcome?: { ok: boolean; reason?: string };
}

export function fold(
  parser: OutputParser,
  lines: readonly string[],
  stream: 'stdout' | 'stderr' = 'stdout',
): Folded {
  const f: Folded = { events: [], kinds: [], turns: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0 };
  for (const line of lines) {
    for (const e of parser.parse(line, stream)) {
      f.events.push(e);
      f.kinds.push(e.kind);
      if (e.session_id !== undefined && f.session_id === undefined) f.session_id = e.session_id;
      f.turns += e.stats?.turns ?? 0;
      f.tokens_in += e.stats?.tokens_in ?? 0;
      f.tokens_out += e.stats?.tokens_out ?? 0;
      f.cost_usd += e.stats?.cost_usd ?? 0;
      if (e.last_message !== undefined) f.last_message = e.last_message;
      if (e.outcome !== undefined) f.outcome = e.outcome;
    }
  }
  return f;
}

/** Folds lines with a fresh parser from the PARSERS table (as the daemon gets it). */
export function foldWith(parserName: string, lines: readonly string[]): Folded {
  const factory = PARSERS[parserName];
  if (factory === undefined) throw new Error(`no parser ${parserName}`);
  return fold(factory(), lines);
}

export const RECORDED = join(import.meta.dirname, '../../fixtures/recorded');

/** The non-empty lines of a recorded fixture, e.g. recorded('claude', 'write-file'). */
export function recorded(cli: string, name: string): string[] {
  return readFileSync(join(RECORDED, cli, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/** The recorded line whose JSON has this `type` (first match). */
export function lineOfType(lines: readonly string[], type: string): Record<string, unknown> {
  for (const l of lines) {
    const v = JSON.parse(l) as Record<string, unknown>;
    if (v.type === type) return v;
  }
  throw new Error(`no line of type ${type}`);
}
