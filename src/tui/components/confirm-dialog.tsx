/** The remove dialog: asks to confirm; after a guard refusal, explains it and offers force. */
import { Box, Text } from 'ink';
import type { Coder } from '../../core/coder.js';
import type { RemoveStep } from '../state.js';
import { oneLine } from '../format.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

export function ConfirmDialog({
  coder,
  coderId,
  step,
  rows,
  width,
}: {
  coder: Coder | undefined;
  coderId: string;
  step: RemoveStep;
  rows: number;
  width: number;
}) {
  const theme = useTheme();
  const name = coder ? ` (${oneLine(coder.name, 80)}, ${coder.state})` : '';
  return (
    <Box flexDirection="column" width={width} height={rows} overflow="hidden">
      <PaneTitle text={step.kind === 'force' ? 'Remove refused' : 'Remove coder'} width={width} focused />
      {step.kind === 'confirm' ? (
        <>
          <Text wrap="truncate-end">{`Remove coder ${coderId}${name}?`}</Text>
          <Text wrap="truncate-end" {...theme.dim}>
            Its worktree is deleted; the guard refuses if there is uncommitted work or unmerged commits.
          </Text>
          <Text wrap="truncate-end" {...theme.warn}>
            y remove · n/Esc cancel
          </Text>
        </>
      ) : (
        <>
          <Text wrap="wrap" {...theme.error}>
            {oneLine(step.reason, 400)}
          </Text>
          <Text wrap="truncate-end">{`Force the removal of ${coderId}? Uncommitted work and unmerged commits are lost.`}</Text>
          <Text wrap="truncate-end" {...theme.warn}>
            y force remove · n/Esc cancel
          </Text>
        </>
      )}
    </Box>
  );
}
