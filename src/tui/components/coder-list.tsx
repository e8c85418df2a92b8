/** The coder list: a header and only the visible window of rows (500 coders render ~20 rows). */
import { memo, useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import type { Coder } from '../../core/coder.js';
import { formatAge, formatCost, formatCount, oneLine } from '../format.js';
import { MARKER, listColumns, type Column } from '../layout.js';
import { STATE_SYMBOLS, useTheme, type Style } from '../theme.js';
import { PaneTitle } from './pane-title.js';
import { fitWidth } from '../../term/width.js';
import { stateSymbol } from '../attention.js';

export interface CoderListProps {
  coders: ReadonlyMap<string, Coder>;
  visible: string[];
  selectedId: string | null;
  total: number;
  filter: string;
  loaded: boolean;
  focused: boolean;
  rows: number;
  width: number;
  now: number;
}

/** First row of the window: moves only as far as needed to keep the selection in view. */
export function windowStart(prev: number, selected: number, count: number, rows: number): number {
  if (rows <= 0 || count <= rows) return 0;
  let start = Math.min(prev, count - rows);
  if (selected < start) start = selected;
  if (selected >= start + rows) start = selected - rows + 1;
  return Math.max(0, start);
}

function cell(c: Coder, col: Column, now: number): string {
  switch (col.key) {
    case 'id':
      return oneLine(c.id, 40);
    case 'name':
      return oneLine(c.name, 200);
    case 'provider':
      return oneLine(c.provider, 100);
    case 'state':
      return `${stateSymbol(c, STATE_SYMBOLS)} ${c.state}`;
    case 'branch':
      return oneLine(c.branch, 200);
    case 'age':
      return formatAge(c.created_at, now);
    case 'turns':
      return formatCount(c.stats.turns);
    case 'cost':
      return formatCost(c.stats.cost_usd);
    case 'files':
      return formatCount(c.stats.files_changed);
  }
}

/** A cell in exactly its column's width (terminal cells, so wide names keep the columns aligned). */
function pad(text: string, col: Column): string {
  return fitWidth(text, col.width, col.right ? 'right' : 'left');
}

/**
 * One row as a single Text (nested Texts only for colour): Ink lays out and composes one node per row
 * instead of one per cell, which is most of the cost of a keypress frame.
 */
const Row = memo(function Row({
  coder,
  cols,
  selected,
  now,
}: {
  coder: Coder;
  cols: Column[];
  selected: boolean;
  now: number;
}) {
  const theme = useTheme();
  const base: Style = selected ? theme.selected : {};
  let before = selected ? '> ' : '  ';
  let state = '';
  let after = '';
  for (const col of cols) {
    const text = pad(cell(coder, col, now), col) + ' ';
    if (col.key === 'state') state = text;
    else if (state === '') before += text;
    else after += text;
  }
  return (
    <Text wrap="truncate-end" {...base}>
      {before}
      <Text {...base} {...theme.state(coder.state)}>
        {state}
      </Text>
      {after}
    </Text>
  );
});

export const CoderList = memo(function CoderList(p: CoderListProps) {
  const theme = useTheme();
  const cols = useMemo(() => listColumns(p.width), [p.width]);
  const startRef = useRef(0);
  const sel = p.selectedId === null ? -1 : p.visible.indexOf(p.selectedId);
  const start = windowStart(startRef.current, Math.max(0, sel), p.visible.length, p.rows);
  startRef.current = start;
  const ids = p.visible.slice(start, start + p.rows);
  const count = p.filter ? `${p.visible.length}/${p.total}` : `${p.total}`;
  const title = `Coders ${count}${p.filter ? ` · filter: ${p.filter}` : ''}`;
  const header = ' '.repeat(MARKER) + cols.map((c) => pad(c.title, c) + ' ').join('');
  let empty: string | null = null;
  if (!p.loaded) empty = 'loading coders…';
  else if (p.total === 0) empty = 'no coders yet: press n to create one';
  else if (p.visible.length === 0) empty = 'no coder matches the filter (/ to change it)';
  return (
    <Box flexDirection="column" width={p.width} height={p.rows + 2}>
      <PaneTitle text={title} width={p.width} focused={p.focused} />
      <Text wrap="truncate-end" {...theme.label}>
        {header}
      </Text>
      {empty !== null ? (
        <Text wrap="truncate-end" {...theme.dim}>
          {'  ' + empty}
        </Text>
      ) : (
        ids.map((id) => (
          <Row key={id} coder={p.coders.get(id)!} cols={cols} selected={id === p.selectedId} now={p.now} />
        ))
      )}
    </Box>
  );
});
