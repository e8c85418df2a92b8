/**
 * Redaction by format (docs/security.md): the rules of secretlint's recommended preset
 * (@secretlint/secretlint-rule-preset-recommend, run synchronously through secretlint's rule API) and
 * two forms of our own, each behind a prefilter that runs a rule only where it can match.
 *
 * The prefilter (`FORMAT_GATES`) is taken from each rule's own regular expressions: a list of ASCII
 * literals ("needles") of which every match of the rule contains at least one (`ghp_`, `-----BEGIN`,
 * `://`, …). A text without any of a rule's needles is not scanned by that rule. Where a rule's
 * matches cannot span a line break, the rule scans only the lines holding a needle, each line alone;
 * otherwise (`multiline`) it scans from the line of the first needle to the end. Both give exactly the
 * ranges a scan of the whole text gives: every match lies within the scanned part, and the rules'
 * edge assertions (`\b`, `(?<!\p{L})`, `(?![…])`) see a line break as they see the text's edge.
 * Before a needle is searched, each of its punctuation bytes must occur at all (one `memchr` each),
 * which skips most needles on text without them. A preset rule missing from FORMAT_GATES runs on the
 * whole text (never silently skipped); test/core/redact-formats.test.ts holds a caught sample per rule.
 */
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';

/** Where a rule can match: see the file comment. */
export interface FormatGate {
  /** ASCII literals; every match of the rule contains at least one of them. */
  needles: readonly string[];
  /** ASCII bytes every match contains (all of them); a text lacking one is skipped. */
  anchors?: string;
  /** A match may span lines (then the scan runs from the first needle's line to the end). */
  multiline?: boolean;
}

/**
 * The preset's rules (by `meta.id`) and where each can match on the text we give it (`ext: '.txt'`,
 * no file path). `'never'`: the rule reports nothing on such text.
 */
export const FORMAT_GATES: Readonly<Record<string, FormatGate | 'never'>> = {
  // Only the secret-access-key pattern runs by default: `…(ACCESS|access|Access)…\s*(:|=>|=)\s*…`.
  '@secretlint/secretlint-rule-aws': { needles: ['ccess', 'CCESS'], multiline: true },
  // Scans only `.json` and `.p12` files.
  '@secretlint/secretlint-rule-gcp': 'never',
  // `-----BEGIN … PRIVATE KEY-----\n?[base64 and whitespace]{100,10000}…-----END…`.
  '@secretlint/secretlint-rule-privatekey': { needles: ['-----BEGIN'], multiline: true },
  // Without a file path: `https?://(.{1,256}):x-oauth-basic@github.com/` and `npm_[A-Za-z0-9_]{36}`.
  '@secretlint/secretlint-rule-npm': { needles: [':x-oauth-basic@', 'npm_'] },
  // `(https?|ftp|ftps)://user:password@host.tld`.
  '@secretlint/secretlint-rule-basicauth': { needles: ['://'] },
  // `(xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-…` and `https://hooks.slack.com/services/…` (any case).
  '@secretlint/secretlint-rule-slack': {
    needles: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-', '://'],
  },
  // `SG\.\w{1,128}\.\w{1,128}…`.
  '@secretlint/secretlint-rule-sendgrid': { needles: ['SG.'] },
  // `(shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}`.
  '@secretlint/secretlint-rule-shopify': { needles: ['shp'], anchors: '_' },
  // `(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}` and `github_pat_[A-Za-z0-9_]{82}`.
  '@secretlint/secretlint-rule-github': { needles: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', '_pat_'] },
  // Both forms: `sk-…T3BlbkFJ…`.
  '@secretlint/secretlint-rule-openai': { needles: ['T3BlbkFJ'], anchors: '-' },
  // `sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA`.
  '@secretlint/secretlint-rule-anthropic': { needles: ['-ant-api0'] },
  // `lin_api_[a-zA-Z0-9_]{32,128}`.
  '@secretlint/secretlint-rule-linear': { needles: ['_api_'] },
  // `ops_(ey[A-Za-z0-9+/=]{100,1280}fQ={0,2})`.
  '@secretlint/secretlint-rule-1password': { needles: ['ops_ey'] },
  // `mongodb(+srv)?://…`, `(jdbc:)?mysqlx?://…`, `postgres(ql)?://…` (any case).
  '@secretlint/secretlint-rule-database-connection-string': { needles: ['://'] },
  // Reports nothing: it only marks ranges that secretlint-disable comments exempt, which we do not
  // honour (an agent could unredact its output by printing one), and it throws on our input.
  '@secretlint/secretlint-rule-filter-comments': 'never',
};

/** The slice of secretlint's rule context the preset's rules use (from @secretlint/types). */
interface RuleReport {
  range: readonly [number, number];
}

type FileHandler = (source: { content: string; contentType: 'text'; ext: string }) => unknown;

/** One format rule: pushes the ranges of its matches in `text` onto `out`. */
interface FormatScanner {
  id: string;
  gate: FormatGate | null;
  /** Per needle, its bytes that are not letters or digits (each must occur for the needle to). */
  needleAnchors: string[][];
  scan(text: string, out: [number, number][]): void;
}

const punctuation = (needle: string): string[] => [...needle].filter((ch) => !/[A-Za-z0-9]/.test(ch));

function scanner(id: string, gate: FormatGate | null, scan: FormatScanner['scan']): FormatScanner {
  return { id, gate, needleAnchors: (gate?.needles ?? []).map(punctuation), scan };
}

/**
 * `scheme://user:password@host`: the password part (RFC 3986 userinfo). The matches of
 * `/\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/?#@]{1,256}:([^\s/?#@]{1,256})@/gi`, found from each `://`
 * (indexOf) instead of trying the pattern at every word start: a scheme is the 2–21 scheme
 * characters before `://`, starting with a letter at a word boundary; then the userinfo is matched
 * from `://` on (sticky). Neither part can hold `://`, so each match has its own `://`.
 */
const URL_USERINFO = /[^\s:/?#@]{1,256}:([^\s/?#@]{1,256})@/y;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
const WORD_CHAR = /\w/;
const LETTER = /[a-z]/i;

/** Whether a URL scheme (as above) ends just before `at` (where `://` starts). */
function schemeBefore(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0 && at - k <= 21 && SCHEME_CHAR.test(text[k]!); k--) {
    if (at - k >= 2 && LETTER.test(text[k]!) && (k === 0 || !WORD_CHAR.test(text[k - 1]!))) return true;
  }
  return false;
}

/** The password ranges of `scheme://user:password@` in `text`. */
export function urlPasswordRanges(text: string, out: [number, number][]): void {
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    if (!schemeBefore(text, at)) continue;
    URL_USERINFO.lastIndex = at + 3;
    const m = URL_USERINFO.exec(text);
    if (m === null) continue;
    // The password ends just before the match's closing `@`.
    const end = m.index + m[0].length - 1;
    out.push([end - m[1]!.length, end]);
  }
}
/** A coder endpoint token in its path (docs/talkback.md). */
const CODER_TOKEN = /\/coder\/[A-Za-z0-9_-]{1,64}\/([0-9a-f]{64})\/mcp/g;

function groupRanges(re: RegExp, text: string, out: [number, number][]): void {
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) {
    const start = m.index + m[0].indexOf(m[1]!);
    out.push([start, start + m[1]!.length]);
  }
}

let found: [number, number][] = [];
let scanners: FormatScanner[] | null = null;

/** Every format rule, created once; the preset's with a context that records each reported range. */
export function formatScanners(): readonly FormatScanner[] {
  if (scanners !== null) return scanners;
  const context = {
    sharedOptions: {},
    createTranslator: () => (messageId: string, data?: unknown) => ({ message: messageId, messageId, data }),
    report: (d: RuleReport) => found.push([d.range[0], d.range[1]]),
    ignore: () => undefined,
  };
  const list: FormatScanner[] = [
    scanner('url-password', { needles: ['://'] }, urlPasswordRanges),
    scanner('coder-token', { needles: ['/coder/'] }, (t, out) => groupRanges(CODER_TOKEN, t, out)),
  ];
  for (const rule of presetRules) {
    const gate = FORMAT_GATES[rule.meta.id];
    if (gate === 'never') continue;
    // The rules' create(context, options) is secretlint's documented rule API (SecretLintRuleCreator).
    const handlers = (rule.create as unknown as (ctx: unknown, opts: unknown) => { file?: FileHandler })(
      context,
      {},
    );
    const file = handlers.file;
    if (file === undefined) continue;
    list.push(
      scanner(rule.meta.id, gate ?? null, (text, out) => {
        found = [];
        try {
          // Only the p12 file rule is async, and it needs a filePath we never give: nothing to await.
          const r = file({ content: text, contentType: 'text', ext: '.txt' });
          if (r instanceof Promise) r.catch(() => undefined);
        } finally {
          for (const f of found) out.push(f);
          found = [];
        }
      }),
    );
  }
  scanners = list;
  return list;
}

/** A text as the prefilter reads it: a string, or UTF-8 bytes read as latin1 (one char per byte). */
interface Haystack {
  length: number;
  indexOf(needle: string, from: number): number;
  /** Whether the ASCII character occurs at all. */
  has(ch: string): boolean;
  /** Index of the line break at or after `pos`, or the length. */
  lineEnd(pos: number): number;
  /** Index just after the line break before `pos`, or 0. */
  lineStart(pos: number): number;
  slice(start: number, end: number): string;
}

function stringHaystack(text: string): Haystack {
  return {
    length: text.length,
    indexOf: (n, from) => text.indexOf(n, from),
    has: (ch) => text.includes(ch),
    lineEnd: (pos) => {
      const e = text.indexOf('\n', pos);
      return e === -1 ? text.length : e;
    },
    lineStart: (pos) => (pos === 0 ? 0 : text.lastIndexOf('\n', pos - 1) + 1),
    slice: (s, e) => text.slice(s, e),
  };
}

/**
 * Bytes: searched as bytes (no decode) until a needle is found; from then on as their latin1 string,
 * whose searches cost no call into C++ each (a text with a needle is scanned by a rule anyway).
 */
function bytesHaystack(buf: Buffer): Haystack {
  let str: Haystack | undefined;
  const needles = new Map<string, Buffer>();
  const decoded = (): Haystack => (str ??= stringHaystack(buf.toString('latin1')));
  return {
    length: buf.length,
    indexOf: (n, from) => {
      if (str !== undefined) return str.indexOf(n, from);
      let b = needles.get(n);
      if (b === undefined) needles.set(n, (b = Buffer.from(n, 'latin1')));
      const at = buf.indexOf(b, from);
      if (at !== -1) decoded();
      return at;
    },
    has: (ch) => (str !== undefined ? str.has(ch) : buf.indexOf(ch.charCodeAt(0)) !== -1),
    lineEnd: (pos) => decoded().lineEnd(pos),
    lineStart: (pos) => decoded().lineStart(pos),
    slice: (s, e) => decoded().slice(s, e),
  };
}

/** Windows this close (in chars) are scanned as one: fewer calls, little more text. */
const JOIN_GAP = 2048;

/** Runs every scanner on the parts of `hay` where it can match; ranges are `hay`'s indices. */
function scanGated(hay: Haystack, out: [number, number][]): void {
  if (hay.length === 0) return;
  const present = new Map<string, boolean>();
  const has = (ch: string): boolean => {
    let p = present.get(ch);
    if (p === undefined) present.set(ch, (p = hay.has(ch)));
    return p;
  };
  let whole: string | undefined;
  const wholeText = () => (whole ??= hay.slice(0, hay.length));
  // The lines holding a needle, found once per needle (several rules share `://`).
  const linesOf = new Map<string, [number, number][]>();
  // Once they cover half of the text, the whole text stands for them.
  const lines = (needle: string): [number, number][] => {
    let found = linesOf.get(needle);
    if (found !== undefined) return found;
    found = [];
    let covered = 0;
    let at = hay.indexOf(needle, 0);
    while (at !== -1) {
      const start = hay.lineStart(at);
      const end = hay.lineEnd(at + needle.length);
      found.push([start, end]);
      covered += end - start + 1;
      if (covered * 2 > hay.length) {
        found = [[0, hay.length]];
        break;
      }
      at = end >= hay.length ? -1 : hay.indexOf(needle, end + 1);
    }
    linesOf.set(needle, found);
    return found;
  };
  const scanAt = (s: FormatScanner, start: number, end: number) => {
    if (start === 0 && end === hay.length) return s.scan(wholeText(), out);
    const part: [number, number][] = [];
    s.scan(hay.slice(start, end), part);
    for (const [a, b] of part) out.push([a + start, b + start]);
  };
  for (const s of formatScanners()) {
    const gate = s.gate;
    if (gate === null) {
      scanAt(s, 0, hay.length);
      continue;
    }
    if (gate.anchors !== undefined && ![...gate.anchors].every(has)) continue;
    const windows: [number, number][] = [];
    let first = -1;
    for (let i = 0; i < gate.needles.length; i++) {
      const needle = gate.needles[i]!;
      if (!s.needleAnchors[i]!.every(has)) continue;
      if (gate.multiline === true) {
        const at = hay.indexOf(needle, 0);
        if (at !== -1 && (first === -1 || at < first)) first = at;
        continue;
      }
      for (const w of lines(needle)) windows.push(w);
    }
    if (gate.multiline === true) {
      if (first !== -1) scanAt(s, hay.lineStart(first), hay.length);
      continue;
    }
    if (windows.length === 0) continue;
    // Windows are whole lines, so any run of whole lines between two of them can join them: one
    // call per run of nearby lines, and past half of the text one call on the whole.
    windows.sort((a, b) => a[0] - b[0]);
    const runs: [number, number][] = [];
    let covered = 0;
    for (const w of windows) {
      const last = runs[runs.length - 1];
      if (last !== undefined && w[0] <= last[1] + JOIN_GAP) {
        covered += Math.max(0, w[1] - last[1]);
        last[1] = Math.max(last[1], w[1]);
      } else {
        runs.push([w[0], w[1]]);
        covered += w[1] - w[0];
      }
    }
    if (covered * 2 > hay.length) scanAt(s, 0, hay.length);
    else for (const [a, b] of runs) scanAt(s, a, b);
  }
}

/** The ranges of well-known secret formats in `text` (unsorted, may overlap). */
export function formatRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  scanGated(stringHaystack(text), out);
  return out;
}

/**
 * The byte ranges of well-known secret formats in UTF-8 `buf`. Every format is ASCII: matched on the
 * latin1 view of the parts that can hold one (one char per byte), its ranges are byte ranges.
 */
export function formatByteRanges(buf: Buffer): [number, number][] {
  const out: [number, number][] = [];
  scanGated(bytesHaystack(buf), out);
  return out;
}

/** Every scanner on the whole text, no prefilter: the reference the prefilter must equal (tests). */
export function formatRangesUnfiltered(text: string): [number, number][] {
  const out: [number, number][] = [];
  for (const s of formatScanners()) s.scan(text, out);
  return out;
}
