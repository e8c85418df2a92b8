/** The coloured unified diff of a coder's worktree, scrolled a window at a time. */
import { memo, useMemo } from 'react';
import { Box, Text } from 'ink';
import { diffLineKind, splitDiff, type DiffLineKind } from '../diff.js';
import { oneLine } from '../format.js';
import { useTheme, type Style, type Theme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

function kindStyle(theme: Theme, k: DiffLineKind): Style {
  switch (k) {
    case 'meta':
      return theme.diffMeta;
    case 'hunk':
      return theme.diffHunk;
    case 'add':
      return theme.diffAdd;
    case 'del':
      return theme.diffDel;
    case 'context':
      return {};
  }
}

export interface DiffViewProps {
  coderId: string;
  text: string | null;
  scroll: number;
  rows: number;
  width: number;
}

export const DiffView = memo(function DiffView({ coderId, text, scroll, rows, width }: DiffViewProps) {
  const theme = useTheme();
  const lines = useMemo(() => (text === null ? [] : splitDiff(text)), [text]);
  const body = rows - 1;
  const start = Math.min(scroll, Math.max(0, lines.length - body));
  const shown = lines.slice(start, start + body);
  const pos = lines.length > body ? ` · ${start + 1}–${start + shown.length} of ${lines.length}` : '';
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <PaneTitle text={`Diff ${coderId}${pos} · Esc closes`} width={width} focused />
      {text === null ? <Text {...theme.dim}>loading diff…</Text> : null}
      {text !== null && lines.length === 0 ? <Text {...theme.dim}>(no changes)</Text> : null}
      {shown.map((l, i) => (
        <Text key={start + i} wrap="truncate-end" {...kindStyle(theme, diffLineKind(l))}>
          {oneLine(l, width + 10) || ' '}
        </Text>
      ))}
    </Box>
  );
});

export function diffLineCount(text: string | null): number {
  return text === null ? 0 : splitDiff(text).length;
}
