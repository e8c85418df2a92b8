/**
 * The result of a coder's checks (`.aicoder.json` `check`): each command's verdict, exit code,
 * duration and the tail of its output. Plain data on the coder record (`checks`).
 */
import type { CoderState } from './coder.js';

/**
 * passed: exit code 0; failed: another exit code; timed_out: ended at its timeout; error: could not
 * start (not found, not executable); skipped: not run because the checks were cancelled (stop, rm);
 * pending / running: not finished yet.
 */
export type CheckStatus = 'pending' | 'running' | 'passed' | 'failed' | 'timed_out' | 'error' | 'skipped';

/** One command's result. */
export interface CheckResult {
  /** The command as configured (argv; never run through a shell). */
  argv: string[];
  status: CheckStatus;
  /**
   * null until it ends and when it could not start; a command ended by a signal (at its timeout)
   * reports 128 + the signal's number, as a shell does (143 for SIGTERM).
   */
  exit_code: number | null;
  /** Wall time in milliseconds; null until it ends. */
  duration_ms: number | null;
  /** The last lines of its output (stdout and stderr, as they came; at most 40 lines / 4 KiB). */
  tail: string;
}

/**
 * running while a command runs; passed when all passed; cancelled when they were stopped before the
 * end (stop, rm --force) and none had failed; failed otherwise.
 */
export type CheckVerdict = 'running' | 'passed' | 'failed' | 'cancelled';

/** The checks of one coder, last run. */
export interface CheckReport {
  verdict: CheckVerdict;
  /** What started them: the agent's run completed ("completion") or someone asked ("demand"). */
  trigger: 'completion' | 'demand';
  started_at: string;
  ended_at: string | null;
  /** The state the coder returns to when the checks end (it is `checking` meanwhile). */
  after: CoderState;
  results: CheckResult[];
}

/**
 * One line about a check report, for lists and compact records: "passed (2/2)", "running (1 of 2
 * done)", "failed: `npm test` exited 1 (1 of 2 passed)", "cancelled (0 of 2 passed)".
 */
export function checkSummary(r: CheckReport): string {
  const n = r.results.length;
  const passed = r.results.filter((x) => x.status === 'passed').length;
  switch (r.verdict) {
    case 'running': {
      const done = r.results.filter((x) => x.status !== 'pending' && x.status !== 'running').length;
      return `running (${done} of ${n} done)`;
    }
    case 'passed':
      return `passed (${passed}/${n})`;
    case 'cancelled':
      return `cancelled (${passed} of ${n} passed)`;
    case 'failed': {
      const bad = r.results.find((x) => x.status !== 'passed' && x.status !== 'skipped');
      if (!bad) return `failed (${passed} of ${n} passed)`;
      let cmd = bad.argv.join(' ');
      if (cmd.length > 60) cmd = cmd.slice(0, 59) + '…';
      const how =
        bad.status === 'timed_out'
          ? 'timed out'
          : bad.status === 'error'
            ? 'could not start'
            : `exited ${bad.exit_code ?? '?'}`;
      return `failed: \`${cmd}\` ${how} (${passed} of ${n} passed)`;
    }
  }
}
