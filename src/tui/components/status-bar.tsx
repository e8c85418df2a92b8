/**
 * Two lines: the daemon address, connection and counts by state; then the last error, notice or key
 * hints. Both lines are cut by priority, not at their end: on a narrow terminal the address and the
 * least used key hints go first, `? help` and `q quit` stay (term/width.ts fitByPriority).
 */
import { memo, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { ConnectionStatus } from '../../client/types.js';
import type { CoderState } from '../../core/coder.js';
import { fitByPriority, textWidth, truncateEnd } from '../../term/width.js';
import { keyHintParts } from '../bindings.js';
import { oneLine } from '../format.js';
import { STATE_SYMBOLS, useTheme, type Style } from '../theme.js';

export interface StatusBarProps {
  address: string;
  connection: ConnectionStatus;
  counts: { state: CoderState; n: number }[];
  error: string | null;
  notice: string | null;
  width: number;
  /** A text prompt shown instead of the second line. */
  prompt?: ReactNode;
}

const HINTS = keyHintParts();

interface Part {
  text: string;
  rank: number;
  style: Style;
}

/** The key hints that fit in `width` cells, most important kept. */
export function hintsFor(width: number): string {
  return fitByPriority(HINTS, width)
    .map((h) => h.text)
    .join('  ');
}

export const StatusBar = memo(function StatusBar(p: StatusBarProps) {
  const theme = useTheme();
  const conn =
    p.connection === 'connected' ? null : p.connection === 'reconnecting' ? 'reconnecting…' : 'connecting…';
  const parts: Part[] = [
    { text: 'aicoder', rank: 0, style: theme.title },
    { text: oneLine(p.address, 200), rank: 3, style: {} },
    ...(conn !== null ? [{ text: conn, rank: 0, style: theme.warn }] : []),
    { text: '│', rank: 0, style: theme.dim },
    ...(p.counts.length === 0 ? [{ text: 'no coders', rank: 1, style: theme.dim }] : []),
    ...p.counts.map((c) => ({
      text: `${STATE_SYMBOLS[c.state]} ${c.n} ${c.state}`,
      rank: 1,
      style: theme.state(c.state),
    })),
  ];
  const first = fitByPriority(parts, p.width, ' ');
  let second: ReactNode;
  if (p.prompt) second = p.prompt;
  else if (p.error !== null) {
    second = (
      <Text wrap="truncate-end" {...theme.error}>
        {`error: ${oneLine(p.error, 1000)}`}
      </Text>
    );
  } else if (p.notice !== null) {
    // The notice first (cut if it must be), then the hints that still fit.
    const notice = truncateEnd(oneLine(p.notice, 1000), p.width);
    const rest = p.width - textWidth(notice) - 2;
    const hints = rest > 0 ? hintsFor(rest) : '';
    second = (
      <Text wrap="truncate-end">
        <Text {...theme.notice}>{notice}</Text>
        {hints !== '' ? <Text {...theme.dim}>{'  ' + hints}</Text> : null}
      </Text>
    );
  } else {
    second = (
      <Text wrap="truncate-end" {...theme.dim}>
        {hintsFor(p.width)}
      </Text>
    );
  }
  return (
    <Box flexDirection="column" width={p.width} height={2}>
      <Text wrap="truncate-end">
        {first.map((part, i) => (
          <Text key={i} {...part.style}>
            {(i === 0 ? '' : ' ') + part.text}
          </Text>
        ))}
      </Text>
      {second}
    </Box>
  );
});
