/**
 * `aicoder tui`: a live client of the daemon. It talks only through an AicoderClient; quitting stops
 * nothing (coders keep running in the daemon).
 */
import { render, type Instance } from 'ink';
import type { DaemonClient } from '../client/types.js';
import { AicoderError } from '../core/errors.js';
import { App } from './app.js';
import { colorEnabled } from './theme.js';
import { attachedNote, attachHolder, handedBackNote, runInTerminal } from '../term/attach-run.js';

export { App } from './app.js';
export type { AppProps } from './app.js';

export interface RunTuiOptions {
  client: DaemonClient;
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

type Restore = { selected: string; status: { kind: 'notice' | 'error'; text: string } };

/**
 * Renders the TUI until the user quits (q or Ctrl-C). The attach key suspends it: the App is
 * unmounted (Ink leaves raw mode and stops reading stdin), the alternate screen is left, the agent's
 * UI runs on this terminal (term/attach-run.ts, the same flow as `aicoder attach`), the coder is
 * handed back, and a fresh App (state refetched) is rendered with the attach's outcome in its status
 * line and the coder selected.
 */
export async function runTui(opts: RunTuiOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const { client } = opts;
  if (!stdin.isTTY) {
    throw new AicoderError('invalid_input', 'aicoder tui needs an interactive terminal: stdin is not a TTY', {
      field: 'stdin',
    });
  }
  const color = colorEnabled(opts.env ?? process.env);
  // The alternate screen (like less or htop): the shell's scrollback is back as it was after quitting.
  const alt = stdout.isTTY === true;
  let screenOn = false;
  const enterScreen = (): void => {
    if (alt && !screenOn) stdout.write(ALT_SCREEN_ON + PASTE_ON);
    screenOn = true;
  };
  const leaveScreen = (): void => {
    if (alt && screenOn) stdout.write(PASTE_OFF + ALT_SCREEN_OFF);
    screenOn = false;
  };

  const groups = client;
  let instance: Instance | null = null;
  // Set by the attach key once the daemon has accepted the attach: resolves when the coder is back.
  let handover: Promise<Restore> | null = null;
  const onAttach = async (coderId: string): Promise<void> => {
    if (!client.attach || !client.detach)
      throw new AicoderError('not_supported', 'this client cannot attach');
    // Refusals (no attach_command, no session, already attached) reject here, with the TUI still up.
    const plan = await client.attach(coderId, attachHolder());
    const id = plan.coder.id;
    const detach = client.detach.bind(client);
    handover = (async (): Promise<Restore> => {
      const ink = instance;
      ink?.unmount();
      await ink?.waitUntilExit();
      // Ink left raw mode and removed its reader; pausing process.stdin also stops Node reading the
      // terminal, so every key goes to the agent's UI.
      stdin.pause();
      leaveScreen();
      stdout.write(attachedNote(plan) + '\n');
      let exitCode: number | null = null;
      let runError: string | null = null;
      try {
        exitCode = await runInTerminal(plan);
      } catch (e) {
        runError = `cannot run ${plan.argv[0] ?? '?'}: ${(e as Error).message}`;
      }
      try {
        const coder = await detach(id, { exit_code: exitCode });
        const note =
          handedBackNote(coder) + (exitCode !== null && exitCode !== 0 ? ` (agent UI exit ${exitCode})` : '');
        return {
          selected: id,
          status:
            runError === null
              ? { kind: 'notice', text: note }
              : { kind: 'error', text: `attach ${id}: ${runError}` },
        };
      } catch (e) {
        return {
          selected: id,
          status: { kind: 'error', text: `attach ${id}: hand-back failed: ${(e as Error).message}` },
        };
      }
    })();
  };

  let restore: Restore | null = null;
  try {
    for (;;) {
      enterScreen();
      handover = null;
      instance = render(
        <App
          client={client}
          cwdRepo={opts.cwdRepo ?? null}
          color={color}
          onAttach={onAttach}
          groups={groups}
          initialSelected={restore?.selected ?? null}
          initialStatus={restore?.status ?? null}
        />,
        { ...INK_OPTIONS, stdout, stdin },
      );
      await instance.waitUntilExit();
      const pending = handover as Promise<Restore> | null;
      if (pending === null) break;
      restore = await pending;
    }
  } finally {
    leaveScreen();
  }
}
