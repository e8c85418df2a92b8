/**
 * Every `kind` a log entry can have: the normalized agent event kinds the parsers write
 * (docs/providers.md "Normalized event kinds"), `text` of the text parser, and the notes aicoder
 * itself writes on the `system` stream. A logs filter naming any other kind is an error.
 */
import { AicoderError } from './errors.js';

/** Kinds the output parsers write (src/providers/*). */
export const AGENT_LOG_KINDS = [
  'text',
  'session_started',
  'assistant',
  'reasoning',
  'user',
  'tool_call',
  'tool_result',
  'file_change',
  'todo',
  'usage',
  'status',
  'result',
  'error',
  'raw',
] as const;

/** Kinds of aicoder's own notes (stream `system`). */
export const NOTE_LOG_KINDS = [
  'run_start',
  'run_end',
  'processes',
  'permission_denied',
  'limit',
  'usage_limit',
  'attach',
  'setup',
  'teardown',
  'ports',
  'user_message',
  'question',
  'answer',
  'progress',
  'stalled',
  'stall_cleared',
  'check',
] as const;

export const LOG_KINDS: readonly string[] = [...AGENT_LOG_KINDS, ...NOTE_LOG_KINDS];

/** Throws invalid_input (field `kinds`) naming the valid kinds when `kinds` holds an unknown one. */
export function checkLogKinds(kinds: readonly string[] | undefined): void {
  const unknown = (kinds ?? []).filter((k) => !LOG_KINDS.includes(k));
  if (unknown.length === 0) return;
  const list = unknown.map((k) => `'${k}'`).join(', ');
  throw new AicoderError(
    'invalid_input',
    `kinds: unknown kind ${list}; valid kinds: ${LOG_KINDS.join(', ')}`,
    { field: 'kinds' },
  );
}
