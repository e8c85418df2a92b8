/**
 * The tiny POSIX sh wrapper every agent runs under. It receives the status-file path and the agent argv
 * as positional parameters (never as interpolated text), runs the agent, and records the agent's exit
 * status atomically in the run directory, so the status survives a daemon that was away at the time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STDOUT_FILE = 'stdout.log';
export const STDERR_FILE = 'stderr.log';
export const EXIT_STATUS_FILE = 'exit-status';

/** The shell that runs the wrapper script (absolute: the agent's env may have no PATH). */
export const WRAPPER_SHELL = '/bin/sh';

/** $0 of the wrapper shell; it prefixes the shell's own messages ("aicoder-wrap: 3: exec: x: not found"). */
export const WRAPPER_NAME = 'aicoder-wrap';

/**
 * A constant script. Notes:
 * - `trap : HUP INT TERM` installs a handler (not an ignore): handlers reset to the default in the
 *   agent, ignores would be inherited. While the agent runs in the foreground, the shell defers the
 *   trap, so a group SIGTERM ends the agent while the wrapper lives on to record 143.
 * - `( exec "$@" )` runs the argv as an external program only: a first word such as `eval` or `cd`
 *   is looked up on PATH, never run as a shell builtin; nothing is ever re-parsed.
 * - A signalled agent gives $? = 128 + signal number.
 * - `umask 077` after the agent: the exit-status file is private even when the agent ran with the
 *   user's looser umask.
 * - `command -p mv` finds mv on the default PATH even when the agent's env has none.
 */
export const WRAPPER_SCRIPT = [
  'f=$1; shift',
  'trap : HUP INT TERM',
  '( exec "$@" )',
  'st=$?',
  'umask 077',
  'if [ "$st" -eq 127 ]; then',
  '  p=$(command -v "$1" 2>/dev/null)',
  '  case $p in */*) ;; *) printf \'aicoder-wrap: command not found: %s\\n\' "$1" >&2 ;; esac',
  'fi',
  'printf \'%s\\n\' "$st" >"$f.tmp" && command -p mv -f "$f.tmp" "$f"',
  'exit "$st"',
].join('\n');

/** argv (after the shell itself) that runs `agentArgv` under the wrapper. */
export function wrapperArgs(statusFile: string, agentArgv: readonly string[]): string[] {
  return ['-c', WRAPPER_SCRIPT, WRAPPER_NAME, statusFile, ...agentArgv];
}

export function exitStatusPath(runDir: string): string {
  return join(runDir, EXIT_STATUS_FILE);
}

/** The agent's exit code recorded by the wrapper, or null when there is none (yet) or it is unreadable. */
export function readExitStatus(runDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(exitStatusPath(runDir), 'utf8');
  } catch {
    return null;
  }
  const t = text.trim();
  if (!/^\d{1,3}$/.test(t)) return null;
  return Number(t);
}
