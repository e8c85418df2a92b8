/** Pure text helpers for the TUI: ages, money, times, one-line sanitising and the filter. */
import { CODER_STATES, type Coder, type CoderState } from '../core/coder.js';

/** "45s", "12m", "3h", "2d" since `iso`. */
export function formatAge(iso: string, nowMs: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const s = Math.max(0, Math.floor((nowMs - t) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  if (usd >= 1000) return `$${Math.round(usd)}`;
  return `$${usd.toFixed(2)}`;
}

export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

/** HH:MM:SS (local time) of an ISO timestamp. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '--:--:--';
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * One display line from arbitrary agent output: escape sequences removed (they would break the
 * layout and NO_COLOR), tabs expanded, newlines shown as ⏎, other control characters dropped.
 */
export function oneLine(text: string, max = 2000): string {
  const s = text.length > max * 2 ? text.slice(0, max * 2) : text;
  return s
    .replace(ANSI, '')
    .replace(/\r\n|\n|\r/g, ' ⏎ ')
    .replace(/\t/g, '  ')
    .replace(CONTROL, '')
    .slice(0, max);
}

/** Text for printable keyboard input (drops escape and control characters). */
export function printable(input: string): string {
  return input
    .replace(ANSI, '')
    .replace(/[\r\n\t]/g, ' ')
    .replace(CONTROL, '');
}

export interface Filter {
  states: CoderState[];
  words: string[];
}

/**
 * Parses the filter text: words that name a state ("running", "state:paused") filter by state (any of
 * them); the other words must all occur in the id, name, task, provider, branch or repo.
 */
export function parseFilter(text: string): Filter {
  const states: CoderState[] = [];
  const words: string[] = [];
  for (const raw of text.toLowerCase().split(/\s+/)) {
    if (!raw) continue;
    const w = raw.startsWith('state:') ? raw.slice(6) : raw;
    if ((CODER_STATES as readonly string[]).includes(w)) states.push(w as CoderState);
    else words.push(raw);
  }
  return { states, words };
}

export function matchesFilter(c: Coder, f: Filter): boolean {
  if (f.states.length > 0 && !f.states.includes(c.state)) return false;
  if (f.words.length === 0) return true;
  const hay = `${c.id} ${c.name} ${c.task} ${c.provider} ${c.branch} ${c.repo}`.toLowerCase();
  return f.words.every((w) => hay.includes(w));
}

/** Display width of one code point: 2 for East Asian wide/fullwidth and emoji, 0 for combining marks. */
export function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Fits `s` into exactly `width` columns: cut with "…" when longer, padded with spaces when shorter. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) {
      // Cut: make room for the ellipsis.
      const cut = [...out];
      let cutW = w;
      while (cut.length > 0 && cutW + 1 > width) {
        cutW -= charWidth(cut.pop()!.codePointAt(0)!);
      }
      out = cut.join('') + '…';
      return out + ' '.repeat(Math.max(0, width - cutW - 1));
    }
    out += ch;
    w += cw;
  }
  return out + ' '.repeat(width - w);
}
