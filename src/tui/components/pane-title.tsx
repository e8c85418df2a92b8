import { Text } from 'ink';
import { useTheme } from '../theme.js';
import { textWidth } from '../../term/width.js';

/** A pane's title line: "─ Title · extra ─────…", filled to the width. */
export function PaneTitle({
  text,
  width,
  focused = false,
}: {
  text: string;
  width: number;
  focused?: boolean;
}) {
  const theme = useTheme();
  const head = `${focused ? '▶' : '─'} ${text} `;
  const fill = Math.max(0, width - textWidth(head));
  return (
    <Text wrap="truncate-end" {...(focused ? theme.titleFocused : theme.title)}>
      {head + '─'.repeat(fill)}
    </Text>
  );
}
