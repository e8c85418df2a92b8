/**
 * The process port: spawning, signalling and observing agent runs (src/process/).
 * Part of the core's ports (../ports.ts re-exports them all).
 */
import type { RunRecord } from './store.js';

/** `terminate` also continues a paused group, so a paused run can end. */
export type RunSignal = 'pause' | 'resume' | 'terminate' | 'kill';

export interface RunSpec {
  coder_id: string;
  run_no: number;
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Directory for this run's output and exit-status files (created by the runner). */
  run_dir: string;
}

export interface OutputLines {
  stream: 'stdout' | 'stderr';
  /** The lines as text (without `\n`, one trailing `\r` removed); may be computed on first use. */
  readonly lines: string[];
  /**
   * The same lines as the bytes read: each line followed by `\n`, except a last line that has none
   * (a piece of an over-long line, or the unterminated end of the stream).
   */
  bytes?: Buffer;
  /** Number of lines in `bytes` (when the reader counted them already). */
  count?: number;
  /** Byte offset in the stream's file just after these lines. */
  offset: number;
}

export interface ExitResult {
  exit_code: number | null;
  signal: string | null;
}

export interface RunObserver {
  /**
   * Called with complete lines in order; must persist them (and the offset) before returning.
   * `out.bytes` (and `out.lines`, if not read during the call) are valid only during the call: an
   * observer that keeps them for later copies them.
   */
  onLines(out: OutputLines): void;
  /** Called once, after every line of the run has been delivered. */
  onExit(result: ExitResult): void;
}

export type AdoptOutcome = 'running' | 'exited' | 'gone';

/** A live process found on the system (Linux /proc), e.g. one an agent left running. */
export interface ProcessInfo {
  pid: number;
  /** /proc/<pid>/stat field 22: with the pid, identifies the process across pid reuse. */
  start_time: string;
  /** Its process group id. */
  pgid: number;
  /** Its command line, arguments joined by spaces (at most 200 characters). */
  command: string;
}

/** Spawning, signalling, exit observation and output streaming. Nothing above calls process APIs. */
export interface Runner {
  spawn(spec: RunSpec, obs: RunObserver): Promise<RunRecord>;
  /**
   * Re-attaches to a run recorded before a daemon restart. 'running': same process (pid and start
   * time), tailing resumes from run.offsets. 'exited': it ended meanwhile; remaining output and the
   * exit status are delivered through obs. 'gone': it vanished without a status; remaining output
   * is delivered, onExit is not called.
   */
  adopt(run: RunRecord, obs: RunObserver): Promise<AdoptOutcome>;
  /**
   * Signals the run's whole process group, also after the wrapper has exited (members it left stay
   * reachable); skipped only when the group id now belongs to another process (pid reuse).
   */
  signal(run: RunRecord, sig: RunSignal): void;
  /** Live members of the run's process group (none when its id was reused by another group). */
  groupMembers(run: RunRecord): ProcessInfo[];
  /** Live processes whose working directory is `dir` or below (setsid escapes included); never the daemon. */
  processesUnder(dir: string): ProcessInfo[];
  /**
   * Live processes marked as coder `coderId`'s: AICODER_CODER_ID=<coderId> in the environment they
   * started with (every process aicoder starts for a coder carries it, and their children inherit it,
   * also across `setsid` and `cd /`); never the daemon nor its process group.
   */
  processesMarked(coderId: string): ProcessInfo[];
  /**
   * Sends SIGTERM (with SIGCONT, so a stopped process can end) or SIGKILL to each of these processes
   * that is still the same process (pid and start time, checked right before the signal).
   */
  signalProcesses(procs: readonly ProcessInfo[], sig: 'terminate' | 'kill'): void;
  /** True while `p` is the same live process (pid and start time). */
  isRunning(p: Pick<ProcessInfo, 'pid' | 'start_time'>): boolean;
  /**
   * Ends these processes: SIGTERM (and SIGCONT) to each that is still the same process, SIGKILL to
   * those still running after graceMs. Resolves with the ones that could not be ended (normally none),
   * or, when detachAll() cut the wait short (daemon shutdown), with the ones still running unkilled.
   */
  endProcesses(procs: readonly ProcessInfo[], graceMs: number): Promise<ProcessInfo[]>;
  /**
   * Stops watching all runs without touching the processes (daemon shutdown); endProcesses calls
   * still waiting out their grace period return at once without sending SIGKILL.
   */
  detachAll(): Promise<void>;
}
