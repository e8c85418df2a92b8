import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, test } from 'vitest';
import {
  FORMAT_GATES,
  formatByteRanges,
  formatRanges,
  formatRangesUnfiltered,
  urlPasswordRanges,
} from '../../src/core/redact-formats.js';
import { createRedactor, REDACTED } from '../../src/core/redact.js';

/** Runs one preset rule alone, as secretlint would, on `content` with file extension `ext`. */
function ruleReports(id: string, content: string, ext = '.txt'): [number, number][] {
  const rule = presetRules.find((r) => r.meta.id === id)!;
  const out: [number, number][] = [];
  const context = {
    sharedOptions: {},
    createTranslator: () => (m: string) => ({ message: m, messageId: m }),
    report: (d: { range: [number, number] }) => out.push(d.range),
    ignore: () => undefined,
  };
  const handlers = (rule.create as unknown as (c: unknown, o: unknown) => { file?: (s: unknown) => unknown })(
    context,
    {},
  );
  handlers.file?.({ content, contentType: 'text', ext });
  return out;
}

const alnum = (n: number, seed = 7): string => {
  const abc = 'aB3dE5gH7jK9mN2pQ4sT6vW8yZ';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[(i * seed + 3) % abc.length];
  return s;
};
const b64 = (json: object): string => {
  let s = JSON.stringify(json);
  while (Buffer.from(s).length % 3 !== 1) s = s.replace('{', '{ ');
  return Buffer.from(s).toString('base64');
};
const pem = `-----BEGIN RSA PRIVATE KEY-----\nMIIEow${alnum(64)}\n${alnum(64, 5)}\n${alnum(40, 11)}==\n-----END RSA PRIVATE KEY-----`;

/** Per preset rule, secrets it catches (a new rule without samples fails the first test). */
const SAMPLES: Record<string, string[]> = {
  '@secretlint/secretlint-rule-aws': [
    `AWS_SECRET_ACCESS_KEY = "${alnum(36)}/+Zq"`,
    `aws_secret_access_key:\n   ${alnum(40, 5)}`,
  ],
  '@secretlint/secretlint-rule-privatekey': [pem],
  '@secretlint/secretlint-rule-npm': [
    `npm_${alnum(36)}`,
    `https://${alnum(20)}:x-oauth-basic@github.com/o/r`,
  ],
  '@secretlint/secretlint-rule-basicauth': ['https://alice:Zx9kq2Lm@git.example.net/repo'],
  '@secretlint/secretlint-rule-slack': [
    `xoxb-123456789012-${alnum(24)}`,
    `https://HOOKS.slack.com/services/T0${alnum(8)}/B0${alnum(8)}/${alnum(24)}`,
  ],
  '@secretlint/secretlint-rule-sendgrid': [`SG.${alnum(22)}.${alnum(43, 5)}`],
  '@secretlint/secretlint-rule-shopify': [`shpat_${alnum(32)}`, `shpss_${alnum(40)}`],
  '@secretlint/secretlint-rule-github': [
    `ghp_${alnum(36)}`,
    `ghs_${alnum(36, 5)}`,
    `github_pat_${alnum(82)}`,
  ],
  '@secretlint/secretlint-rule-openai': [`sk-${alnum(20)}T3BlbkFJ${alnum(20, 5)}`],
  '@secretlint/secretlint-rule-anthropic': [`sk-ant-api03-${alnum(93)}AA`],
  '@secretlint/secretlint-rule-linear': [`lin_api_${alnum(40)}`],
  '@secretlint/secretlint-rule-1password': [
    `ops_${b64({ email: 'robot@1passwordserviceaccounts.lcl', secretKey: alnum(60), srpX: alnum(64, 5) })}`,
  ],
  '@secretlint/secretlint-rule-database-connection-string': [
    'mongodb+srv://app:Q7vR2kPz@cluster0.internal/prod',
    'jdbc:mysql://svc:Hk38xQpw@db.internal:3306/shop',
    'POSTGRESQL://svc:Hk38xQpw@db.internal/shop',
  ],
  // Reports only on .json files: a GCP service account key.
  '@secretlint/secretlint-rule-gcp': [
    JSON.stringify({ type: 'service_account', private_key_id: alnum(40), private_key: pem }),
  ],
  // Reports nothing: it marks ranges that secretlint-disable comments exempt.
  '@secretlint/secretlint-rule-filter-comments': [`// secretlint-disable\nghp_${alnum(36)}`],
};

/** Ordinary lines and near misses around the samples. */
const FILLER = [
  '',
  'plain output line 42',
  '日本語のログ 🔑 émoji café',
  'see https://example.com/docs and ftp://files.example.org/x',
  'success: access granted; ACCESS_LOG=/var/log',
  'ghp_short xoxb- sk-ant- npm_ SG.x.y shpat_ lin_api_ ops_ey -----BEGIN',
  'mongodb://localhost:27017/dev postgres://user:password@localhost/db',
  'through the night, right away: github_pat_ is a prefix',
  'line with a CR\r',
  `a long line ${'word '.repeat(400)}`,
];

/** Deterministic pseudo-random texts mixing samples and filler. */
function* texts(count: number): Generator<string> {
  const pool = [...Object.values(SAMPLES).flat(), ...FILLER];
  let x = 12345;
  const rnd = (n: number) => (x = (x * 1103515245 + 12345) & 0x7fffffff) % n;
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    for (let j = 0, n = 1 + rnd(12); j < n; j++) {
      const p = pool[rnd(pool.length)]!;
      parts.push(rnd(3) === 0 ? `${FILLER[rnd(FILLER.length)]} ${p} 秘密` : p);
    }
    yield parts.join(rnd(4) === 0 ? '\r\n' : '\n');
  }
}

const sorted = (r: [number, number][]) => [...r].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('redaction prefilter (FORMAT_GATES) on the secretlint preset', () => {
  test('every preset rule has a gate and samples', () => {
    for (const rule of presetRules) {
      expect(FORMAT_GATES[rule.meta.id], `FORMAT_GATES entry for ${rule.meta.id}`).toBeDefined();
      expect(SAMPLES[rule.meta.id]?.length, `samples for ${rule.meta.id}`).toBeGreaterThan(0);
    }
  });

  test('a sample each rule catches alone is still caught through the prefilter, bytes and string', () => {
    const redact = createRedactor();
    for (const rule of presetRules) {
      const gate = FORMAT_GATES[rule.meta.id];
      for (const sample of SAMPLES[rule.meta.id]!) {
        if (gate === 'never') {
          // What a 'never' rule would catch in its own setting it does not report on log text.
          expect(ruleReports(rule.meta.id, sample), rule.meta.id).toEqual([]);
          continue;
        }
        const alone = ruleReports(rule.meta.id, sample);
        expect(alone.length, `${rule.meta.id} catches ${sample.slice(0, 30)}`).toBeGreaterThan(0);
        for (const text of [sample, `日本語 🔑\nbefore\n${sample} after\nnext line`]) {
          const got = formatRanges(text);
          const offset = text.indexOf(sample);
          for (const [s, e] of ruleReports(rule.meta.id, text)) {
            expect(got, `${rule.meta.id} in ${JSON.stringify(text.slice(0, 40))}`).toContainEqual([s, e]);
            expect(s).toBeGreaterThanOrEqual(offset);
          }
          const out = redact(text);
          expect(out, rule.meta.id).toContain(REDACTED);
          expect(redact.bytes(Buffer.from(text)).toString('utf8')).toBe(out);
        }
      }
    }
    expect(
      ruleReports(
        '@secretlint/secretlint-rule-gcp',
        SAMPLES['@secretlint/secretlint-rule-gcp']![0]!,
        '.json',
      ),
    ).not.toEqual([]);
  });

  test('gives exactly the ranges of every rule run on the whole text (string and bytes)', () => {
    let withSecrets = 0;
    for (const text of texts(400)) {
      const want = sorted(formatRangesUnfiltered(text));
      if (want.length > 0) withSecrets++;
      expect(sorted(formatRanges(text)), text).toEqual(want);
      const buf = Buffer.from(text);
      expect(sorted(formatByteRanges(buf)), text).toEqual(
        sorted(formatRangesUnfiltered(buf.toString('latin1'))),
      );
    }
    expect(withSecrets).toBeGreaterThan(100);
  });

  test('a secretlint-disable comment in agent output neither throws nor exempts a secret', () => {
    const ghp = SAMPLES['@secretlint/secretlint-rule-github']![0]!;
    const redact = createRedactor();
    for (const c of ['secretlint-disable-line', 'secretlint-disable-next-line', 'secretlint-disable']) {
      expect(redact(`${ghp} // ${c}`)).toBe(`${REDACTED} // ${c}`);
      expect(redact.bytes(Buffer.from(`// ${c}\n${ghp}\n`)).toString()).toBe(`// ${c}\n${REDACTED}\n`);
    }
  });
});

describe('URL passwords found from each `://` (urlPasswordRanges)', () => {
  /** The pattern it stands for, run at every position: the password is the group before `@`. */
  const PATTERN = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/?#@]{1,256}:([^\s/?#@]{1,256})@/gi;
  const reference = (text: string): [number, number][] =>
    [...text.matchAll(PATTERN)].map((m) => {
      const end = m.index + m[0].length - 1;
      return [end - m[1]!.length, end];
    });
  const found = (text: string): [number, number][] => {
    const out: [number, number][] = [];
    urlPasswordRanges(text, out);
    return out;
  };

  test('equals the pattern on 3,000 texts made of URL parts', () => {
    const parts = [
      '://',
      ':',
      '@',
      '/',
      'a',
      'Z',
      '9',
      '+',
      '.',
      '-',
      '_',
      ' ',
      '\n',
      '?',
      '#',
      'https',
      'x:y@',
      'ab',
      'é',
      'http://',
      'u:p@',
      'git+ssh://',
      'user:pass@',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let withMatch = 0;
    for (let i = 0; i < 3000; i++) {
      let t = '';
      const n = 1 + Math.floor(next() * 40);
      for (let k = 0; k < n; k++) t += parts[Math.floor(next() * parts.length)];
      const want = reference(t);
      if (want.length > 0) withMatch++;
      expect(found(t), JSON.stringify(t)).toEqual(want);
    }
    expect(withMatch).toBeGreaterThan(100);
  });

  test('long schemes, word boundaries and a password that also appears earlier', () => {
    for (const t of [
      'ab://ab:ab@host',
      'xhttps://u:p@h',
      '_http://u:p@h',
      '+http://u:p@h',
      `${'a'.repeat(21)}://u:p@h`,
      `${'a'.repeat(22)}://u:p@h`,
      'see https://u:p@h and ftp://v:q@i',
      'git+ssh://git:sekret@github.com/x',
    ]) {
      expect(found(t), t).toEqual(reference(t));
    }
    // The password itself is redacted, not an earlier copy of its text.
    const t = 'ab://ab:ab@host';
    expect(found(t)).toEqual([[8, 10]]);
  });
});
