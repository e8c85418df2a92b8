/** Session transcripts aicoder can read after an attach, by parser (only Claude Code's so far). */
import type { SessionTurns, SessionTurnsQuery } from '../core/ports.js';
import { claudeSessionTurns } from './claude-transcript.js';

export function readSessionTurns(q: SessionTurnsQuery): SessionTurns | null {
  return q.parser === 'claude' ? claudeSessionTurns(q) : null;
}
