/**
 * Nothing a coder started outlives it unless the user asked for it: what a run leaves in its process
 * group when the agent ends, and what runs inside a worktree when the coder is stopped or removed.
 * The process mechanics are the Runner's (process/); the rules and the notes in the logs are here.
 */
import type { Coder, CoderProcess } from './coder.js';
import type { ManagerDeps } from './manager-deps.js';
import type { PendingKills } from './pending-kills.js';
import type { ProcessInfo, RunRecord } from './ports.js';
import type { Records } from './records.js';

/** At most this many processes are named in a log note (the rest are counted). */
const NAMED = 5;
/** endCoderProcesses looks again this many times at most for what forked while it ended the rest. */
const ROUNDS = 3;

/** "pid 123 (sleep 303), pid 124 (python3 -m http.server 0)" */
export function describeProcesses(procs: readonly Pick<ProcessInfo, 'pid' | 'command'>[]): string {
  const named = procs.slice(0, NAMED).map((p) => `pid ${p.pid} (${p.command})`);
  if (procs.length > NAMED) named.push(`${procs.length - NAMED} more`);
  return named.join(', ');
}

export function toCoderProcess(p: ProcessInfo): CoderProcess {
  return { pid: p.pid, start_time: p.start_time, command: p.command };
}

function plural(n: number): string {
  return n === 1 ? '1 background process' : `${n} background processes`;
}

/** Appends a system note to the coder's logs (kind `processes`). */
export function noteProcesses(deps: ManagerDeps, records: Records, id: string, text: string): void {
  records.announceLogs(
    deps.store.appendLogs(id, [{ ts: records.now(), stream: 'system', kind: 'processes', text }]),
  );
}

/**
 * The agent of `run` has ended: the rest of its process group, and every other process marked with
 * the coder's id (AICODER_CODER_ID: setsid escapes that also left the worktree), are ended too
 * (SIGTERM now, SIGKILL after the grace period), unless the coder keeps its processes
 * (keep_processes) and the run was not stopped. Returns the coder's `processes` from now on (the kept
 * ones), for the caller to record with the run's end.
 *
 * A member may call setsid() between the listing and the group signal, and so leave the group that
 * the signal reaches: every listed process is therefore also signalled by pid (and start time, so a
 * reused pid is never hit), and the group and marks are listed a second time after the SIGTERM to
 * catch what forked meanwhile. `scheduleKill(procs)` records the run's group SIGKILL with those
 * processes (false when the run's kill was already scheduled, by a stop).
 */
export function reapRunGroup(
  deps: ManagerDeps,
  records: Records,
  o: {
    coder: Coder;
    run: RunRecord;
    stopped: boolean;
    kills: PendingKills;
    scheduleKill: (procs: readonly ProcessInfo[]) => boolean;
  },
): CoderProcess[] {
  const id = o.coder.id;
  const listed = new Map<number, ProcessInfo>();
  // The processes not listed before (a group member is usually marked too: listed once).
  const list = (): ProcessInfo[] => {
    const found: ProcessInfo[] = [];
    for (const p of [...deps.runner.groupMembers(o.run), ...deps.runner.processesMarked(id)]) {
      if (listed.has(p.pid)) continue;
      listed.set(p.pid, p);
      found.push(p);
    }
    return found;
  };
  const left = list();
  if (left.length === 0) return [];
  if (o.coder.keep_processes && !o.stopped) {
    noteProcesses(
      deps,
      records,
      id,
      `${plural(left.length)} keep running (keep_processes): ${describeProcesses(left)}; \`rm\` ends them`,
    );
    return left.map(toCoderProcess);
  }
  noteProcesses(
    deps,
    records,
    id,
    `ending ${plural(left.length)} the agent left running: ${describeProcesses(left)}`,
  );
  deps.runner.signal(o.run, 'terminate');
  deps.runner.signalProcesses(left, 'terminate');
  const late = list();
  if (late.length > 0) deps.runner.signalProcesses(late, 'terminate');
  const all = [...listed.values()];
  if (!o.scheduleKill(all)) o.kills.terminate(id, { procs: all }, deps.config.stop_grace_ms);
  return [];
}

/**
 * Ends every process of a coder that is not its agent: those whose working directory is inside its
 * worktree, those marked with its id (AICODER_CODER_ID, which setsid and `cd /` keep), its kept
 * `processes`, and what is left of its last run's group. Waits until they are gone (SIGKILL after
 * the grace period, recorded in `kills` so a daemon restart meanwhile does not lose it), then looks
 * again for what they forked meanwhile (up to ROUNDS times). Writes a note for each round that found
 * any. Callers hold no live run of the coder: every process marked with its id is a leftover.
 */
export async function endCoderProcesses(
  deps: ManagerDeps,
  records: Records,
  kills: PendingKills,
  coder: Coder,
): Promise<void> {
  const { runner } = deps;
  const run = deps.store.getRun(coder.id);
  const handled = new Set<number>();
  // What is found, less what an earlier round already ended: a process may fork just before its
  // SIGTERM (or SIGKILL) arrives, and the child (marked, or in the worktree) needs a round of its own.
  const find = (withKept: boolean): ProcessInfo[] => {
    const found = new Map<number, ProcessInfo>();
    for (const p of run ? runner.groupMembers(run) : []) found.set(p.pid, p);
    for (const p of runner.processesUnder(coder.workspace)) found.set(p.pid, p);
    for (const p of runner.processesMarked(coder.id)) found.set(p.pid, p);
    if (withKept) {
      for (const p of coder.processes) {
        if (!found.has(p.pid) && runner.isRunning(p)) found.set(p.pid, { ...p, pgid: 0 });
      }
    }
    return [...found.values()].filter((p) => !handled.has(p.pid));
  };
  for (let round = 0; round < ROUNDS; round++) {
    const procs = find(round === 0);
    if (procs.length === 0) break;
    for (const p of procs) handled.add(p.pid);
    const what = round === 0 ? plural(procs.length) : `${plural(procs.length)} started meanwhile`;
    noteProcesses(deps, records, coder.id, `ending ${what}: ${describeProcesses(procs)}`);
    const stuck = await kills.end(coder.id, procs, deps.config.stop_grace_ms);
    if (stuck.length > 0) {
      deps.log('warn', 'processes still running after SIGKILL or a shutdown', {
        id: coder.id,
        pids: stuck.map((p) => p.pid),
      });
      break; // a shutdown cut the wait short: the recorded kill is sent at the next start
    }
  }
  if (coder.processes.length > 0 && records.get(coder.id) !== undefined) {
    records.patch(coder.id, { processes: [] });
  }
}

/** The coder's kept processes that still run; patches the record when some have ended. */
export function refreshProcesses(deps: ManagerDeps, records: Records, coder: Coder): Coder {
  if (coder.processes.length === 0) return coder;
  const still = coder.processes.filter((p) => deps.runner.isRunning(p));
  if (still.length === coder.processes.length) return coder;
  return records.patch(coder.id, { processes: still }) ?? coder;
}
