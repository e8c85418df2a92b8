/** The detail pane of a group row: task, base, each member's state and checks, the pick, the cross-review. */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Coder } from '../../core/coder.js';
import { checkSummary } from '../../core/check-types.js';
import { formatCost, oneLine } from '../format.js';
import { checksLine, memberStates, membersByGroup, reviewText, type GroupInfo } from '../groups.js';
import { STATE_SYMBOLS, useTheme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

export const GroupDetail = memo(function GroupDetail({
  groupId,
  group,
  coders,
  rows,
  width,
}: {
  groupId: string;
  group: GroupInfo | undefined;
  coders: ReadonlyMap<string, Coder>;
  rows: number;
  width: number;
}) {
  const theme = useTheme();
  if (rows <= 0) return null;
  const members = membersByGroup(coders).get(groupId) ?? [];
  const states = memberStates(members)
    .map((p) => `${STATE_SYMBOLS[p.state]} ${p.n} ${p.state}`)
    .join(' ');
  const lines: { label: string; value: string }[] = [];
  if (group) lines.push({ label: 'task', value: group.task });
  lines.push({ label: 'members', value: `${members.length}: ${states}` });
  lines.push({ label: 'checks', value: checksLine(members).replace(/^checks /, '') });
  if (group?.picked)
    lines.push({ label: 'picked', value: `${group.picked.coder_id} (merged into ${group.base_ref})` });
  // The cross-review's suggestion (picking stays with the user), and its reasons once it gave them.
  if (group?.review) {
    lines.push({ label: 'review', value: reviewText(group.review) });
    if (group.review.state === 'done' && group.review.reasons)
      lines.push({ label: 'reasons', value: group.review.reasons });
  }
  for (const m of members) {
    const checks = m.checks ? checkSummary(m.checks) : 'no checks';
    lines.push({
      label: m.id,
      value: `${m.provider} ${STATE_SYMBOLS[m.state]} ${m.state} · ${checks} · files ${m.stats.files_changed} · ${formatCost(m.stats.cost_usd, m.stats.cost_estimated)}`,
    });
  }
  if (group) lines.push({ label: 'base', value: `${group.base_ref} ${group.base_commit.slice(0, 12)}` });
  const title = `group ${groupId}${group ? ` · ${oneLine(group.name, 100)}` : ''} · C compare · c check`;
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <PaneTitle text={title} width={width} />
      {lines.slice(0, rows).map((l) => (
        <Text key={l.label} wrap="truncate-end">
          <Text {...theme.label}>{l.label.padEnd(9)}</Text>
          <Text>{oneLine(l.value, 500)}</Text>
        </Text>
      ))}
    </Box>
  );
});
