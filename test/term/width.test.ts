/** Wide characters: columns are measured in terminal cells (string-width), cuts never overflow. */
import { describe, expect, test } from 'vitest';
import stringWidth from 'string-width';
import { fitWidth, padEnd, textWidth, truncateEnd, truncateStart } from '../../src/term/width.js';

const NAMES = [
  '✅✅✅ done ⚡⚡',
  '修复 登录 bug 🐛',
  '👨‍👩‍👧 family',
  '❤️ love',
  '🇫🇷 flag',
  'naïve café',
  'plain',
];

describe('wide characters: width.ts', () => {
  test('emoji, CJK, VS16 and ZWJ families count as terminals draw them', () => {
    expect(textWidth('✅✅✅ done ⚡⚡')).toBe(16);
    expect(textWidth('修复 登录 bug 🐛')).toBe(16);
    expect(textWidth('👨‍👩‍👧')).toBe(2);
    expect(textWidth('❤️')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
  });

  test('fitWidth gives exactly the width for every cut point, never splitting a grapheme', () => {
    for (const name of NAMES) {
      for (let w = 1; w <= 20; w++) {
        const left = fitWidth(name, w);
        const right = fitWidth(name, w, 'right');
        expect(stringWidth(left), `${name} @${w}: ${left}`).toBe(w);
        expect(stringWidth(right), `${name} @${w}: ${right}`).toBe(w);
        expect(left.includes('\u200d…')).toBe(false);
      }
    }
    expect(fitWidth('修复 登录', 2)).toBe('… ');
    expect(fitWidth('修复 登录', 4)).toBe('修… ');
  });

  test('truncateStart keeps the end within the width', () => {
    for (const name of NAMES) {
      for (let w = 1; w <= 20; w++) expect(stringWidth(truncateStart(name, w))).toBeLessThanOrEqual(w);
    }
    expect(truncateStart('abc修复', 4)).toBe('…复');
    expect(truncateEnd('short', 10)).toBe('short');
    expect(padEnd('修', 4)).toBe('修  ');
  });
});
