/**
 * Terminal column arithmetic for the CLI and the TUI: every column, pad and cut is measured here, in
 * terminal cells, with string-width (the measure Ink itself uses: East Asian wide characters and emoji
 * are 2 cells, combining marks 0, an emoji with VS16 or a ZWJ family is one 2-cell grapheme). Cuts
 * never split a grapheme cluster and never exceed the width, even when the cut falls inside a wide
 * character (cli-truncate 5 returns 3 cells for `cliTruncate('修复', 2)`, so it is not used).
 */
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Display width of `text` in terminal cells (SGR sequences count 0). */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** `text` cut to at most `width` cells, ending with `…` when cut. */
export function truncateEnd(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const { segment } of graphemes.segment(text)) {
    const cw = stringWidth(segment);
    if (w + cw > width - 1) break;
    out += segment;
    w += cw;
  }
  return out + '…';
}

/** The end of `text` in at most `width` cells, starting with `…` when cut (a cursor at the end). */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  const parts = Array.from(graphemes.segment(text), (s) => s.segment);
  let out = '';
  let w = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    const cw = stringWidth(parts[i]!);
    if (w + cw > width - 1) break;
    out = parts[i]! + out;
    w += cw;
  }
  return '…' + out;
}

/** `text` padded with spaces to `width` cells (never cut). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/** `text` right-aligned in `width` cells (never cut). */
export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(text))) + text;
}

/** `text` in exactly `width` cells: cut with `…` when longer, padded when shorter (right-aligned if asked). */
export function fitWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const cut = truncateEnd(text, width);
  return align === 'right' ? padStart(cut, width) : padEnd(cut, width);
}

/** A piece of a one-line bar: its text and how much it matters (lower `rank` = kept longer). */
export interface BarPart {
  text: string;
  rank: number;
}

/**
 * Priority-based truncation of a one-line bar: the parts that fit in `width` cells with `sep` between
 * them, taken from the most important (lowest rank; ties keep their order) and shown in their given
 * order. The least important text goes first instead of whatever happens to be at the end.
 */
export function fitByPriority<T extends BarPart>(parts: readonly T[], width: number, sep = '  '): T[] {
  const byRank = parts.map((p, i) => ({ p, i })).sort((a, b) => a.p.rank - b.p.rank || a.i - b.i);
  const kept = new Set<number>();
  let used = 0;
  const gap = textWidth(sep);
  for (const { p, i } of byRank) {
    const w = textWidth(p.text) + (kept.size > 0 ? gap : 0);
    if (used + w > width) continue;
    kept.add(i);
    used += w;
  }
  return parts.filter((_, i) => kept.has(i));
}
