/**
 * The daemon's own event-loop delay (node:perf_hooks monitorEventLoopDelay, sampled every 10 ms; the
 * figures are how late the sample came, the period taken off), in
 * windows of WINDOW_MS: /health reports the last complete window and the one in progress, so a
 * client (bench/event-loop.mjs) reads the delay of a period of load without resetting anything.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const LOOP_WINDOW_MS = 5000;

/** Delay figures of one window, in milliseconds. `samples` 0 means nothing was measured yet. */
import type { LoopDelay, LoopDelayWindow } from '../protocol/health.js';

export type { LoopDelay, LoopDelayWindow };

export interface LoopDelayMonitor {
  read(): LoopDelay;
  stop(): void;
}

/** The sampling timer's period: the histogram's values are this plus the delay. */
const RESOLUTION_MS = 10;

export function startLoopDelayMonitor(windowMs = LOOP_WINDOW_MS): LoopDelayMonitor {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const delay = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  h.enable();
  let startedAt = Date.now();
  let last: LoopDelayWindow | null = null;
  const summary = (): LoopDelayWindow => ({
    started_at: new Date(startedAt).toISOString(),
    samples: h.count,
    p50_ms: h.count === 0 ? 0 : delay(h.percentile(50)),
    p99_ms: h.count === 0 ? 0 : delay(h.percentile(99)),
    max_ms: h.count === 0 ? 0 : delay(h.max),
  });
  const timer = setInterval(() => {
    last = summary();
    h.reset();
    startedAt = Date.now();
  }, windowMs);
  timer.unref();
  return {
    read: () => ({ window_ms: windowMs, last, current: summary() }),
    stop: () => {
      clearInterval(timer);
      h.disable();
    },
  };
}
