/**
 * A fake of the Clock port (src/core/ports/clock.ts): time moves only when a test calls advance(), and
 * timers fire in due order (ties in the order they were set), like vitest's fake timers but through
 * the port, so the core's timers (kill grace, stall, waits, usage-limit waits, run-end retries) run
 * with no sleeps and no real time passing.
 */
import type { Clock, TimerHandle } from '../../src/core/ports.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private ms: number;
  private seq = 0;
  private pending: Pending[] = [];

  /** `start`: epoch milliseconds of now() before any advance (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.ms = start;
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Like systemClock: fn runs once, `ms` (negative counts as 0) after now(); clear() cancels it. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const p: Pending = { at: this.ms + Math.max(0, ms), seq: ++this.seq, fn };
    this.pending.push(p);
    return { clear: () => (this.pending = this.pending.filter((x) => x !== p)) };
  }

  /** Timers not yet fired. */
  get timers(): number {
    return this.pending.length;
  }

  /** Milliseconds from now() to the next timer; null when none is set. */
  get nextIn(): number | null {
    const next = this.due(Number.POSITIVE_INFINITY);
    return next ? next.at - this.ms : null;
  }

  /**
   * Moves time forward by ms, firing every timer that comes due, in order; a timer set by a timer that
   * fires also fires when it comes due within the same advance. now() reads each timer's due time
   * while it runs.
   */
  advance(ms: number): void {
    const until = this.ms + ms;
    for (;;) {
      const next = this.due(until);
      if (!next) break;
      this.fire(next);
    }
    this.ms = until;
  }

  /**
   * advance() for code that goes on asynchronously after a timer fires (a promise chain that sets
   * the next timer): between timers, and before returning, lets pending I/O callbacks and promise
   * continuations run (a macrotask turn), as real time passing would.
   */
  async advanceAsync(ms: number): Promise<void> {
    const until = this.ms + ms;
    await settle();
    for (;;) {
      const next = this.due(until);
      if (!next) break;
      this.fire(next);
      await settle();
    }
    this.ms = until;
    await settle();
  }

  private due(until: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.at > until) continue;
      if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = p;
    }
    return best;
  }

  private fire(p: Pending): void {
    this.pending = this.pending.filter((x) => x !== p);
    this.ms = Math.max(this.ms, p.at);
    p.fn();
  }
}

/** One macrotask turn: promise continuations and ready I/O callbacks queued before it run first. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
