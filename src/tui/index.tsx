/**
 * `aicoder tui`: a live client of the daemon. It talks only through an AicoderClient; quitting stops
 * nothing (coders keep running in the daemon).
 */
import { render } from 'ink';
import type { AicoderClient } from '../client/types.js';
import { AicoderError } from '../core/errors.js';
import { App } from './app.js';
import { colorEnabled } from './theme.js';

export { App } from './app.js';
export type { AppProps } from './app.js';

export interface RunTuiOptions {
  client: AicoderClient;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** The repository of the current directory (the new-coder form's default), if any. */
  cwdRepo?: string | null;
  /** Environment for NO_COLOR (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Ink's options for the real terminal (the keypress bench renders with the same ones). */
export const INK_OPTIONS = {
  exitOnCtrlC: false,
  patchConsole: false,
  // Ink's incremental mode mis-places the first frames in a real terminal (seen in tmux: the frame
  // drifts down a line); whole-frame rewrites are correct, and event batching keeps them rare.
  incrementalRendering: false,
  maxFps: 60,
} as const;

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
// xterm bracketed paste (mode 2004): pasted text arrives marked, so it is never run as keys (keys.ts).
const PASTE_ON = '\x1b[?2004h';
const PASTE_OFF = '\x1b[?2004l';

/** Renders the TUI until the user quits (q or Ctrl-C). */
export async function runTui(opts: RunTuiOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  if (!stdin.isTTY) {
    throw new AicoderError('invalid_input', 'aicoder tui needs an interactive terminal: stdin is not a TTY', {
      field: 'stdin',
    });
  }
  const color = colorEnabled(opts.env ?? process.env);
  // The alternate screen (like less or htop): the shell's scrollback is back as it was after quitting.
  const alt = stdout.isTTY === true;
  if (alt) stdout.write(ALT_SCREEN_ON + PASTE_ON);
  try {
    const app = render(<App client={opts.client} cwdRepo={opts.cwdRepo ?? null} color={color} />, {
      ...INK_OPTIONS,
      stdout,
      stdin,
    });
    await app.waitUntilExit();
  } finally {
    if (alt) stdout.write(PASTE_OFF + ALT_SCREEN_OFF);
  }
}
