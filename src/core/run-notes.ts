/**
 * The notes aicoder writes into a coder's logs at each start and end of a run (kinds `run_start` and
 * `run_end`, stream `system`), so that runs stay apart in the logs and every end says why; and the
 * record of a running setup command, so a daemon that crashed meanwhile can end it at its next start.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Coder, CoderState } from './coder.js';
import { endCoderProcesses } from './leftovers.js';
import type { LiveRun } from './live-run.js';
import type { ManagerDeps } from './manager-deps.js';
import type { PendingKills } from './pending-kills.js';
import { coderDir } from './paths.js';
import type { ExitResult, RunRecord } from './ports.js';
import type { Records } from './records.js';

/** Appends one system note of `kind` to the coder's logs and announces it. */
export function note(deps: ManagerDeps, records: Records, id: string, kind: string, text: string): void {
  records.announceLogs(deps.store.appendLogs(id, [{ ts: records.now(), stream: 'system', kind, text }]));
}

/** "── run 2 started (restart) ──" */
export function startNote(runNo: number, followUp: boolean): string {
  const why = followUp ? ' (follow-up message)' : runNo > 1 ? ' (restart)' : '';
  return `── run ${runNo} started${why} ──`;
}

function exitText(res: ExitResult): string {
  if (res.exit_code !== null) return `exit code ${res.exit_code}`;
  return `killed by ${res.signal ?? 'a signal'}`;
}

/** "run 2 ended: stopped by the user (exit code 143)", "…: limit reached: …", "…: the agent exited (…)". */
export function endNote(
  lr: Pick<LiveRun, 'run' | 'stopReason' | 'stopRequested'>,
  res: ExitResult,
  state: CoderState,
  limit: string | null,
  error: string | null,
): string {
  const head = `run ${lr.run?.run_no ?? '?'} ended`;
  const how = exitText(res);
  if (limit) return `${head}: ${limit} (${how})`;
  if (lr.stopRequested) {
    const by =
      lr.stopReason === 'restart'
        ? 'stopped for a restart'
        : lr.stopReason === 'remove'
          ? 'stopped for removal'
          : 'stopped by the user';
    return `${head}: ${by} (${how})`;
  }
  const what = state === 'completed' ? 'the agent finished' : `the agent failed${error ? `: ${error}` : ''}`;
  return `${head}: ${what} (${how})`;
}

/** "the agent was refused 1 tool call by its permission mode: Bash curl -s …" */
export function deniedNote(denials: readonly string[]): string {
  const n = denials.length === 1 ? '1 tool call' : `${denials.length} tool calls`;
  return `the agent was refused ${n} by its permission mode (claude_permission_mode): ${denials.join(' · ')}`;
}

const SETUP_RUN_FILE = 'setup-run.json';

/** Records the running setup command's run (coders/<id>/setup-run.json). */
export function saveSetupRun(home: string, id: string, run: RunRecord): void {
  try {
    mkdirSync(coderDir(home, id), { recursive: true });
    writeFileSync(join(coderDir(home, id), SETUP_RUN_FILE), JSON.stringify(run));
  } catch {
    /* best effort: without it, a crash during setup is cleaned up by the worktree sweep alone */
  }
}

export function clearSetupRun(home: string, id: string): void {
  rmSync(join(coderDir(home, id), SETUP_RUN_FILE), { force: true });
}

function readSetupRun(home: string, id: string): RunRecord | null {
  try {
    const v = JSON.parse(readFileSync(join(coderDir(home, id), SETUP_RUN_FILE), 'utf8')) as RunRecord;
    return Number.isInteger(v.pgid) && Number.isInteger(v.pid) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Daemon start, a coder recorded as starting without an agent run: a setup command may have been
 * running when the daemon died. Its process group and every process in the worktree are ended.
 * True when a setup command was still running.
 */
export async function endSetupLeftovers(
  deps: ManagerDeps,
  records: Records,
  kills: PendingKills,
  coder: Coder,
): Promise<boolean> {
  const setup = readSetupRun(deps.home, coder.id);
  const members = setup ? deps.runner.groupMembers(setup) : [];
  if (members.length > 0) {
    note(deps, records, coder.id, 'run_end', 'the setup command was still running after a daemon restart');
    const stuck = await kills.end(coder.id, members, deps.config.stop_grace_ms);
    if (stuck.length > 0) deps.log('warn', 'setup processes survived SIGKILL', { id: coder.id });
  }
  await endCoderProcesses(deps, records, kills, coder);
  clearSetupRun(deps.home, coder.id);
  return members.length > 0;
}
