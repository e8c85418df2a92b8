/**
 * Stall detection: a running coder with no output, event or heartbeat for `stall_after_s` gets the
 * flag `stalled: true` (a flag, not a state) and a `stalled` log entry; any activity clears it.
 * Timers come from the injected Clock, so tests drive time by hand.
 */
import type { Clock, NewLogEntry, TimerHandle } from './ports.js';
import type { Records } from './records.js';

export interface StallDeps {
  clock: Clock;
  records: Records;
  stallAfterMs: number;
  appendLog(id: string, entry: NewLogEntry): void;
}

export class StallWatch {
  private readonly timers = new Map<string, TimerHandle>();
  /**
   * Coders whose flag is known to be clear since their last activity: their next activity reads no
   * record (output arrives every 20 ms; this watch is the only one that sets the flag, in fire()).
   */
  private readonly clear = new Set<string>();

  constructor(private readonly deps: StallDeps) {}

  /** Something happened for this coder: clear the flag and start the quiet period again. */
  activity(id: string): void {
    this.timers.get(id)?.clear();
    if (!this.clear.has(id)) {
      const cur = this.deps.records.get(id);
      if (!cur) return;
      if (cur.stalled) this.unflag(id);
      this.clear.add(id);
    }
    if (this.deps.stallAfterMs <= 0) return;
    this.timers.set(
      id,
      this.deps.clock.setTimeout(() => this.fire(id), this.deps.stallAfterMs),
    );
  }

  private unflag(id: string): void {
    this.deps.records.patch(id, { stalled: false });
    this.deps.appendLog(id, {
      ts: this.deps.records.now(),
      stream: 'system',
      kind: 'stall_cleared',
      text: 'activity again: no longer stalled',
    });
  }

  /** The run ended: no more timer; the flag goes (an ended coder is not stalled). */
  stop(id: string): void {
    this.timers.get(id)?.clear();
    this.timers.delete(id);
    this.clear.delete(id);
    const cur = this.deps.records.get(id);
    if (cur?.stalled) this.deps.records.patch(id, { stalled: false });
  }

  stopAll(): void {
    for (const t of this.timers.values()) t.clear();
    this.timers.clear();
    this.clear.clear();
  }

  private fire(id: string): void {
    this.timers.delete(id);
    this.clear.delete(id);
    const cur = this.deps.records.get(id);
    // Only a running coder stalls: paused and needs_input wait for a person, not for the agent.
    if (!cur || cur.state !== 'running' || cur.stalled) return;
    const secs = Math.round(this.deps.stallAfterMs / 1000);
    this.deps.appendLog(id, {
      ts: this.deps.records.now(),
      stream: 'system',
      kind: 'stalled',
      text: `no output, event or heartbeat for ${secs} s`,
    });
    this.deps.records.patch(id, { stalled: true });
  }
}
