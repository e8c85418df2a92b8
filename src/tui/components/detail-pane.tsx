/** The selected coder's details, most useful lines first (short terminals show the first few). */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Coder } from '../../core/coder.js';
import { formatCost, formatCount, oneLine } from '../format.js';
import { STATE_SYMBOLS, useTheme } from '../theme.js';
import { PaneTitle } from './pane-title.js';

export interface DetailLine {
  label: string;
  value: string;
  error?: boolean;
}

export function detailLines(c: Coder): DetailLine[] {
  const s = c.stats;
  const lines: DetailLine[] = [{ label: 'task', value: oneLine(c.task, 500) }];
  if (c.role) {
    // As `aicoder status` says it: "reviewer (read only; reports verdict, progress)".
    const tools = c.role.tools === 'read_only' ? 'read only' : 'all tools';
    lines.push({
      label: 'role',
      value: `${c.role.name} (${tools}; reports ${c.role.report.join(', ') || 'nothing'})`,
    });
  }
  if (c.question) lines.push({ label: 'asks', value: oneLine(c.question, 500), error: true });
  if (c.error) lines.push({ label: 'error', value: oneLine(c.error, 500), error: true });
  if (c.progress) {
    const pct = c.progress.percent === null ? '' : `${c.progress.percent}% `;
    lines.push({ label: 'doing', value: `${pct}${oneLine(c.progress.message, 500)}` });
  }
  if (c.stalled)
    lines.push({ label: 'stalled', value: 'no output, event or heartbeat for a while', error: true });
  lines.push({ label: 'last', value: s.last_message ? oneLine(s.last_message, 500) : '-' });
  const run = [
    `turns ${s.turns}`,
    `tokens ${formatCount(s.tokens_in)} in / ${formatCount(s.tokens_out)} out`,
    formatCost(s.cost_usd, s.cost_estimated),
    `files ${s.files_changed}`,
    `pid ${c.pid ?? '-'}`,
    ...(c.exit_code !== null ? [`exit ${c.exit_code}`] : []),
  ];
  lines.push({ label: 'stats', value: run.join(' · ') });
  lines.push({ label: 'repo', value: `${c.repo} (${c.base_ref})  branch ${c.branch}` });
  lines.push({ label: 'work', value: c.workspace });
  lines.push({ label: 'session', value: `${c.session_id ?? '-'}${c.model ? `  model ${c.model}` : ''}` });
  // Every value is agent or user text: one safe line each (oneLine is idempotent on safe text).
  return lines.map((l) => ({ ...l, value: oneLine(l.value, 500) }));
}

export const DetailPane = memo(function DetailPane({
  coder,
  rows,
  width,
}: {
  coder: Coder | null;
  rows: number;
  width: number;
}) {
  const theme = useTheme();
  if (rows <= 0) return null;
  const title = coder
    ? `${oneLine(coder.id, 40)} ${STATE_SYMBOLS[coder.state]} ${coder.state} · ${oneLine(coder.name, 100)}`
    : 'Detail';
  const lines = coder ? detailLines(coder).slice(0, rows) : [];
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <PaneTitle text={title} width={width} />
      {coder === null ? (
        <Text {...theme.dim}>no coder selected</Text>
      ) : (
        lines.map((l) => (
          <Text key={l.label} wrap="truncate-end">
            <Text {...theme.label}>{l.label.padEnd(8)}</Text>
            <Text {...(l.error ? theme.error : {})}>{l.value}</Text>
          </Text>
        ))
      )}
    </Box>
  );
});
