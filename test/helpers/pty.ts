/**
 * Programs in a pseudo-terminal for end-to-end tests (node-pty, a devDependency loaded through
 * require: it is a native CommonJS addon), and the pattern of the terminal control sequences (CSI,
 * OSC, two-byte escapes) to strip from what they print.
 */
import { createRequire } from 'node:module';
import { onTestFinished } from 'vitest';

/** The part of node-pty's IPty the tests use. */
export interface Pty {
  pid: number;
  onData(fn: (d: string) => void): void;
  onExit(fn: (e: { exitCode: number }) => void): void;
  write(data: string): void;
  kill(signal?: string): void;
}

const require = createRequire(import.meta.url);
const nodePty = require('node-pty') as {
  spawn(
    file: string,
    args: string[],
    opts: { name?: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
  ): Pty;
};

/**
 * Starts `file args` in a new pseudo-terminal of `cols` × `rows` cells (argv, no shell). Started
 * inside a test, it is SIGKILLed when the test finishes (passed, failed or timed out) unless it has
 * exited by then, so a file needs no afterEach for it.
 */
export function spawnPty(
  file: string,
  args: string[],
  opts: { name?: string; cols: number; rows: number; cwd: string; env: Record<string, string> },
): Pty {
  const term = nodePty.spawn(file, args, opts);
  let exited = false;
  term.onExit(() => (exited = true));
  try {
    onTestFinished(() => {
      if (!exited) term.kill('SIGKILL');
    });
  } catch {
    /* not inside a test: the caller ends it */
  }
  return term;
}

/** CSI, OSC (BEL or ST ended) and two-byte escape sequences. */
// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
