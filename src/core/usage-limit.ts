/**
 * Usage limits: telling a run that ended at a provider's rate or usage limit from other failures, and
 * when to try again. Read from the run's failure text, as the CLIs word it (verified on Claude Code
 * 2.1.197, Codex 0.169, Gemini CLI 0.61 against a server answering HTTP 429):
 *   Claude  "API Error: Request rejected (429) · <API message>"; subscription limits
 *           "Claude AI usage limit reached|<unix seconds>" or "… limit reached ∙ resets 3pm"
 *   Codex   "exceeded retry limit, last status: 429 Too Many Requests"; "You've hit your usage
 *           limit … try again in 2 hours" / "… try again at 3:05 PM"
 *   Gemini  "[API Error: <API message>] Please wait and try again later. To increase your limits,
 *           request a quota increase …" (RESOURCE_EXHAUSTED)
 */

/** A coder waiting out a usage limit (its record's `usage_limit`; protocol/records.ts `usageLimitWait`). */
export type { UsageLimitWait } from '../protocol/records.js';

const LIMIT_RE =
  /\b429\b|too many requests|rate[ _-]?limit|usage limit|limit reached|quota|resource[ _]exhausted/i;

/** Whether a failure text says the provider refused for a rate or usage limit. */
export function isUsageLimit(text: string): boolean {
  return LIMIT_RE.test(text);
}

const UNIT_S: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  m: 60,
  min: 60,
  minute: 60,
  h: 3600,
  hour: 3600,
  d: 86_400,
  day: 86_400,
};

/**
 * The reset time a failure text names, or null: "try again in 2 hours 5 minutes", "retry in 12.5s",
 * "retry after 30 seconds", "resets at 3:05 PM" / "resets 3pm" (the next such local time), or
 * "limit reached|<unix seconds>".
 */
export function resetTime(text: string, now: Date): Date | null {
  const epoch = /limit reached\|(\d{10})\b/i.exec(text);
  if (epoch) return new Date(Number(epoch[1]) * 1000);
  const rel = /(?:try again|retry)(?: after| in)\s+((?:\d+(?:\.\d+)?\s*[a-z]+[\s,and]*)+)/i.exec(text);
  if (rel) {
    let total = 0;
    for (const m of rel[1]!.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/gi)) {
      const word = m[2]!.toLowerCase();
      const unit = word.length > 1 ? word.replace(/s$/, '') : word;
      const mult = UNIT_S[unit];
      if (mult !== undefined) total += Number(m[1]) * mult;
    }
    if (total > 0) return new Date(now.getTime() + Math.ceil(total * 1000));
  }
  const at = /(?:resets?|try again)(?: at)?\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/i.exec(text);
  if (at && (at[2] !== undefined || at[3] !== undefined)) {
    let h = Number(at[1]);
    const min = Number(at[2] ?? 0);
    const ampm = at[3]?.toLowerCase();
    if (ampm === 'pm' && h < 12) h += 12;
    if (ampm === 'am' && h === 12) h = 0;
    if (h > 23 || min > 59) return null;
    const d = new Date(now);
    d.setHours(h, min, 0, 0);
    if (d.getTime() <= now.getTime()) d.setDate(d.getDate() + 1);
    return d;
  }
  return null;
}

/** The backoff of the n-th wait (1-based) with no reset time: base × 2^(n−1), at most 6 hours. */
export function backoffMs(baseS: number, tries: number): number {
  return Math.min(6 * 3600_000, baseS * 1000 * 2 ** Math.max(0, tries - 1));
}
