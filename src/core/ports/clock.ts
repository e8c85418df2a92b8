/**
 * The clock port: time and timers, faked in tests.
 * Part of the core's ports (../ports.ts re-exports them all).
 */
export interface TimerHandle {
  clear(): void;
}

/** Time and timers. Tests inject a fake clock (advance it by hand) so time-based rules need no sleeps. */
export interface Clock {
  now(): Date;
  /** Calls fn once after ms (never keeps the process alive on its own). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return { clear: () => clearTimeout(t) };
  },
};
