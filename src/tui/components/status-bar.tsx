/** Two lines: the daemon address, connection and counts by state; then the last error, notice or key hints. */
import { memo, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { ConnectionStatus } from '../../client/types.js';
import type { CoderState } from '../../core/coder.js';
import { keyHints } from '../bindings.js';
import { oneLine } from '../format.js';
import { STATE_SYMBOLS, useTheme } from '../theme.js';

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

const HINTS = keyHints();

export const StatusBar = memo(function StatusBar(p: StatusBarProps) {
  const theme = useTheme();
  const conn =
    p.connection === 'connected' ? null : p.connection === 'reconnecting' ? 'reconnecting…' : 'connecting…';
  return (
    <Box flexDirection="column" width={p.width} height={2}>
      <Text wrap="truncate-end">
        <Text {...theme.title}>aicoder</Text>
        <Text> {p.address}</Text>
        {conn !== null ? <Text {...theme.warn}> {conn}</Text> : null}
        <Text {...theme.dim}> │</Text>
        {p.counts.length === 0 ? <Text {...theme.dim}> no coders</Text> : null}
        {p.counts.map((c) => (
          <Text key={c.state} {...theme.state(c.state)}>
            {` ${STATE_SYMBOLS[c.state]} ${c.n} ${c.state}`}
          </Text>
        ))}
      </Text>
      {p.prompt ? (
        p.prompt
      ) : p.error !== null ? (
        <Text wrap="truncate-end" {...theme.error}>
          {`error: ${oneLine(p.error, 1000)}`}
        </Text>
      ) : p.notice !== null ? (
        <Text wrap="truncate-end">
          <Text {...theme.notice}>{oneLine(p.notice, 1000)}</Text>
          <Text {...theme.dim}>{'  ' + HINTS}</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end" {...theme.dim}>
          {HINTS}
        </Text>
      )}
    </Box>
  );
});
