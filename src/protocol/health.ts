/**
 * `GET /health`: what a running daemon says about itself. The daemon builds it (daemon/server.ts),
 * clients read it (client/, daemon/control.ts); both take the type from here.
 */
import { z } from 'zod';

/** One window of the daemon's event-loop delay (node:perf_hooks monitorEventLoopDelay), in ms. */
export const loopDelayWindow = z.object({
  started_at: z.string(),
  samples: z.number(),
  p50_ms: z.number(),
  p99_ms: z.number(),
  max_ms: z.number(),
});
export type LoopDelayWindow = z.infer<typeof loopDelayWindow>;

export const loopDelay = z.object({
  window_ms: z.number(),
  /** The last complete window; null during the first. */
  last: loopDelayWindow.nullable(),
  current: loopDelayWindow,
});
export type LoopDelay = z.infer<typeof loopDelay>;

export const health = z.object({
  ok: z.literal(true),
  pid: z.number(),
  port: z.number(),
  home: z.string(),
  version: z.string(),
  started_at: z.string(),
  /**
   * Configuration files the running daemon could not apply (config.json, provider files), each with a
   * message naming the file and the key; the last good configuration stays in use. Absent when none.
   */
  config_errors: z.array(z.object({ source: z.string(), message: z.string() })).optional(),
  /**
   * True while the daemon listens but its manager is still loading (store, adopted runs): requests
   * other than /health wait until it is ready. Absent once ready.
   */
  starting: z.literal(true).optional(),
  /** The daemon's event-loop delay, last complete window and current (src/daemon/loop-delay.ts). */
  event_loop: loopDelay.optional(),
});
export type Health = z.infer<typeof health>;
