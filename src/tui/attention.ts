/**
 * Which events mean a coder needs the person at the terminal: it asked a question (needs_input),
 * ended (completed, failed), or became stalled. The TUI rings the bell for them and highlights the
 * coder in the list (attentionMark).
 */
import type { Coder } from '../core/coder.js';
import type { AicoderEvent } from '../core/events.js';

export const BELL = '\x07';

/** A stateful check (it remembers which coders were stalled, so a flag rings once). */
export function attentionWatch(): (e: AicoderEvent) => boolean {
  const stalled = new Set<string>();
  return (e) => {
    switch (e.type) {
      case 'coder.state':
      case 'coder.updated': {
        const c = e.coder;
        const was = stalled.has(c.id);
        if (c.stalled) stalled.add(c.id);
        else stalled.delete(c.id);
        if (c.stalled && !was) return true;
        return e.type === 'coder.state' && ['needs_input', 'completed', 'failed'].includes(c.state);
      }
      case 'coder.removed':
        stalled.delete(e.id);
        return false;
      case 'coder.created':
      case 'coder.log':
        return false;
    }
  };
}

/** The symbol before the state in the coder list: "!" for a stalled coder, else the state's own. */
export function stateSymbol(
  c: Pick<Coder, 'state' | 'stalled'>,
  symbols: Readonly<Record<Coder['state'], string>>,
): string {
  return c.stalled ? '!' : symbols[c.state];
}
