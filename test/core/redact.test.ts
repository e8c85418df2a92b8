import { describe, expect, test } from 'vitest';
import { buildRedactor, isSecretName, REDACTED } from '../../src/core/redact.js';

describe('secret redaction', () => {
  test('names containing KEY, TOKEN or SECRET in any case are secret; others are not', () => {
    for (const n of ['OPENAI_API_KEY', 'gh_token', 'MySecret', 'KEYRING', 'x_Token_y']) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ['PATH', 'HOME', 'USER', 'TOK']) {
      expect(isSecretName(n), n).toBe(false);
    }
  });

  test('replaces every occurrence of secret values of 6+ characters, longest first', () => {
    const redact = buildRedactor({
      API_KEY: 'abcdef123',
      LONG_TOKEN: 'xxabcdef123yy',
      SHORT_SECRET: 'abc',
      PATH: '/usr/bin:abcdef123',
      EMPTY_KEY: '',
      UNSET_TOKEN: undefined,
    });
    expect(redact('k=abcdef123 and abcdef123')).toBe(`k=${REDACTED} and ${REDACTED}`);
    expect(redact('t=xxabcdef123yy')).toBe(`t=${REDACTED}`);
    expect(redact('abc stays')).toBe('abc stays');
    expect(redact('')).toBe('');
  });

  test('an environment without secrets gives the identity', () => {
    const redact = buildRedactor({ PATH: '/bin', HOME: '/home/me' });
    expect(redact('/home/me/bin')).toBe('/home/me/bin');
  });
});
