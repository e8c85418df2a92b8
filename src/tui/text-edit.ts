/** Line editing for the TUI's text fields: typing, Backspace/Delete, Ctrl-U (clear), Ctrl-W (word). */
import type { Key } from 'ink';
import { printable } from './format.js';
import { truncateStart } from '../term/width.js';

/** The edited value, or null when this keypress is not an edit. */
export function editText(value: string, input: string, key: Key, max = 20_000): string | null {
  if (key.backspace || key.delete) return [...value].slice(0, -1).join('');
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl && input === 'w') return value.replace(/\S*\s*$/, '');
  if (key.ctrl || key.escape || key.return || key.tab) return null;
  if (key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return null;
  if (key.pageUp || key.pageDown || key.home || key.end) return null;
  const text = printable(input);
  if (text === '') return null;
  return (value + text).slice(0, max);
}

/** The end of a value that fits in `width - 1` terminal cells (the cursor is at the end, in the last cell). */
export function tailFit(value: string, width: number): string {
  return truncateStart(value, width - 1);
}
