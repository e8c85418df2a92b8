/**
 * The selected coder's log: only the rows in view are rendered, however long the log is. Panes render
 * exactly their rows and truncate their lines instead of clipping (Ink's clipping slices every line of
 * every frame, a third of a keypress frame's cost).
 */
import { memo, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { LogEntry } from '../../core/coder.js';
import { formatClock, oneLine } from '../format.js';
import type { LogView } from '../state.js';
import { useTheme, type Theme, type Style } from '../theme.js';
import { PaneTitle } from './pane-title.js';

export interface LogPaneProps {
  logs: LogView;
  rows: number;
  width: number;
  focused: boolean;
}

/** The slice of entries in view: `scroll` rows back from the newest. */
export function visibleEntries(entries: readonly LogEntry[], scroll: number, rows: number): LogEntry[] {
  const end = Math.max(0, entries.length - scroll);
  return entries.slice(Math.max(0, end - rows), end);
}

function entryStyle(theme: Theme, e: LogEntry): Style {
  if (e.stream === 'stderr') return theme.stderr;
  if (e.stream === 'system') return theme.system;
  return {};
}

function entryText(e: LogEntry, width: number): string {
  const kind = e.kind === 'text' ? '' : `[${oneLine(e.kind, 40)}] `;
  // Cut long lines before Ink measures them: a 1 MB line costs nothing to draw.
  return `${formatClock(e.ts)} ${kind}${oneLine(e.text, width + 10)}`;
}

export const LogPane = memo(function LogPane({ logs, rows, width, focused }: LogPaneProps) {
  const theme = useTheme();
  const id = logs.coderId;
  const where = logs.scroll === 0 ? 'following' : `${logs.scroll} back`;
  const first = logs.entries[0]?.seq;
  const last = logs.entries.at(-1)?.seq;
  const range = first !== undefined && last !== undefined ? ` · #${first}–${last}` : '';
  const title = id === null ? 'Logs' : `Logs ${id} · ${where}${range}${logs.hasOlder ? ' · more above' : ''}`;
  let body: ReactNode;
  if (id === null) body = <Text {...theme.dim}>no coder selected</Text>;
  else if (logs.loading && logs.entries.length === 0) body = <Text {...theme.dim}>loading…</Text>;
  else if (logs.entries.length === 0) body = <Text {...theme.dim}>no output yet</Text>;
  else {
    const shown = visibleEntries(logs.entries, logs.scroll, rows);
    const atTop = shown.length > 0 && shown[0] === logs.entries[0];
    body = (
      <>
        {atTop && logs.loadingOlder ? <Text {...theme.dim}>… loading older entries</Text> : null}
        {shown.slice(atTop && logs.loadingOlder ? 1 : 0).map((e) => (
          <Text key={e.seq} wrap="truncate-end" {...entryStyle(theme, e)}>
            {entryText(e, width)}
          </Text>
        ))}
      </>
    );
  }
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <PaneTitle text={title} width={width} focused={focused} />
      {body}
    </Box>
  );
});
