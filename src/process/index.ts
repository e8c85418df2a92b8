/**
 * The local process-group runner: the only Runner for now, and the only code that calls process APIs.
 * Agents run under a small sh wrapper (wrapper.ts) in their own process group, with output appended to
 * files that are tailed into the observer (tailer.ts), and an exit-status file that lets a restarted
 * daemon learn how a run ended while it was away (adopt).
 */
import { AicoderError } from '../core/errors.js';
import type {
  AdoptOutcome,
  ExitResult,
  Logger,
  ProcessInfo,
  RunObserver,
  RunRecord,
  RunSignal,
  RunSpec,
  Runner,
} from '../core/ports.js';
import { isSameLiveProcess, readProcStat } from './proc-stat.js';
import { groupMembers, processesMarked, processesUnder, stillRunning } from './procs.js';
import { RunWatch, runKey } from './run-watch.js';
import { spawnWrapped } from './spawn.js';
import { readExitStatus } from './wrapper.js';

export interface LocalRunnerOptions {
  /** The daemon's own log. */
  log?: Logger;
  /** Liveness check interval for adopted runs (default 1000 ms; runs only while adopted runs exist). */
  pollMs?: number;
  /** The umask agents start with (default: the daemon's own). The run files stay private anyway. */
  agentUmask?: number;
}

export function createLocalRunner(opts: LocalRunnerOptions = {}): Runner {
  return new LocalRunner(opts);
}

const noLog: Logger = () => undefined;

class LocalRunner implements Runner {
  private readonly log: Logger;
  private readonly pollMs: number;
  private readonly agentUmask: number | undefined;
  private readonly watches = new Map<string, RunWatch>();
  /** Runs we are not the parent of: their end is seen through the exit-status file or liveness checks. */
  private readonly adopted = new Set<RunWatch>();
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by detachAll: endProcesses waits begun before it stop waiting and send no SIGKILL. */
  private generation = 0;

  constructor(opts: LocalRunnerOptions) {
    this.log = opts.log ?? noLog;
    this.pollMs = opts.pollMs ?? 1000;
    this.agentUmask = opts.agentUmask;
  }

  async spawn(spec: RunSpec, obs: RunObserver): Promise<RunRecord> {
    this.assertNotWatched(spec);
    const { record, exited } = await spawnWrapped(spec, this.log, this.agentUmask);
    const w = this.track(record, obs, false);
    w.start();
    exited
      .then(({ code, signal }) => this.finish(w, exitResult(record.run_dir, code, signal)))
      .catch((e: unknown) =>
        this.log('error', 'run exit handling failed', { pid: record.pid, error: String(e) }),
      );
    this.log('info', 'run started', { coder_id: record.coder_id, run_no: record.run_no, pid: record.pid });
    return record;
  }

  async adopt(run: RunRecord, obs: RunObserver): Promise<AdoptOutcome> {
    this.assertNotWatched(run);
    const ended = (code: number | null): Promise<AdoptOutcome> => {
      const w = new RunWatch({ run, obs, log: this.log, onClosed: () => undefined });
      return w
        .finish(code === null ? null : { exit_code: code, signal: null })
        .then(() => (code === null ? 'gone' : 'exited'));
    };
    // The status is written before the wrapper exits: read it first, then look at the process.
    const code = readExitStatus(run.run_dir);
    if (code !== null) return ended(code);
    if (!isSameLiveProcess(run.pid, run.start_time)) return ended(readExitStatus(run.run_dir));

    const w = this.track(run, obs, true);
    w.start();
    this.ensureTimer();
    // It may have ended between the checks above and the directory watch.
    this.checkAdopted(w);
    this.log('info', 'run adopted', { coder_id: run.coder_id, run_no: run.run_no, pid: run.pid });
    return 'running';
  }

  signal(run: RunRecord, sig: RunSignal): void {
    if (!groupIsTheRuns(run)) {
      this.log('debug', 'signal skipped: the process group id now belongs to another process', {
        coder_id: run.coder_id,
        pgid: run.pgid,
        sig,
      });
      return;
    }
    switch (sig) {
      case 'pause':
        this.kill(run, 'SIGSTOP');
        break;
      case 'resume':
        this.kill(run, 'SIGCONT');
        break;
      case 'terminate':
        // A paused group would hold the SIGTERM until resumed: continue it so it can end.
        this.kill(run, 'SIGTERM');
        this.kill(run, 'SIGCONT');
        break;
      case 'kill':
        this.kill(run, 'SIGKILL');
        break;
      default: {
        const never: never = sig;
        throw new AicoderError('invalid_input', `unknown signal ${String(never)}`, { field: 'signal' });
      }
    }
  }

  groupMembers(run: RunRecord): ProcessInfo[] {
    return groupIsTheRuns(run) ? groupMembers(run.pgid) : [];
  }

  processesUnder(dir: string): ProcessInfo[] {
    return processesUnder(dir);
  }

  isRunning(p: Pick<ProcessInfo, 'pid' | 'start_time'>): boolean {
    return stillRunning(p);
  }

  processesMarked(coderId: string): ProcessInfo[] {
    return processesMarked(coderId);
  }

  signalProcesses(procs: readonly ProcessInfo[], sig: 'terminate' | 'kill'): void {
    sendEach(procs, sig === 'kill' ? ['SIGKILL'] : ['SIGTERM', 'SIGCONT']);
  }

  async endProcesses(procs: readonly ProcessInfo[], graceMs: number): Promise<ProcessInfo[]> {
    const left = (): ProcessInfo[] => procs.filter(stillRunning);
    if (left().length === 0) return [];
    const gen = this.generation;
    const detached = (): boolean => gen !== this.generation;
    this.log('info', 'ending processes', { pids: procs.map((p) => p.pid), grace_ms: graceMs });
    sendEach(left(), ['SIGTERM', 'SIGCONT']);
    await pollUntil(() => detached() || left().length === 0, graceMs);
    const stubborn = left();
    if (stubborn.length === 0 || detached()) return stubborn;
    this.log('info', 'killing processes that outlived the grace period', {
      pids: stubborn.map((p) => p.pid),
    });
    sendEach(stubborn, ['SIGKILL']);
    await pollUntil(() => left().length === 0, 2000);
    return left();
  }

  async detachAll(): Promise<void> {
    this.generation++;
    this.stopTimer();
    await Promise.all([...this.watches.values()].map((w) => w.detach()));
    this.watches.clear();
    this.adopted.clear();
  }

  private kill(run: RunRecord, s: NodeJS.Signals): void {
    if (!Number.isInteger(run.pgid) || run.pgid <= 1 || run.pgid === ownPgid()) {
      throw new AicoderError('invalid_input', `pgid must be the run's own process group, got ${run.pgid}`, {
        field: 'pgid',
      });
    }
    try {
      process.kill(-run.pgid, s);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return;
      throw new AicoderError('internal', `cannot send ${s} to process group ${run.pgid}: ${String(e)}`, {
        cause: e,
      });
    }
  }

  private assertNotWatched(run: Pick<RunRecord, 'coder_id' | 'run_no'>): void {
    if (this.watches.has(runKey(run))) {
      throw new AicoderError('conflict', `run ${run.run_no} of coder ${run.coder_id} is already watched`, {
        field: 'run_no',
      });
    }
  }

  private track(run: RunRecord, obs: RunObserver, adopted: boolean): RunWatch {
    const w: RunWatch = new RunWatch({
      run,
      obs,
      log: this.log,
      onExitStatusChange: adopted ? () => this.checkAdopted(w) : undefined,
      onClosed: () => this.untrack(w),
    });
    this.watches.set(w.key, w);
    if (adopted) this.adopted.add(w);
    return w;
  }

  private untrack(w: RunWatch): void {
    if (this.watches.get(w.key) === w) this.watches.delete(w.key);
    this.adopted.delete(w);
    if (this.adopted.size === 0) this.stopTimer();
  }

  /** Has an adopted run ended? Its exit-status file says how; a vanished process without one: unknown. */
  private checkAdopted(w: RunWatch): void {
    if (w.isOver) return;
    const { run } = w;
    let code = readExitStatus(run.run_dir);
    if (code === null) {
      if (isSameLiveProcess(run.pid, run.start_time)) return;
      code = readExitStatus(run.run_dir);
    }
    if (code === null) {
      this.log('warn', 'adopted run vanished without an exit status', {
        coder_id: run.coder_id,
        pid: run.pid,
      });
    }
    this.finish(w, { exit_code: code, signal: null }).catch((e: unknown) =>
      this.log('error', 'run exit handling failed', { pid: run.pid, error: String(e) }),
    );
  }

  private finish(w: RunWatch, result: ExitResult): Promise<void> {
    if (!w.isOver) {
      this.log('info', 'run ended', { coder_id: w.run.coder_id, run_no: w.run.run_no, ...result });
    }
    return w.finish(result);
  }

  private ensureTimer(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      for (const w of this.adopted) this.checkAdopted(w);
    }, this.pollMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

/** How a run we are the parent of ended: the agent's status recorded by the wrapper wins. */
function exitResult(runDir: string, code: number | null, signal: NodeJS.Signals | null): ExitResult {
  const recorded = readExitStatus(runDir);
  if (recorded !== null) return { exit_code: recorded, signal: null };
  if (signal !== null) return { exit_code: null, signal };
  return { exit_code: code, signal: null };
}

/**
 * Is process group `run.pgid` still the run's? Linux never hands out a pid that is in use as a process
 * group id, so while any member lives the group is the run's, whether or not the wrapper (its leader)
 * still runs. It belongs to someone else only once it emptied and a new process with that pid leads
 * its own group: a live leader with another start time.
 */
function groupIsTheRuns(run: RunRecord): boolean {
  const leader = readProcStat(run.pgid);
  if (leader === null) return true;
  if (leader.pgrp !== run.pgid) return true;
  if (run.pgid !== run.pid) return true;
  return run.start_time === '' || leader.start_time === run.start_time;
}

/** Sends `sigs` to each process that is still the one found (pid and start time), never to us or init. */
function sendEach(procs: readonly ProcessInfo[], sigs: NodeJS.Signals[]): void {
  for (const p of procs) {
    if (p.pid <= 1 || p.pid === process.pid || !stillRunning(p)) continue;
    for (const s of sigs) {
      try {
        process.kill(p.pid, s);
      } catch {
        /* ended meanwhile, or not ours */
      }
    }
  }
}

/** Polls `cond` every 25 ms until it holds or `ms` have passed (waiting on the OS, not a fixed sleep). */
async function pollUntil(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, deadline - Date.now()))));
  }
}

let cachedOwnPgid: number | undefined;
function ownPgid(): number {
  cachedOwnPgid ??= readProcStat(process.pid)?.pgrp ?? -1;
  return cachedOwnPgid;
}
