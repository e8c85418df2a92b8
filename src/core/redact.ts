/**
 * Secret redaction: the daemon never stores or serves the value of an environment variable whose
 * name contains KEY, TOKEN or SECRET (any case). A redactor is built once per run from the run's
 * environment and applied to every log line and to the record's error and last message.
 */

/** Values shorter than this are not redacted (too likely to match ordinary text). */
export const MIN_SECRET_LENGTH = 6;

export const REDACTED = '[redacted]';

const SECRET_NAME = /KEY|TOKEN|SECRET/i;

/**
 * Replaces every secret the redactor knows by REDACTED. `bytes` does the same on UTF-8 bytes without
 * decoding them (the log path's blocks) and returns the very same Buffer when nothing was replaced;
 * on valid UTF-8 it gives the bytes of the string form's result.
 */
export interface Redactor {
  (text: string): string;
  bytes(buf: Buffer): Buffer;
}

/** Whether a variable of this name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A redactor for the secrets of `env`; the identity when there are none. */
export function buildRedactor(env: Readonly<Record<string, string | undefined>>): Redactor {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !isSecretName(name)) continue;
    const v = value.trim();
    if (v.length >= MIN_SECRET_LENGTH) secrets.add(v);
  }
  if (secrets.size === 0) return Object.assign((text: string) => text, { bytes: (buf: Buffer) => buf });
  // Longest first, so a secret that contains another is replaced whole.
  const list = [...secrets].sort((a, b) => b.length - a.length);
  const byteList = list.map((s) => Buffer.from(s));
  const redacted = Buffer.from(REDACTED);
  const redact = (text: string): string => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
  return Object.assign(redact, {
    bytes: (buf: Buffer): Buffer => {
      let out = buf;
      for (const s of byteList) out = replaceBytes(out, s, redacted);
      return out;
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
