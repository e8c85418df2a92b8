/**
 * Reads and writes coder records through the store, and announces every change on the event bus
 * (persisting record events first, so the SSE stream can replay them after a reconnect).
 */
import type { Coder, CoderState, CoderStats } from './coder.js';
import type { EventBus } from './events.js';
import { cutEntry } from './log-budget.js';
import {
  LOG_ENTRY_MAX_BYTES,
  systemClock,
  type Clock,
  type TimerHandle,
  type CoderStore,
  type StoredBlock,
  type StoredLogEntry,
} from './ports.js';
import { assertTransition } from './state-machine.js';

export type CoderPatch = Partial<Omit<Coder, 'id' | 'stats' | 'state'>> & { stats?: Partial<CoderStats> };

/**
 * A coder's record changes that come from its output (last_message, stats: already stored by the log
 * transaction) are announced at most once per this many milliseconds: a coder streaming output gets a
 * new batch every 20 ms, and one read + write + event per batch kept the daemon's event loop busy.
 */
export const OUTPUT_UPDATE_MS = 250;

export class Records {
  constructor(
    private readonly store: CoderStore,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** Applied to every patch before it is saved (secrets out of the free-text fields: core/secrets.ts). */
    private readonly clean: (id: string, patch: CoderPatch) => CoderPatch = (_id, p) => p,
    /** Times the coalesced output updates (outputChanged); not the record clock (tests fake that one). */
    private readonly timers: Clock = systemClock,
  ) {}

  /** Coders whose output changed their stored record since it was last announced. */
  private readonly outputDue = new Map<string, TimerHandle>();

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
    this.settleOutput(id);
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
    this.settleOutput(id);
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
    this.settleOutput(id);
    this.store.deleteCoder(id);
    const ev = this.store.appendEvent('coder.removed', id, { id });
    this.bus.emit({ type: 'coder.removed', event_id: ev.id, id });
  }

  /**
   * The coder's output changed its stored record (the log transaction wrote last_message or stats):
   * a `coder.updated` (with updated_at) follows within OUTPUT_UPDATE_MS, one for all the changes of
   * that period. A patch or transition of the coder meanwhile announces them at once instead.
   */
  outputChanged(id: string): void {
    if (this.outputDue.has(id)) return;
    const timer = this.timers.setTimeout(() => {
      if (this.outputDue.get(id) !== timer) return;
      this.outputDue.delete(id);
      try {
        this.patch(id, {});
      } catch {
        // The store is closing (a shutdown after flushOutput): the change itself is stored.
      }
    }, OUTPUT_UPDATE_MS);
    this.outputDue.set(id, timer);
  }

  /** Announces every pending output change now (before a shutdown closes the store). */
  flushOutput(): void {
    for (const id of [...this.outputDue.keys()]) {
      this.settleOutput(id);
      this.patch(id, {});
    }
  }

  /** The pending output update of `id` is dropped: the caller announces the whole record. */
  private settleOutput(id: string): void {
    const t = this.outputDue.get(id);
    if (t === undefined) return;
    t.clear();
    this.outputDue.delete(id);
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
