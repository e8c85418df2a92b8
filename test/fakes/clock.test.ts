/**
 * The fake Clock against systemClock on what the core relies on: timers fire once, in due order (ties
 * in the order set), clear() cancels, a negative delay counts as 0, now() moves with the time.
 */
import { describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/core/ports.js';
import { waitFor } from '../helpers/env.js';
import { FakeClock } from './clock.js';

/** Lets `ms` of the side's time pass: advance on the fake, a wait for the timers on the real one. */
type Pass = (ms: number, done: () => boolean) => Promise<void>;

const sides: [string, () => { clock: Clock; pass: Pass }][] = [
  [
    'system',
    () => ({
      clock: systemClock,
      pass: async (_ms, done) => {
        await waitFor(done, { what: 'the timers' });
      },
    }),
  ],
  [
    'fake',
    () => {
      const clock = new FakeClock();
      return { clock, pass: (ms) => clock.advanceAsync(ms) };
    },
  ],
];

for (const [name, make] of sides) {
  describe(`Clock contract: ${name}`, () => {
    it('fires each timer once in due order, ties in the order set; clear cancels; negative is 0', async () => {
      const { clock, pass } = make();
      const fired: string[] = [];
      const t0 = clock.now().getTime();
      clock.setTimeout(() => fired.push('b30'), 30);
      clock.setTimeout(() => fired.push('a10'), 10);
      clock.setTimeout(() => fired.push('c30'), 30);
      clock.setTimeout(() => fired.push('neg'), -5);
      const cancelled = clock.setTimeout(() => fired.push('cancelled'), 20);
      cancelled.clear();
      await pass(40, () => fired.length >= 4);
      expect(fired).toEqual(['neg', 'a10', 'b30', 'c30']);
      expect(clock.now().getTime() - t0).toBeGreaterThanOrEqual(30);
      await pass(10, () => true);
      expect(fired).not.toContain('cancelled');
    });

    it('a timer set by a timer fires when due', async () => {
      const { clock, pass } = make();
      const fired: number[] = [];
      clock.setTimeout(() => {
        fired.push(1);
        clock.setTimeout(() => fired.push(2), 10);
      }, 10);
      await pass(30, () => fired.length === 2);
      expect(fired).toEqual([1, 2]);
    });
  });
}

describe('FakeClock only', () => {
  it('moves only on advance; reports pending timers and the next due time', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now().getTime()), 1_000);
    expect(clock.timers).toBe(1);
    expect(clock.nextIn).toBe(1_000);
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advance(5_000);
    expect(fired).toEqual([1_000]);
    expect(clock.now().getTime()).toBe(5_999);
    expect(clock.nextIn).toBeNull();
  });
});
