/**
 * One palette for a coder's state, shared by the CLI's tables (cli/format.ts, SGR codes through
 * cli/output.ts) and the TUI (tui/theme.ts, Ink's `color` prop), so a state looks the same on both
 * surfaces. The names are the eight basic ANSI colours that chalk/Ink and `node:util` styleText both
 * know; NO_COLOR and TERM=dumb are honoured by each surface, not here.
 */
import type { CoderState } from '../core/coder.js';

/** A basic ANSI foreground colour name, as chalk, Ink and `node:util` styleText spell it. */
export type StateColour = 'blue' | 'green' | 'yellow' | 'magenta' | 'cyan' | 'red' | 'gray';

/**
 * The colour of each state: blue before the agent runs, green while it runs, yellow while it waits
 * or checks, magenta when it needs a person (or was interrupted), cyan when completed, red when
 * failed, gray when stopped.
 */
export const STATE_COLOUR: Readonly<Record<CoderState, StateColour>> = {
  created: 'blue',
  queued: 'blue',
  starting: 'green',
  running: 'green',
  paused: 'yellow',
  waiting: 'yellow',
  checking: 'yellow',
  needs_input: 'magenta',
  attached: 'magenta',
  interrupted: 'magenta',
  completed: 'cyan',
  failed: 'red',
  stopped: 'gray',
};
