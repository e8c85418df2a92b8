/** The help overlay, generated from the bindings table (two columns when the terminal is wide). */
import { memo } from 'react';
import { Box, Text } from 'ink';
import { helpSections } from '../bindings.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

interface HelpLine {
  heading?: string;
  keys?: string;
  help?: string;
}

export function helpLines(): HelpLine[] {
  const out: HelpLine[] = [];
  for (const sec of helpSections()) {
    if (out.length > 0) out.push({});
    out.push({ heading: sec.title });
    for (const r of sec.rows) out.push({ keys: r.keys, help: r.help });
  }
  return out;
}

const KEYS_WIDTH = 16;
const COLUMN_WIDTH = 58;

export function helpColumns(width: number): number {
  return width >= COLUMN_WIDTH * 2 + 2 ? 2 : 1;
}

function Lines({ lines, width }: { lines: HelpLine[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((l, i) =>
        l.heading !== undefined ? (
          <Text key={i} wrap="truncate-end" {...theme.title}>
            {l.heading}
          </Text>
        ) : (
          <Text key={i} wrap="truncate-end">
            {l.keys === undefined ? ' ' : `  ${l.keys.padEnd(KEYS_WIDTH)}${l.help ?? ''}`}
          </Text>
        ),
      )}
    </Box>
  );
}

export const HelpOverlay = memo(function HelpOverlay({
  rows,
  width,
  scroll,
}: {
  rows: number;
  width: number;
  scroll: number;
}) {
  const all = helpLines();
  const body = rows - 1;
  const cols = helpColumns(width);
  const perCol = cols === 2 ? Math.max(body, Math.ceil(all.length / 2)) : all.length;
  const start = Math.min(scroll, Math.max(0, perCol - body));
  const colWidth = cols === 2 ? Math.floor((width - 2) / 2) : width;
  const parts = cols === 2 ? [all.slice(0, perCol), all.slice(perCol)] : [all];
  return (
    <Box flexDirection="column" width={width} height={rows}>
      <PaneTitle text="Help · every key (from the bindings table) · Esc closes" width={width} focused />
      <Box flexDirection="row">
        {parts.map((p, i) => (
          <Box key={i} marginRight={i === 0 && cols === 2 ? 2 : 0}>
            <Lines lines={p.slice(start, start + body)} width={colWidth} />
          </Box>
        ))}
      </Box>
    </Box>
  );
});

/** How far the help can scroll for this size. */
export function helpMaxScroll(rows: number, width: number): number {
  const all = helpLines().length;
  const cols = helpColumns(width);
  const perCol = cols === 2 ? Math.ceil(all / 2) : all;
  return Math.max(0, perCol - (rows - 1));
}
