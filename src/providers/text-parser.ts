/**
 * The `text` parser: every output line is one log entry of kind "text" (stdout and stderr alike);
 * the last non-empty stdout line becomes the coder's last_message, so status shows the last thing said.
 */
import type { OutputParser, ParsedEvent } from '../core/ports.js';

/** last_message is a one-line summary for status displays; longer lines are clipped to this. */
export const LAST_MESSAGE_MAX = 2000;

export function clipMessage(text: string, max = LAST_MESSAGE_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class TextParser implements OutputParser {
  readonly plainText = true;
  parse(line: string, stream: 'stdout' | 'stderr'): ParsedEvent[] {
    const event: ParsedEvent = { kind: 'text', text: line };
    if (stream === 'stdout') {
      const trimmed = line.trim();
      if (trimmed !== '') event.last_message = clipMessage(trimmed);
    }
    return [event];
  }
}

export function createTextParser(): OutputParser {
  return new TextParser();
}
