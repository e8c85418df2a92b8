/** The coder list: a header and only the visible window of rows (500 coders render ~20 rows). */
import { memo, useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import type { Coder } from '../../core/coder.js';
import { formatAge, formatCost, formatCount, oneLine } from '../format.js';
import { MARKER, listColumns, type Column } from '../layout.js';
import { STATE_SYMBOLS, useTheme, type Style } from '../theme.js';
import { PaneTitle } from './pane-title.js';
import { fitWidth, textWidth, truncateEnd } from '../../term/width.js';
import { checksLine, isGroupRow, memberStates, membersByGroup, type GroupInfo } from '../groups.js';
import { stateSymbol } from '../attention.js';

export interface CoderListProps {
  coders: ReadonlyMap<string, Coder>;
  /** Group records known so far (a group row shows its name when known). */
  groups?: ReadonlyMap<string, GroupInfo>;
  /** Groups shown folded (their members hidden). */
  folded?: ReadonlySet<string>;
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

/** The provider, and the role the coder was made with, as `aicoder list` shows it: "claude (reviewer)". */
export function providerCell(c: Coder): string {
  return oneLine(c.role ? `${c.provider} (${c.role.name})` : c.provider, 100);
}

/** The provider column's width for these coders: the widest cell, 8 to 20 cells. */
export function providerWidth(coders: ReadonlyMap<string, Coder>): number {
  let w = 8;
  for (const c of coders.values()) w = Math.max(w, textWidth(providerCell(c)));
  return Math.min(w, 20);
}

function cell(c: Coder, col: Column, now: number, tree: string): string {
  switch (col.key) {
    case 'id':
      return oneLine(c.id, 40);
    case 'name':
      return tree + oneLine(c.name, 200);
    case 'provider':
      return providerCell(c);
    case 'state':
      return `${stateSymbol(c, STATE_SYMBOLS)} ${c.state}`;
    case 'branch':
      return oneLine(c.branch, 200);
    case 'age':
      return formatAge(c.created_at, now);
    case 'turns':
      return formatCount(c.stats.turns);
    case 'cost':
      return formatCost(c.stats.cost_usd, c.stats.cost_estimated);
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
  tree = '',
}: {
  coder: Coder;
  cols: Column[];
  selected: boolean;
  now: number;
  /** A group member's branch in the tree: "├ " or "└ " (before its name). */
  tree?: string;
}) {
  const theme = useTheme();
  const base: Style = selected ? theme.selected : {};
  let before = selected ? '> ' : '  ';
  let state = '';
  let after = '';
  for (const col of cols) {
    const text = pad(cell(coder, col, now, tree), col) + ' ';
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

/**
 * A group's row: fold mark, id, name, then the summary a folded group needs: members per state and
 * the checks' verdicts ("▾ g1a2b3c4 fix login · 3 members ● 1 running ✓ 2 completed · checks ✓ 2 passed"),
 * and the member picked, once one is (" · picked ab12cd34"). Within `width` cells the summary loses
 * the states' and verdicts' names ("● 1 ✓ 2 · checks ✓ 2") and the name is cut (down to nothing;
 * the detail pane has it), so a narrow terminal still shows the verdicts.
 */
export function groupRowText(
  gid: string,
  group: GroupInfo | undefined,
  members: readonly Coder[],
  folded: boolean,
  width = Infinity,
): string {
  const count = `${members.length} member${members.length === 1 ? '' : 's'}`;
  const picked = group?.picked ? ` · picked ${group.picked.coder_id}` : '';
  const head = `${folded ? '▸' : '▾'} ${gid}`;
  const summary = (compact: boolean): string => {
    const states = memberStates(members)
      .map((x) => `${STATE_SYMBOLS[x.state]} ${x.n}${compact ? '' : ` ${x.state}`}`)
      .join(' ');
    return ` · ${count} ${states} · ${checksLine(members, compact)}${picked}`;
  };
  // Too narrow for the states' and verdicts' names: their symbols and counts only.
  let tail = summary(false);
  if (textWidth(head + tail) > width) tail = summary(true);
  const name = group ? oneLine(group.name, 200) : '';
  const room = width - textWidth(head + tail) - 1;
  // A name cut below a few cells says nothing: leave it out.
  const shown = textWidth(name) <= room ? name : room >= 6 ? truncateEnd(name, room) : '';
  return `${head}${shown === '' ? '' : ` ${shown}`}${tail}`;
}

const GroupRow = memo(function GroupRow({
  text,
  selected,
  width,
}: {
  text: string;
  selected: boolean;
  width: number;
}) {
  const theme = useTheme();
  const base: Style = selected ? theme.selected : theme.title;
  return (
    <Text wrap="truncate-end" {...base}>
      {truncateEnd((selected ? '> ' : '  ') + text, width)}
    </Text>
  );
});

export const CoderList = memo(function CoderList(p: CoderListProps) {
  const theme = useTheme();
  const provWidth = useMemo(() => providerWidth(p.coders), [p.coders]);
  const cols = useMemo(() => listColumns(p.width, provWidth), [p.width, provWidth]);
  const startRef = useRef(0);
  const sel = p.selectedId === null ? -1 : p.visible.indexOf(p.selectedId);
  const start = windowStart(startRef.current, Math.max(0, sel), p.visible.length, p.rows);
  startRef.current = start;
  const ids = p.visible.slice(start, start + p.rows);
  const byGroup = useMemo(() => membersByGroup(p.coders), [p.coders]);
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
        ids.map((id, i) => {
          if (isGroupRow(id)) {
            const members = byGroup.get(id) ?? [];
            const folded = p.folded?.has(id) === true;
            const text = groupRowText(id, p.groups?.get(id), members, folded, p.width - MARKER);
            return <GroupRow key={id} text={text} selected={id === p.selectedId} width={p.width} />;
          }
          const coder = p.coders.get(id)!;
          let tree = '';
          if (coder.group_id !== null) {
            const next = ids[i + 1] ?? p.visible[start + i + 1];
            const last = next === undefined || p.coders.get(next)?.group_id !== coder.group_id;
            tree = last ? '└ ' : '├ ';
          }
          return (
            <Row key={id} coder={coder} cols={cols} selected={id === p.selectedId} now={p.now} tree={tree} />
          );
        })
      )}
    </Box>
  );
});
