/** A one-line text prompt (follow-up message, filter) in place of the status bar's second line. */
import { useRef, useState } from 'react';
import { Text } from 'ink';
import { useKeySink } from '../key-router.js';
import { matchBinding } from '../bindings.js';
import { editText, tailFit } from '../text-edit.js';
import { useTheme } from '../theme.js';
import { textWidth } from '../../term/width.js';

export interface PromptLineProps {
  label: string;
  initial?: string;
  width: number;
  onChange?: (value: string) => void;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}

export function PromptLine({ label, initial = '', width, onChange, onSubmit, onCancel }: PromptLineProps) {
  const theme = useTheme();
  // The ref is the source of truth: keys arriving before the next render still edit the latest value.
  const ref = useRef(initial);
  const [value, setValue] = useState(initial);
  useKeySink(({ input, key, paste }) => {
    const b = paste ? undefined : matchBinding('prompt', input, key);
    if (b?.action === 'submit') return onSubmit(ref.current);
    if (b?.action === 'cancel') return onCancel();
    const next = editText(ref.current, input, key);
    if (next === null || next === ref.current) return;
    ref.current = next;
    setValue(next);
    onChange?.(next);
  });
  const room = Math.max(4, width - textWidth(label) - 3);
  return (
    <Text wrap="truncate-end">
      <Text {...theme.titleFocused}>{label}</Text>
      <Text> {tailFit(value, room)}</Text>
      <Text {...theme.selected}>{theme.color ? ' ' : '_'}</Text>
    </Text>
  );
}
