/**
 * What a person's turns in Claude Code's own UI added to a session (`aicoder attach`): read from the
 * session's transcript, `<config dir>/projects/<project folder>/<session_id>.jsonl`, where the config
 * dir is $CLAUDE_CONFIG_DIR or ~/.claude (Claude Code 2.x layout; one JSON object per line, assistant
 * lines `{type: "assistant", timestamp, message: {id, content, usage}}`). One model response may span
 * several lines with the same message id: it counts once, with its last usage.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionTurns, SessionTurnsQuery } from '../core/ports.js';

/** The turns after `since` in a Claude session's transcript; null when it is not found. */
export function claudeSessionTurns(q: SessionTurnsQuery): SessionTurns | null {
  const home = q.env.HOME ?? '';
  const configDir = q.env.CLAUDE_CONFIG_DIR || (home ? join(home, '.claude') : '');
  if (!configDir) return null;
  const file = findTranscript(join(configDir, 'projects'), `${q.session_id}.jsonl`);
  if (file === null) return null;
  const since = Date.parse(q.since);
  const usage = new Map<string, { in: number; out: number }>();
  let last: string | null = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let e: { type?: string; timestamp?: string; message?: AssistantMessage };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue;
    }
    if (e.type !== 'assistant' || !e.message || Date.parse(e.timestamp ?? '') < since) continue;
    const m = e.message;
    const id = m.id ?? `line-${usage.size}`;
    const u = m.usage ?? {};
    usage.set(id, {
      in: (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      out: u.output_tokens ?? 0,
    });
    const text = (m.content ?? [])
      .filter((c) => c.type === 'text' && typeof c.text === 'string')
      .map((c) => c.text)
      .join('');
    if (text.trim() !== '') last = text;
  }
  let tokensIn = 0;
  let tokensOut = 0;
  for (const u of usage.values()) {
    tokensIn += u.in;
    tokensOut += u.out;
  }
  return { turns: usage.size, tokens_in: tokensIn, tokens_out: tokensOut, last_message: last };
}

interface AssistantMessage {
  id?: string;
  content?: { type?: string; text?: string }[];
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
  };
}

function findTranscript(projects: string, name: string): string | null {
  let dirs: string[];
  try {
    dirs = readdirSync(projects);
  } catch {
    return null;
  }
  for (const d of dirs) {
    const p = join(projects, d, name);
    if (existsSync(p)) return p;
  }
  return null;
}
