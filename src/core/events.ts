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
  /** Listeners that take no `coder.log` events (waits for a state). */
  private readonly noLogs = new Set<Listener>();
  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** `logs: false`: the listener never gets `coder.log` events (so nobody has to build them for it). */
  subscribe(fn: Listener, opts: { logs?: boolean } = {}): () => void {
    this.listeners.add(fn);
    if (opts.logs === false) this.noLogs.add(fn);
    return () => {
      this.listeners.delete(fn);
      this.noLogs.delete(fn);
    };
  }

  /** Whether anyone listens for `coder.log` events: log entries are announced only then. */
  get wantsLogs(): boolean {
    return this.listeners.size > this.noLogs.size;
  }

  emit(e: AicoderEvent): void {
    for (const fn of [...this.listeners]) {
      if (e.type === 'coder.log' && this.noLogs.has(fn)) continue;
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
