/** The typed event bus. Plain data only; subscribers must not throw (errors are reported, not thrown). */
import type { Coder, LogEntry } from './coder.js';

export type AicoderEvent =
  | { type: 'coder.created'; event_id: number; coder: Coder }
  | { type: 'coder.state'; event_id: number; coder: Coder; from: Coder['state'] }
  | { type: 'coder.updated'; event_id: number; coder: Coder }
  | { type: 'coder.removed'; event_id: number; id: string }
  | { type: 'coder.log'; log_id: number; entry: LogEntry };

export type AicoderEventType = AicoderEvent['type'];
export type Listener = (e: AicoderEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  emit(e: AicoderEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
