/**
 * A fake of the Runner port (src/core/ports/process.ts) whose processes are scripted objects: a test
 * (or a program picked by argv[0]) writes output lines and ends the run with an exit code, and the
 * process answers the port's signals the way an agent under the real wrapper (src/process/wrapper.ts)
 * does. No OS process is started; pids are numbers above Linux's pid_max, so no real process can
 * ever be signalled by mistake.
 *
 * Behaviour kept from the real runner (test/fakes/runner.test.ts checks both on these points):
 * - spawn resolves with a RunRecord (pgid = pid, offsets 0/0) and creates run_dir; output reaches the
 *   observer as complete lines, in order, with byte offsets after them; an unterminated last line is
 *   delivered at exit; onExit comes once, after every line.
 * - `terminate` ends a process with exit code 143 (128 + SIGTERM, recorded by the wrapper), also a
 *   paused one (SIGCONT goes with it); `kill` ends it with signal SIGKILL and no exit code; `pause`
 *   holds its output until `resume`.
 * - A spawn of a run already watched throws `conflict`; an unknown program ends with 127 and the
 *   wrapper's "command not found" line on stderr.
 * - detachAll stops delivering (the processes go on); adopt re-attaches from the recorded offsets:
 *   'running', 'exited' (rest of the output, then onExit), or 'gone' (no exit status: unknown or
 *   killed).
 * - groupMembers / processesUnder / processesMarked / isRunning / signalProcesses / endProcesses see
 *   the fake processes, including those a program leaves behind (leave()).
 */
import { mkdirSync } from 'node:fs';
import { AicoderError } from '../../src/core/errors.js';
import {
  systemClock,
  type AdoptOutcome,
  type Clock,
  type ExitResult,
  type ProcessInfo,
  type RunObserver,
  type RunRecord,
  type RunSignal,
  type RunSpec,
  type Runner,
} from '../../src/core/ports.js';

/** What a fake process does when it starts; it runs until exit() or a signal ends it (returning is not an exit). */
export type FakeProgram = (p: FakeProcess) => void | Promise<void>;

type Stream = 'stdout' | 'stderr';

/** Above /proc/sys/kernel/pid_max (at most 2^22 on Linux): never a real process. */
const FIRST_PID = 5_000_000;

/** One fake OS process: an agent's wrapper (the group leader) or one it left behind. */
interface FakeOsProcess {
  info: ProcessInfo;
  cwd: string;
  /** AICODER_CODER_ID of its environment, or null. */
  coder: string | null;
  alive: boolean;
  /** Ignores SIGTERM (only SIGKILL ends it). */
  ignoresTerm: boolean;
}

export class FakeProcess {
  readonly record: RunRecord;
  /** Signals the runner was asked to send to its group, in order. */
  readonly signals: RunSignal[] = [];
  /** What `terminate` does: 'exit' ends it with 143 (default); 'ignore' keeps it running until `kill`. */
  onTerminate: 'exit' | 'ignore' = 'exit';
  private state: 'running' | 'paused' | 'exited' = 'running';
  private outcome: ExitResult | null = null;
  private readonly bytes: Record<Stream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly size: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private readonly delivered: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private obs: RunObserver | null;
  private resumed: (() => void)[] = [];
  private exitWaiters: ((r: ExitResult) => void)[] = [];

  constructor(
    readonly spec: RunSpec,
    obs: RunObserver,
    private readonly runner: FakeRunner,
    private readonly os: FakeOsProcess,
  ) {
    this.obs = obs;
    this.record = {
      coder_id: spec.coder_id,
      run_no: spec.run_no,
      pid: os.info.pid,
      pgid: os.info.pgid,
      start_time: os.info.start_time,
      run_dir: spec.run_dir,
      offsets: { stdout: 0, stderr: 0 },
    };
  }

  get argv(): readonly string[] {
    return this.spec.argv;
  }

  get status(): 'running' | 'paused' | 'exited' {
    return this.state;
  }

  /** How it ended; null while it runs. */
  get result(): ExitResult | null {
    return this.outcome;
  }

  /** Writes lines to stdout (each followed by `\n`). */
  out(...lines: string[]): this {
    return this.write('stdout', lines.map((l) => `${l}\n`).join(''));
  }

  /** Writes lines to stderr (each followed by `\n`). */
  err(...lines: string[]): this {
    return this.write('stderr', lines.map((l) => `${l}\n`).join(''));
  }

  /** Writes raw text (a line without `\n` stays pending until more text or the exit). */
  write(stream: Stream, text: string): this {
    if (this.state === 'exited') throw new Error(`fake process ${this.record.pid} has exited`);
    if (this.state === 'paused') throw new Error(`fake process ${this.record.pid} is stopped (paused)`);
    const b = Buffer.from(text);
    this.bytes[stream].push(b);
    this.size[stream] += b.length;
    this.deliver(false);
    return this;
  }

  /** Ends the run with an exit code (the agent's status, as the wrapper records it). */
  exit(code: number): void {
    this.end({ exit_code: code, signal: null });
  }

  /** Resolves once it runs (at once unless paused): a program awaits this between steps. */
  running(): Promise<void> {
    if (this.state !== 'paused') return Promise.resolve();
    return new Promise((r) => this.resumed.push(r));
  }

  /** Resolves with how it ended. */
  exited(): Promise<ExitResult> {
    if (this.outcome) return Promise.resolve(this.outcome);
    return new Promise((r) => this.exitWaiters.push(r));
  }

  /**
   * Leaves a process behind, as an agent's background job would: in the run's group (default) or in
   * its own session (`setsid`), in cwd (default the run's) and marked with the coder's id.
   */
  leave(command: string, opts: { setsid?: boolean; cwd?: string; ignoresTerm?: boolean } = {}): ProcessInfo {
    return this.runner.addProcess({
      command,
      pgid: opts.setsid ? undefined : this.record.pgid,
      cwd: opts.cwd ?? this.spec.cwd,
      coder: this.spec.env.AICODER_CODER_ID ?? this.spec.coder_id,
      ignoresTerm: opts.ignoresTerm ?? false,
    });
  }

  /** @internal the runner's signal to the group leader. */
  signal(sig: RunSignal): void {
    this.signals.push(sig);
    if (this.state === 'exited') return;
    if (sig === 'pause') this.state = 'paused';
    else if (sig === 'resume') this.continue();
    else if (sig === 'kill') this.end({ exit_code: null, signal: 'SIGKILL' });
    else {
      this.continue();
      if (this.onTerminate === 'exit') this.end({ exit_code: 143, signal: null });
    }
  }

  /** @internal stops delivering (daemon shutdown); the process goes on. */
  detach(): void {
    this.obs = null;
  }

  /** @internal re-attaches from `offsets` (adopt); delivers what was written meanwhile. */
  attach(obs: RunObserver, offsets: { stdout: number; stderr: number }): void {
    this.obs = obs;
    this.delivered.stdout = offsets.stdout;
    this.delivered.stderr = offsets.stderr;
    this.deliver(this.state === 'exited');
  }

  private continue(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    for (const r of this.resumed.splice(0)) r();
  }

  private end(r: ExitResult): void {
    if (this.state === 'exited') return;
    this.continue();
    this.state = 'exited';
    this.outcome = r;
    this.os.alive = false;
    this.deliver(true);
    // An attached runner sees the wrapper's exit now; a detached one learns it at adopt.
    const obs = this.obs;
    this.obs = null;
    obs?.onExit(r);
    this.runner.ended(this);
    for (const w of this.exitWaiters.splice(0)) w(r);
  }

  /** Delivers complete lines past what was delivered, per stream; at the end also a last partial line. */
  private deliver(final: boolean): void {
    if (!this.obs || this.state === 'paused') return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const all = Buffer.concat(this.bytes[stream]);
      const from = this.delivered[stream];
      if (from >= all.length) continue;
      const rest = all.subarray(from);
      const lastNl = rest.lastIndexOf(0x0a);
      const upto = final ? rest.length : lastNl + 1;
      if (upto <= 0) continue;
      const chunk = rest.subarray(0, upto);
      const text = chunk.toString('utf8');
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      this.delivered[stream] = from + upto;
      this.obs.onLines({
        stream,
        lines: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)),
        bytes: Buffer.from(chunk),
        count: lines.length,
        offset: this.delivered[stream],
      });
    }
  }
}

export interface FakeRunnerOptions {
  /** Programs by argv[0] (e.g. the provider's command[0]); others end with 127 like a missing command. */
  programs?: Record<string, FakeProgram>;
  /** The clock endProcesses waits its grace period on (default the system clock). */
  clock?: Clock;
}

/** A Runner whose processes are FakeProcess objects (see the file comment for what it keeps). */
export class FakeRunner implements Runner {
  /** Every process spawned, in order. */
  readonly spawned: FakeProcess[] = [];
  readonly programs: Record<string, FakeProgram>;
  private readonly clock: Clock;
  private readonly os = new Map<number, FakeOsProcess>();
  private readonly watched = new Map<string, FakeProcess>();
  private nextPid = FIRST_PID;
  private generation = 0;
  private spawnWaiters: ((p: FakeProcess) => void)[] = [];
  /** endProcesses calls waiting out their grace period (detachAll ends the wait). */
  private detachWaiters: (() => void)[] = [];

  constructor(opts: FakeRunnerOptions = {}) {
    this.programs = { ...opts.programs };
    this.clock = opts.clock ?? systemClock;
  }

  /** The last process spawned for a coder (run number `runNo` when given). */
  of(coderId: string, runNo?: number): FakeProcess | undefined {
    return this.spawned
      .filter((p) => p.spec.coder_id === coderId && (runNo === undefined || p.spec.run_no === runNo))
      .at(-1);
  }

  /** Resolves with the next process spawned from now on. */
  nextSpawn(): Promise<FakeProcess> {
    return new Promise((r) => this.spawnWaiters.push(r));
  }

  /** Live fake processes (leaders and those left behind). */
  live(): ProcessInfo[] {
    return [...this.os.values()].filter((p) => p.alive).map((p) => p.info);
  }

  spawn(spec: RunSpec, obs: RunObserver): Promise<RunRecord> {
    const key = runKey(spec);
    if (this.watched.has(key)) {
      return Promise.reject(
        new AicoderError('conflict', `run ${spec.run_no} of coder ${spec.coder_id} is already watched`, {
          field: 'run_no',
        }),
      );
    }
    mkdirSync(spec.run_dir, { recursive: true, mode: 0o700 });
    const os = this.newProcess(
      spec.argv.join(' ').slice(0, 200),
      undefined,
      spec.cwd,
      spec.env.AICODER_CODER_ID ?? null,
      false,
    );
    const p = new FakeProcess(spec, obs, this, os);
    this.watched.set(key, p);
    this.spawned.push(p);
    const program = this.programs[spec.argv[0] ?? ''];
    // The program starts once spawn's caller has its record, as a real process's output arrives later.
    setImmediate(() => {
      for (const w of this.spawnWaiters.splice(0)) w(p);
      if (p.status === 'exited') return;
      if (!program) {
        p.err(`aicoder-wrap: command not found: ${spec.argv[0] ?? ''}`);
        p.exit(127);
        return;
      }
      Promise.resolve()
        .then(() => program(p))
        .catch((e: unknown) => {
          if (p.status !== 'exited') {
            p.err(`fake program failed: ${String(e)}`);
            p.exit(1);
          }
        });
    });
    return Promise.resolve({ ...p.record, offsets: { ...p.record.offsets } });
  }

  adopt(run: RunRecord, obs: RunObserver): Promise<AdoptOutcome> {
    if (this.watched.has(runKey(run))) {
      return Promise.reject(
        new AicoderError('conflict', `run ${run.run_no} of coder ${run.coder_id} is already watched`, {
          field: 'run_no',
        }),
      );
    }
    const p = this.spawned.find((x) => x.record.pid === run.pid && x.record.start_time === run.start_time);
    if (!p) return Promise.resolve('gone');
    if (p.status === 'exited') {
      const r = p.result!;
      p.attach({ onLines: (o) => obs.onLines(o), onExit: () => undefined }, run.offsets);
      p.detach();
      if (r.exit_code === null) return Promise.resolve('gone');
      obs.onExit(r);
      return Promise.resolve('exited');
    }
    this.watched.set(runKey(run), p);
    p.attach(obs, run.offsets);
    return Promise.resolve('running');
  }

  signal(run: RunRecord, sig: RunSignal): void {
    const leader = this.spawned.find(
      (x) => x.record.pgid === run.pgid && x.record.start_time === run.start_time,
    );
    leader?.signal(sig);
    // The group's other members, also after the leader has exited.
    if (sig === 'pause' || sig === 'resume') return;
    for (const o of this.os.values()) {
      if (!o.alive || o.info.pgid !== run.pgid || o.info.pid === run.pid) continue;
      if (sig === 'kill' || !o.ignoresTerm) o.alive = false;
    }
  }

  groupMembers(run: RunRecord): ProcessInfo[] {
    return [...this.os.values()].filter((o) => o.alive && o.info.pgid === run.pgid).map((o) => o.info);
  }

  processesUnder(dir: string): ProcessInfo[] {
    const d = dir.replace(/\/+$/, '');
    return [...this.os.values()]
      .filter((o) => o.alive && (o.cwd === d || o.cwd.startsWith(`${d}/`)))
      .map((o) => o.info);
  }

  processesMarked(coderId: string): ProcessInfo[] {
    return [...this.os.values()].filter((o) => o.alive && o.coder === coderId).map((o) => o.info);
  }

  signalProcesses(procs: readonly ProcessInfo[], sig: 'terminate' | 'kill'): void {
    for (const p of procs) this.signalOne(p, sig);
  }

  isRunning(p: Pick<ProcessInfo, 'pid' | 'start_time'>): boolean {
    const o = this.os.get(p.pid);
    return o !== undefined && o.alive && o.info.start_time === p.start_time;
  }

  async endProcesses(procs: readonly ProcessInfo[], graceMs: number): Promise<ProcessInfo[]> {
    const left = (): ProcessInfo[] => procs.filter((p) => this.isRunning(p));
    if (left().length === 0) return [];
    const gen = this.generation;
    for (const p of left()) this.signalOne(p, 'terminate');
    if (left().length > 0 && graceMs > 0) {
      await new Promise<void>((r) => {
        const t = this.clock.setTimeout(r, graceMs);
        this.detachWaiters.push(() => {
          t.clear();
          r();
        });
      });
    }
    if (gen !== this.generation) return left();
    for (const p of left()) this.signalOne(p, 'kill');
    return left();
  }

  async detachAll(): Promise<void> {
    this.generation++;
    for (const w of this.detachWaiters.splice(0)) w();
    for (const p of this.watched.values()) p.detach();
    this.watched.clear();
    await Promise.resolve();
  }

  /** @internal a FakeProcess has ended: the run is no longer watched. */
  ended(p: FakeProcess): void {
    const key = runKey(p.record);
    if (this.watched.get(key) === p) this.watched.delete(key);
  }

  /** @internal a process left behind by a program (FakeProcess.leave). */
  addProcess(o: {
    command: string;
    pgid?: number;
    cwd: string;
    coder: string | null;
    ignoresTerm: boolean;
  }): ProcessInfo {
    return this.newProcess(o.command, o.pgid, o.cwd, o.coder, o.ignoresTerm).info;
  }

  private newProcess(
    command: string,
    pgid: number | undefined,
    cwd: string,
    coder: string | null,
    ignoresTerm: boolean,
  ): FakeOsProcess {
    const pid = this.nextPid++;
    const o: FakeOsProcess = {
      info: {
        pid,
        pgid: pgid ?? pid,
        start_time: String(pid - FIRST_PID + 1),
        command: command.slice(0, 200),
      },
      cwd,
      coder,
      alive: true,
      ignoresTerm,
    };
    this.os.set(pid, o);
    return o;
  }

  private signalOne(p: ProcessInfo, sig: 'terminate' | 'kill'): void {
    if (!this.isRunning(p)) return;
    const leader = this.spawned.find((x) => x.record.pid === p.pid);
    if (leader) {
      leader.signal(sig);
      return;
    }
    const o = this.os.get(p.pid)!;
    if (sig === 'kill' || !o.ignoresTerm) o.alive = false;
  }
}

function runKey(r: Pick<RunRecord, 'coder_id' | 'run_no'>): string {
  return `${r.coder_id}#${r.run_no}`;
}

/**
 * The program of a provider like test/helpers/manager.ts linesProvider: prints `line 1` … `line N`
 * (N = the argv element after the program name), then exits with `exitCode`. With `hold`, it prints
 * the lines and waits until signalled.
 */
export function linesProgram(opts: { exitCode?: number; hold?: boolean } = {}): FakeProgram {
  return async (p) => {
    const n = Number(p.argv[1] ?? '0');
    for (let i = 1; i <= n; i++) {
      await p.running();
      if (p.status === 'exited') return;
      p.out(`line ${i}`);
    }
    if (!opts.hold) p.exit(opts.exitCode ?? 0);
  };
}

/** A provider definition (as written to a home's providers folder) run by FakeRunner program `name`. */
export function fakeProvider(name: string, parser = 'text'): Record<string, unknown> {
  return { name, description: `fake program ${name}`, command: [name, '{task}'], env: {}, parser };
}

/**
 * A tiny stand-in for `bash -c TASK` (the tests' `sh` provider) whose task (argv[1]) is steps joined
 * by `;`: `echo TEXT` prints TEXT, `exit N` ends with N, `sleep N` waits until signalled (the tests'
 * sleeps outlast them). Ends with 0 after the last step, unless it slept. Other steps are refused.
 */
export const shProgram: FakeProgram = (p) => {
  for (const step of (p.argv[1] ?? '').split(';').map((x) => x.trim())) {
    if (step === '') continue;
    const [cmd, ...rest] = step.split(/\s+/);
    if (cmd === 'echo') p.out(rest.join(' '));
    else if (cmd === 'exit') return p.exit(Number(rest[0] ?? '0'));
    else if (cmd === 'sleep') return;
    else throw new Error(`shProgram: unsupported step '${step}'`);
  }
  p.exit(0);
};
