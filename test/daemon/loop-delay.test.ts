/** The daemon's event-loop delay monitor: windows roll, a blocked loop shows as delay. */
import { describe, expect, it } from 'vitest';
import { startLoopDelayMonitor } from '../../src/daemon/loop-delay.js';
import { waitFor } from '../helpers/env.js';

describe('loop delay monitor', () => {
  it('reports the last complete window and the current one; a busy loop shows as delay', async () => {
    const m = startLoopDelayMonitor(300);
    try {
      expect(m.read().last).toBeNull();
      // Block the loop for 120 ms in the first window.
      await waitFor(() => m.read().current.samples > 0, { timeoutMs: 10_000 });
      const until = Date.now() + 120;
      while (Date.now() < until) {
        /* busy */
      }
      const last = await waitFor(() => m.read().last, { timeoutMs: 10_000 });
      expect(last.max_ms).toBeGreaterThanOrEqual(100);
      expect(last.p50_ms).toBeGreaterThanOrEqual(0);
      expect(last.p99_ms).toBeLessThanOrEqual(last.max_ms);
      expect(Date.parse(m.read().current.started_at)).toBeGreaterThan(Date.parse(last.started_at));
      expect(m.read().window_ms).toBe(300);
    } finally {
      m.stop();
    }
  });
});
