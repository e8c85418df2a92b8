/**
 * Colours and symbols. With colour off (NO_COLOR) every style is empty, so Ink writes no escape codes
 * at all; state is still readable from its symbol and name, selection from the '>' marker.
 */
import { createContext, useContext } from 'react';
import type { TextProps } from 'ink';
import type { CoderState } from '../core/coder.js';
import { STATE_COLOUR } from '../term/state-colour.js';

export type Style = Pick<TextProps, 'color' | 'backgroundColor' | 'bold' | 'dimColor' | 'inverse'>;

export interface Theme {
  color: boolean;
  state(s: CoderState): Style;
  selected: Style;
  title: Style;
  titleFocused: Style;
  label: Style;
  dim: Style;
  error: Style;
  notice: Style;
  warn: Style;
  stderr: Style;
  system: Style;
  diffAdd: Style;
  diffDel: Style;
  diffHunk: Style;
  diffMeta: Style;
}

/** NO_COLOR (any non-empty value, see no-color.org) or TERM=dumb turns colour off. */
export function colorEnabled(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}

export const STATE_SYMBOLS: Readonly<Record<CoderState, string>> = {
  created: '○',
  queued: '◌',
  starting: '◐',
  running: '●',
  paused: '‖',
  waiting: '◔',
  attached: '⇄',
  needs_input: '?',
  completed: '✓',
  failed: '✗',
  stopped: '■',
  interrupted: '↯',
  checking: '◎',
};

/** The palette the CLI shares (term/state-colour.ts): a state looks the same on both surfaces. */
function stateColor(s: CoderState): TextProps['color'] {
  return STATE_COLOUR[s];
}

export function makeTheme(color: boolean): Theme {
  const on = (s: Style): Style => (color ? s : {});
  return {
    color,
    state: (s) => on({ color: stateColor(s) }),
    selected: on({ inverse: true }),
    title: on({ bold: true }),
    titleFocused: on({ bold: true, color: 'cyan' }),
    label: on({ dimColor: true }),
    dim: on({ dimColor: true }),
    error: on({ color: 'red', bold: true }),
    notice: on({ color: 'green' }),
    warn: on({ color: 'yellow', bold: true }),
    stderr: on({ color: 'red' }),
    system: on({ color: 'cyan' }),
    diffAdd: on({ color: 'green' }),
    diffDel: on({ color: 'red' }),
    diffHunk: on({ color: 'cyan' }),
    diffMeta: on({ bold: true, color: 'yellow' }),
  };
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
