/**
 * The result of a coder's checks (`.aicoder.json` `check`): each command's verdict, exit code,
 * duration and the tail of its output. Plain data on the coder record (`checks`); the shapes are
 * protocol/records.ts `checkReport` and `checkResult`.
 */
export type { CheckStatus, CheckResult, CheckVerdict, CheckReport } from '../protocol/records.js';
import type { CheckReport } from '../protocol/records.js';

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
