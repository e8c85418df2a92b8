/**
 * Secret redaction (docs/security.md): nothing the daemon stores or serves may hold a secret it knows
 * or one of a well-known format. A redactor is built once per run and applied before anything is
 * written: log entries, last message, error, setup output, progress text. Two layers:
 *
 * 1. By value — every value the daemon knows to be secret: environment variables whose name says so
 *    (KEY, TOKEN, SECRET, PASSWORD, PASSWD, CREDENTIAL, AUTH), every value of a provider's `env` and of
 *    config `provider_env` (set for that agent on purpose, whatever the name), the coder's endpoint
 *    URL and token, and any extra values the daemon adds (its owner token).
 * 2. By format — the rules of secretlint's maintained recommended preset
 *    (@secretlint/secretlint-rule-preset-recommend: GitHub, AWS, GCP, Slack, npm, OpenAI, Anthropic,
 *    private keys, basic auth and database connection strings in URLs, …), run synchronously through
 *    their rule API, plus two forms of our own: a password in any URL (`scheme://user:pass@host`) and
 *    a coder endpoint token in a `/coder/<id>/<token>/mcp` path. A prefilter taken from the rules
 *    runs each only on the lines where it can match (redact-formats.ts), with the same result.
 *
 * Every match becomes `[redacted]`.
 */
import { formatByteRanges, formatRanges } from './redact-formats.js';
import { REDACTED } from './redact-mark.js';

export { REDACTED };

/** Values shorter than this are not redacted by value (too likely to match ordinary text). */
export const MIN_SECRET_LENGTH = 6;

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

/** Names of a provider's env that never hold secrets (redacting their values would eat ordinary text). */
const NOT_SECRET_NAMES = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'USER',
  'LOGNAME',
  'PWD',
  'TMPDIR',
  'TERM',
  'LANG',
  'TZ',
  'NODE_OPTIONS',
]);

/**
 * Replaces every secret the redactor knows, and every well-known secret format, by REDACTED. `bytes`
 * does the same on UTF-8 bytes without decoding them as UTF-8 (the log path's blocks) and returns the
 * very same Buffer when nothing was replaced; on valid UTF-8 it gives the bytes of the string form's
 * result.
 */
export interface Redactor {
  (text: string): string;
  bytes(buf: Buffer): Buffer;
}

/** Whether a variable of this name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** What a redactor knows by value. */
export interface SecretSources {
  /** An environment: only the values of secret-named variables count. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Values set for a provider on purpose (provider `env`, config `provider_env`): all count. */
  providerEnv?: Readonly<Record<string, string | undefined>>;
  /** Anything else known to be secret (coder endpoint URL and token, the owner token). */
  values?: Iterable<string | undefined | null>;
}

/** The secret values of `sources`, trimmed, at least MIN_SECRET_LENGTH long, longest first. */
export function secretValues(sources: SecretSources): string[] {
  const secrets = new Set<string>();
  const add = (v: string | undefined | null) => {
    const t = v?.trim();
    if (t && t.length >= MIN_SECRET_LENGTH && !/^\d+$/.test(t)) secrets.add(t);
  };
  for (const [name, value] of Object.entries(sources.env ?? {})) if (isSecretName(name)) add(value);
  for (const [name, value] of Object.entries(sources.providerEnv ?? {})) {
    if (!NOT_SECRET_NAMES.has(name) && !name.startsWith('LC_')) add(value);
  }
  for (const v of sources.values ?? []) add(v);
  return [...secrets].sort((a, b) => b.length - a.length);
}

// ------------------------------------------------------------------ by format

export { formatRanges } from './redact-formats.js';

/** The ranges sorted, overlapping ones merged. */
function mergeRanges(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Replaces each range (overlapping ones merged) by REDACTED. */
function cut(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const [s, e] of mergeRanges(ranges)) {
    out += text.slice(pos, s) + REDACTED;
    pos = e;
  }
  return out + text.slice(pos);
}

/** Text with every well-known secret format replaced (no value knowledge). */
export function redactFormats(text: string): string {
  if (text.length === 0) return text;
  return cut(text, formatRanges(text));
}

/**
 * A redactor for `sources` (by value) and the well-known formats. Cost: one scan per secret value
 * plus the preset's regular expressions, linear in the text length.
 */
export function createRedactor(sources: SecretSources = {}): Redactor {
  const list = secretValues(sources);
  const byteList = list.map((v) => Buffer.from(v));
  const redactedBytes = Buffer.from(REDACTED);
  const redact = (text: string): string => {
    if (text.length === 0) return text;
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return redactFormats(out);
  };
  return Object.assign(redact, {
    bytes: (buf: Buffer): Buffer => {
      if (buf.length === 0) return buf;
      let out = buf;
      for (const s of byteList) out = replaceBytes(out, s, redactedBytes);
      const ranges = formatByteRanges(out);
      return ranges.length === 0 ? out : cutBytes(out, ranges);
    },
  });
}

/** `buf` with every occurrence of `find` (left to right, not overlapping) replaced; `buf` itself if none. */
export function replaceBytes(buf: Buffer, find: Buffer, by: Buffer): Buffer {
  let at = buf.indexOf(find);
  if (at === -1) return buf;
  const parts: Buffer[] = [];
  let from = 0;
  while (at !== -1) {
    parts.push(buf.subarray(from, at), by);
    from = at + find.length;
    at = buf.indexOf(find, from);
  }
  parts.push(buf.subarray(from));
  return Buffer.concat(parts);
}

/** `buf` with each byte range (overlapping ones merged) replaced by REDACTED. */
function cutBytes(buf: Buffer, ranges: [number, number][]): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (const [s, e] of mergeRanges(ranges)) {
    parts.push(buf.subarray(pos, s), Buffer.from(REDACTED));
    pos = e;
  }
  parts.push(buf.subarray(pos));
  return Buffer.concat(parts);
}

/** A redactor for the secret-named variables of `env` and the well-known formats. */
export function buildRedactor(env: Readonly<Record<string, string | undefined>>): Redactor {
  return createRedactor({ env });
}
