/**
 * A group's compare table (the same CompareResult as `aicoder compare --json`): one row per member,
 * ranked best first, with state, check verdict, files, +/-, turns, tokens, cost, duration and overlap;
 * then which members' changes meet (and would conflict), and the rule that decided the ranking. The
 * cursor marks the member P would pick.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { CompareResult } from '../../core/compare.js';
import { COMPARE_HEADERS, overlapLines, overlapSummary } from '../../term/compare-text.js';
import { fitWidth, textWidth } from '../../term/width.js';
import { formatCost, formatCount, oneLine } from '../format.js';
import { CHECK_SYMBOLS, reviewText } from '../groups.js';
import type { GroupReviewRecord } from '../../protocol/records.js';
import { STATE_SYMBOLS, useTheme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

/** "45s", "12m 5s", "1h 3m" */
export function formatDuration(s: number | null): string {
  if (s === null) return '-';
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m ${t % 60}s`;
  return `${Math.floor(t / 3600)}h ${Math.floor((t % 3600) / 60)}m`;
}

const HEAD = [...COMPARE_HEADERS];
const RIGHT = new Set([0, 5, 7, 8, 9, 10]);
/**
 * Columns left out, in this order, while the table is wider than the view, so a narrow terminal
 * shows whole columns rather than a row cut mid-cell (the overlaps also show in the notes under it).
 */
const DROP_FIRST: readonly string[] = ['TOKENS', 'TURNS', 'OVERLAP', 'TIME'];

/** The indexes of the columns that fit in `room` cells (one space between columns). */
export function shownColumns(widths: readonly number[], room: number): number[] {
  const keep = widths.map((_, i) => i);
  const total = (): number => keep.reduce((n, i) => n + widths[i]!, 0) + keep.length - 1;
  for (const name of DROP_FIRST) {
    if (total() <= room) break;
    const at = keep.indexOf(HEAD.indexOf(name as (typeof HEAD)[number]));
    if (at !== -1) keep.splice(at, 1);
  }
  return keep;
}

/** The table's cells, one array per member (text only: agent-given names are made safe). */
export function compareCells(r: CompareResult): string[][] {
  return r.rows.map((row) => [
    String(row.rank),
    oneLine(row.coder_id, 40),
    oneLine(row.model ? `${row.provider}/${row.model}` : row.provider, 40),
    `${STATE_SYMBOLS[row.state]} ${row.state}`,
    `${CHECK_SYMBOLS[row.checks]} ${row.checks}`,
    String(row.files_changed),
    `+${row.insertions} -${row.deletions}`,
    String(row.turns),
    formatCount(row.tokens),
    formatCost(row.cost_usd, row.cost_estimated),
    formatDuration(row.duration_s),
    overlapSummary(row),
  ]);
}

/**
 * The lines under the table: where members' changes meet, the decision, and the cross-review's
 * suggestion when the group has one.
 */
export function compareNotes(r: CompareResult, review: GroupReviewRecord | null = null): string[] {
  const out = overlapLines(r).map((l) => oneLine(l, 400));
  if (r.best !== null)
    out.push(oneLine(`best: ${r.best} (decided by ${r.decided_by ?? 'only member'}: ${r.reason})`, 400));
  if (review) out.push(oneLine(`review: ${reviewText(review)}`, 400));
  return out;
}

export const CompareView = memo(function CompareView({
  groupId,
  result,
  cursor,
  rows,
  width,
  review = null,
}: {
  groupId: string;
  result: CompareResult | null;
  cursor: number;
  rows: number;
  width: number;
  /** The group's cross-review, if it has one (a suggestion under the table). */
  review?: GroupReviewRecord | null;
}) {
  const theme = useTheme();
  const title = `Compare ${groupId}${result ? ` · ${result.rows.length} member(s) · base ${oneLine(result.base_ref, 60)}` : ''}`;
  if (result === null) {
    return (
      <Box flexDirection="column" width={width} height={rows}>
        <PaneTitle text={title} width={width} focused />
        <Text {...theme.dim}>comparing the members (diffs, checks, merge-tree)…</Text>
      </Box>
    );
  }
  const cells = compareCells(result);
  const widths = HEAD.map((h, i) => Math.max(textWidth(h), ...cells.map((c) => textWidth(c[i]!))));
  const cols = shownColumns(widths, width - 2);
  const line = (c: readonly string[]): string =>
    cols.map((i) => fitWidth(c[i]!, widths[i]!, RIGHT.has(i) ? 'right' : 'left')).join(' ');
  const body = rows - 3;
  const notes = compareNotes(result, review);
  const tableRows = Math.max(1, body - Math.min(notes.length, Math.max(0, body - cells.length)));
  const start = Math.max(0, Math.min(cursor - tableRows + 1, cells.length - tableRows));
  const shown = cells.slice(start, start + tableRows);
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <PaneTitle text={title} width={width} focused />
      <Text wrap="truncate-end" {...theme.label}>
        {'  ' + line(HEAD)}
      </Text>
      {shown.map((c, i) => {
        const at = start + i;
        const row = result.rows[at]!;
        const sel = at === cursor;
        const style = sel ? theme.selected : {};
        return (
          <Text key={row.coder_id} wrap="truncate-end" {...style}>
            {(sel ? '> ' : '  ') + line(c)}
          </Text>
        );
      })}
      {notes.slice(0, Math.max(0, body - shown.length)).map((n, i) => (
        <Text key={`n${i}`} wrap="truncate-end" {...theme.dim}>
          {n}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text wrap="truncate-end" {...theme.warn}>
        j/k choose · P pick (asks first) · c run the checks · Esc close
      </Text>
    </Box>
  );
});
