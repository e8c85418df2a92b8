/**
 * Secret redaction: the daemon never stores or serves the value of an environment variable whose
 * name contains KEY, TOKEN or SECRET (any case). A redactor is built once per run from the run's
 * environment and applied to every log line and to the record's error and last message.
 */

/** Values shorter than this are not redacted (too likely to match ordinary text). */
export const MIN_SECRET_LENGTH = 6;

export const REDACTED = '[redacted]';

const SECRET_NAME = /KEY|TOKEN|SECRET/i;

export type Redactor = (text: string) => string;

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
  if (secrets.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is replaced whole.
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}
