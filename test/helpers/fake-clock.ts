/** A Clock whose time moves only when a test calls advance(): timers fire in order, no sleeps. */
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

  constructor(start = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.ms = start;
  }

  now(): Date {
    return new Date(this.ms);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const p: Pending = { at: this.ms + Math.max(0, ms), seq: ++this.seq, fn };
    this.pending.push(p);
    return { clear: () => (this.pending = this.pending.filter((x) => x !== p)) };
  }

  /** Timers not yet fired. */
  get timers(): number {
    return this.pending.length;
  }

  /** Moves time forward by ms, firing every timer that comes due, in order. */
  advance(ms: number): void {
    const until = this.ms + ms;
    for (;;) {
      const next = this.pending.filter((p) => p.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.ms = next.at;
      next.fn();
    }
    this.ms = until;
  }
}
