import { describe, expect, test } from 'vitest';
import {
  buildRedactor,
  createRedactor,
  isSecretName,
  redactFormats,
  REDACTED,
} from '../../src/core/redact.js';

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

describe('secret redaction by every source and by well-known formats', () => {
  const endpoint = `http://127.0.0.1:7777/coder/ab12/${'c'.repeat(64)}/mcp`;
  const redact = createRedactor({
    env: { MY_API_KEY: 'sk-live-0123456789abcdef', DB_PASSWORD: 'hunter2hunter2', HOME: '/home/me' },
    providerEnv: { UPSTREAM_URL_SUFFIX: 'plain-config-value-42', PATH: '/usr/local/bin' },
    values: [endpoint, 'c'.repeat(64), 'f'.repeat(64), null, undefined, '123456789'],
  });
  const ghp = `ghp_${'A1b2C3d4'.repeat(4)}wxyz`;
  const cases: [string, string][] = [
    ['key sk-live-0123456789abcdef end', `key ${REDACTED} end`],
    ['pw hunter2hunter2', `pw ${REDACTED}`],
    ['provider_env plain-config-value-42', `provider_env ${REDACTED}`],
    [`AICODER_MCP_URL=${endpoint}`, `AICODER_MCP_URL=${REDACTED}`],
    [`owner ${'f'.repeat(64)}`, `owner ${REDACTED}`],
    [
      `another coder http://127.0.0.1:7777/coder/zz99/${'e'.repeat(64)}/mcp`,
      `another coder http://127.0.0.1:7777/coder/zz99/${REDACTED}/mcp`,
    ],
    [`gh ${ghp} done`, `gh ${REDACTED} done`],
    ['psql postgres://app:s3cretpw@db.example.com:5432/app', `psql ${REDACTED}`],
    ['git https://bob:tok3n-pass@git.example.com/r.git', `git ${REDACTED}/r.git`],
    [`anthropic sk-ant-api03-${'x'.repeat(93)}AA`, `anthropic ${REDACTED}`],
    ['path /usr/local/bin and /home/me stay', 'path /usr/local/bin and /home/me stay'],
    ['plain 123456789 numbers stay', 'plain 123456789 numbers stay'],
    ['https://example.com/no/userinfo@here stays', 'https://example.com/no/userinfo@here stays'],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input.slice(0, 40)), () => expect(redact(input)).toBe(want));
  }

  test('the byte form (the log path) redacts the same values and formats, around multi-byte text', () => {
    for (const [input] of cases) {
      for (const text of [input, `秘密 ${input} 🔑\n`, `é${input}é`]) {
        expect(redact.bytes(Buffer.from(text)).toString('utf8'), text).toBe(redact(text));
      }
    }
    const plain = Buffer.from('nothing secret here, 日本語 too\n');
    expect(redact.bytes(plain)).toBe(plain);
  });

  test('redactFormats needs no knowledge of the values', () => {
    expect(redactFormats(`token=${ghp}`)).toBe(`token=${REDACTED}`);
    expect(redactFormats('nothing here')).toBe('nothing here');
  });

  test('secret-named variables now include PASSWORD, CREDENTIAL and AUTH', () => {
    for (const n of ['DB_PASSWORD', 'GOOGLE_APPLICATION_CREDENTIALS', 'HTTP_AUTH', 'passwd'])
      expect(isSecretName(n), n).toBe(true);
  });
});
