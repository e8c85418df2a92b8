/** The redactor's byte form (the log path's blocks) gives the bytes of its string form. */
import { describe, expect, test } from 'vitest';
import { buildRedactor, REDACTED, replaceBytes } from '../../src/core/redact.js';

describe('redaction of bytes', () => {
  const redact = buildRedactor({
    API_KEY: 'abcdef123',
    LONG_TOKEN: 'xxabcdef123yy',
    CJK_SECRET: '秘密のトークン値',
    EMOJI_TOKEN: 'key🔑🔑value',
  });

  test('equals the string form on valid UTF-8, for texts built from secrets and other characters', () => {
    const atoms = [
      'abcdef123',
      'xxabcdef123yy',
      '秘密のトークン値',
      'key🔑🔑value',
      'x',
      'y',
      '\n',
      '🔑',
      '秘',
      'abc',
      ' ',
    ];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      let text = '';
      for (let k = rand(30); k > 0; k--) text += atoms[rand(atoms.length)];
      const got = redact.bytes(Buffer.from(text)).toString('utf8');
      expect(got, JSON.stringify(text)).toBe(redact(text));
    }
  });

  test('returns the same Buffer when nothing is secret, and replaces every occurrence', () => {
    const plain = Buffer.from('nothing to hide here\n'.repeat(1000));
    expect(redact.bytes(plain)).toBe(plain);
    expect(redact.bytes(Buffer.from('k=abcdef123 abcdef123\n')).toString()).toBe(
      `k=${REDACTED} ${REDACTED}\n`,
    );
    const none = buildRedactor({ PATH: '/bin' });
    expect(none.bytes(plain)).toBe(plain);
  });

  test('replaceBytes replaces left to right without overlaps', () => {
    const r = replaceBytes(Buffer.from('aaaaa'), Buffer.from('aa'), Buffer.from('-'));
    expect(r.toString()).toBe('--a');
    expect('aaaaa'.split('aa').join('-')).toBe('--a');
  });
});
