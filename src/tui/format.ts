/** Pure text helpers for the TUI: ages, money, times, one-line sanitising (via term/) and the filter. */
import ansiRegex from 'ansi-regex';
import { CODER_STATES, type Coder, type CoderState } from '../core/coder.js';
import { usdText } from '../core/cost-estimate.js';
import { safeText } from '../term/safe-text.js';

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

/** "$0.12"; "~$0.12" when `estimated` (from tokens and templates/prices.json, not the CLI's figure). */
export function formatCost(usd: number, estimated = false): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  return usdText(usd, estimated, usd >= 1000 ? 0 : 2);
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

/**
 * One display line from arbitrary agent output, at most `max` UTF-16 units (the pane cuts it to its
 * width after): control characters and escape sequences made visible and inert by the shared
 * `safeText` (the CLI uses the same function), line breaks shown as ⏎, tabs as spaces.
 */
export function oneLine(text: string, max = 2000): string {
  const s = safeText(text.length > max * 2 ? text.slice(0, max * 2) : text);
  if (s.length <= max) return s;
  // Do not leave half a surrogate pair at the cut.
  const end = /[\ud800-\udbff]/.test(s[max - 1]!) ? max - 1 : max;
  return s.slice(0, end);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/** Text for printable keyboard input (drops escape sequences and control characters). */
export function printable(input: string): string {
  return input
    .replace(ansiRegex(), '')
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
