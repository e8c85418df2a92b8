/** What a redacted secret is replaced with (apart from redact.ts, which loads the secretlint rules). */
export const REDACTED = '[redacted]';
