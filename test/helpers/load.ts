/**
 * Deadlines that scale with the machine. A fixed deadline in a test is a guess about speed; on a
 * shared machine with 8 runnable processes per core everything takes several times as long, and a
 * suite that passes idle times out (every full reliability suite did at a load of 40 on 2 cores).
 * `loadFactor()` is the 1-minute load average per core (os.loadavg / availableParallelism),
 * at least 1 and at most MAX_LOAD_FACTOR; `scaled(ms)` is a deadline in ms times that factor, read
 * when it is called. Deadlines only: never use it to decide how long to sleep.
 */
import { availableParallelism, loadavg } from 'node:os';

/** The most a deadline is stretched (a load of 32 on 2 cores). */
export const MAX_LOAD_FACTOR = 16;

/** How many times slower than idle the machine is now: load average (1 min) per core, in [1, 16]. */
export function loadFactor(): number {
  const perCore = (loadavg()[0] ?? 0) / Math.max(1, availableParallelism());
  return Math.min(MAX_LOAD_FACTOR, Math.max(1, perCore));
}

/** `ms` (a deadline meant for an idle machine) times `loadFactor()`, rounded to a whole ms. */
export function scaled(ms: number): number {
  return Math.round(ms * loadFactor());
}
