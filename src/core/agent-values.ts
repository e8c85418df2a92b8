/**
 * Values that come from an agent's own output and later go into an argv (today: the session id a
 * provider prints, which `resume_command` passes back to the agent CLI). An agent — or text it was
 * shown — controls them, so they are checked where they are parsed and again where an argv is built:
 * a value that could be read as an option (`--dangerously-bypass-approvals-and-sandbox`) or carry
 * anything but an identifier never reaches a command line.
 */
import { AicoderError } from './errors.js';

/**
 * Session ids of the supported CLIs are UUIDs (Claude Code, Codex, Gemini CLI) or `ses_…` words
 * (OpenCode): an ASCII letter or digit, then letters, digits, `.`, `_`, `:` or `-`, at most 128 chars.
 */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isSafeSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID_PATTERN.test(value);
}

/** Throws `invalid_input` (field session_id) unless `value` is a safe session id. */
export function checkSessionId(value: string): void {
  if (!SESSION_ID_PATTERN.test(value)) {
    const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
    throw new AicoderError(
      'invalid_input',
      `session id ${shown} is not a valid session id (it must match ${String(SESSION_ID_PATTERN)}); it is never passed to the agent`,
      { field: 'session_id' },
    );
  }
}
