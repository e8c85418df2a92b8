/**
 * Reads and writes coder records through the store, and announces every change on the event bus
 * (persisting record events first, so the SSE stream can replay them after a reconnect).
 */
import type { Coder, CoderState, CoderStats } from './coder.js';
import type { EventBus } from './events.js';
import { cutEntry } from './log-budget.js';
import {
  LOG_ENTRY_MAX_BYTES,
  type Clock,
  type CoderStore,
  type StoredBlock,
  type StoredLogEntry,
} from './ports.js';
import { assertTransition } from './state-machine.js';

export type CoderPatch = Partial<Omit<Coder, 'id' | 'stats' | 'state'>> & { stats?: Partial<CoderStats> };

export class Records {
  constructor(
    private readonly store: CoderStore,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** Applied to every patch before it is saved (secrets out of the free-text fields: core/secrets.ts). */
    private readonly clean: (id: string, patch: CoderPatch) => CoderPatch = (_id, p) => p,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  get(id: string): Coder | undefined {
    return this.store.getCoder(id);
  }

  insert(coder: Coder): Coder {
    this.store.insertCoder(coder);
    const ev = this.store.appendEvent('coder.created', coder.id, { coder });
    this.bus.emit({ type: 'coder.created', event_id: ev.id, coder });
    return coder;
  }

  /** Applies a patch (no state change) and announces it. Returns undefined when the coder is gone. */
  patch(id: string, patch: CoderPatch): Coder | undefined {
    const cur = this.store.getCoder(id);
    if (!cur) return undefined;
    const next = merge(cur, this.clean(id, patch), this.now());
    this.store.saveCoder(next);
    const ev = this.store.appendEvent('coder.updated', id, { coder: next });
    this.bus.emit({ type: 'coder.updated', event_id: ev.id, coder: next });
    return next;
  }

  /** Moves a coder to another state through the state machine, with an optional patch. */
  transition(id: string, to: CoderState, patch: CoderPatch = {}): Coder | undefined {
    const cur = this.store.getCoder(id);
    if (!cur) return undefined;
    assertTransition(cur, to);
    const next = { ...merge(cur, this.clean(id, patch), this.now()), state: to };
    this.store.saveCoder(next);
    const ev = this.store.appendEvent('coder.state', id, { coder: next, from: cur.state });
    this.bus.emit({ type: 'coder.state', event_id: ev.id, coder: next, from: cur.state });
    return next;
  }

  removed(id: string): void {
    this.store.deleteCoder(id);
    const ev = this.store.appendEvent('coder.removed', id, { id });
    this.bus.emit({ type: 'coder.removed', event_id: ev.id, id });
  }

  /** One `coder.log` event per entry, texts cut to LOG_ENTRY_MAX_BYTES. */
  announceLogs(entries: readonly StoredLogEntry[]): void {
    if (!this.bus.wantsLogs) return;
    for (const e of entries) {
      const { id, ...entry } = cutEntry(e, LOG_ENTRY_MAX_BYTES);
      this.bus.emit({ type: 'coder.log', log_id: id, entry });
    }
  }

  /** Announces a stored block; its entries are read back only when someone listens. */
  announceBlock(b: StoredBlock): void {
    if (b.count === 0 || !this.bus.wantsLogs) return;
    this.announceLogs(this.store.logsAfter(b.first_id - 1, b.count));
  }
}

function merge(cur: Coder, patch: CoderPatch, now: string): Coder {
  const { stats, ...rest } = patch;
  return { ...cur, ...rest, stats: { ...cur.stats, ...(stats ?? {}) }, updated_at: now };
}
