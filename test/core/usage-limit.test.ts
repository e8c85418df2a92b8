/** Usage-limit detection and reset times, on the failure texts the three CLIs print (core/usage-limit.ts). */
import { describe, expect, test } from 'vitest';
import { backoffMs, isUsageLimit, resetTime } from '../../src/core/usage-limit.js';

const NOW = new Date('2026-11-29T12:00:00');

describe('usage limits', () => {
  test.each([
    ['API Error: Request rejected (429) · Rate limited. Please try again in 2 seconds.', true],
    ['exceeded retry limit, last status: 429 Too Many Requests', true],
    [
      '[API Error: slow down]\nPlease wait and try again later. To increase your limits, request a quota increase',
      true,
    ],
    ['Claude AI usage limit reached|1796400000', true],
    ["You've hit your usage limit. Try again at 3:05 PM.", true],
    ['API Error: 500 internal error', false],
    ["We're currently experiencing high demand, which may cause temporary errors.", false],
    ['API Error: 401 invalid x-api-key', false],
  ])('%s → %s', (text, limit) => {
    expect(isUsageLimit(text)).toBe(limit);
  });

  test('reset times: relative, clock times (next occurrence), unix seconds, none', () => {
    const at = (t: string) => resetTime(t, NOW)?.getTime() ?? null;
    expect(at('Please try again in 2 seconds.')).toBe(NOW.getTime() + 2000);
    expect(at('retry in 12.5s')).toBe(NOW.getTime() + 12_500);
    expect(at('try again in 2 hours 5 minutes')).toBe(NOW.getTime() + (2 * 3600 + 5 * 60) * 1000);
    expect(at('Try again at 3:05 PM.')).toBe(new Date('2026-11-29T15:05:00').getTime());
    expect(at('5-hour limit reached ∙ resets 9am')).toBe(new Date('2026-11-30T09:00:00').getTime());
    expect(at('Claude AI usage limit reached|1796400000')).toBe(1796400000 * 1000);
    expect(at('exceeded retry limit, last status: 429 Too Many Requests')).toBeNull();
  });

  test('backoff doubles per wait, at most 6 hours', () => {
    expect([1, 2, 3].map((n) => backoffMs(300, n))).toEqual([300_000, 600_000, 1_200_000]);
    expect(backoffMs(300, 20)).toBe(6 * 3600_000);
  });
});
