/** A yes/no question before an action that cannot be taken back (attach stops a live coder; pick). */
import { Box, Text } from 'ink';
import type { Ask } from '../state.js';
import { oneLine } from '../format.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

export function AskDialog({ ask, rows, width }: { ask: Ask; rows: number; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} height={rows} overflow="hidden">
      <PaneTitle text={ask.title} width={width} focused />
      {ask.lines.map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {oneLine(l, 400)}
        </Text>
      ))}
      <Text wrap="truncate-end" {...theme.warn}>
        {`${ask.yes} · n/Esc cancel`}
      </Text>
    </Box>
  );
}
