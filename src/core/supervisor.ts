/**
 * The one place that holds live handles: runs (through the Runner port), workspace watchers and kill
 * timers. It starts queued coders when slots free, turns process output into log entries and stats,
 * decides each run's outcome, and re-adopts runs after a daemon restart.
 */
import { isTerminal, type Coder } from './coder.js';
import { isAicoderError, AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { runDir } from './paths.js';
import type { ExitResult, ProcessInfo, RunObserver } from './ports.js';
import type { Records } from './records.js';
import type { RunHooks } from './talkback.js';
import { runArgv, runEnv, sandboxRun } from './run-spec.js';
import { decideOutcome } from './outcome.js';
import { ingest, ingestLater, type IngestContext } from './ingest.js';
import { newLiveRun, type LiveRun, type StopReason } from './live-run.js';
import { PortPool, prepareRun, readPorts } from './prep-phase.js';
import { endCoderProcesses, reapRunGroup } from './leftovers.js';
import { PendingKills } from './pending-kills.js';
import { refreshFiles, watchFiles } from './files-changed.js';
import { recordRunEnd, recordVanished, type RunEnd } from './run-end.js';

export type { RunEnd };
import { clearSetupRun, endSetupLeftovers, endNote, note, saveSetupRun, startNote } from './run-notes.js';

/** A follow-up run (message) uses the provider's resume_command instead of its command. */
export interface FollowUp {
  message: string;
}

export class Supervisor {
  private readonly live = new Map<string, LiveRun>();
  private readonly queue: string[] = [];
  private readonly followUps = new Map<string, FollowUp>();
  private closed = false;
  /**
   * Called when a run completed, instead of recording `completed`: resolves true when it took the
   * coder over (its checks run and then complete it), false to have the end recorded as usual.
   */
  afterCompleted?: (id: string, end: RunEnd) => Promise<boolean>;
  /** Ended runs whose end is not recorded yet (afterCompleted pending): they keep their slot. */
  private ending = 0;
  /** Loopback ports of live coders (.aicoder.json "ports"). */
  readonly ports: PortPool;
  /** SIGKILLs due after a grace period, kept on disk so a daemon restart meanwhile sends them. */
  readonly kills: PendingKills;
  private readonly ingestCtx: IngestContext;

  /**
   * Asked about a run that failed (not stopped): true when it took the coder elsewhere (a usage
   * limit waited out, core/usage-waits.ts), so no failure is recorded.
   */
  onFailure?: (coder: Coder, error: string | null, exitCode: number | null) => boolean;

  constructor(
    private readonly deps: ManagerDeps,
    private readonly records: Records,
    private readonly hooks?: RunHooks,
  ) {
    this.ports = new PortPool(deps);
    this.kills = new PendingKills(deps);
    this.ingestCtx = { deps, records, hooks };
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  runningCount(): number {
    return this.live.size;
  }

  enqueue(id: string, followUp?: FollowUp): void {
    if (followUp) this.followUps.set(id, followUp);
    else this.followUps.delete(id);
    if (!this.queue.includes(id)) this.queue.push(id);
    this.schedule();
  }

  dequeue(id: string): void {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
    this.followUps.delete(id);
  }

  /** Starts queued coders, oldest first, while slots are free. */
  schedule(): void {
    const busy = () => this.live.size + this.ending;
    while (!this.closed && busy() < this.deps.config.max_concurrent && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const followUp = this.followUps.get(id);
      this.followUps.delete(id);
      const coder = this.records.get(id);
      if (!coder || coder.state !== 'queued') continue;
      void this.startRun(coder, followUp);
    }
  }

  private async startRun(coder: Coder, followUp: FollowUp | undefined): Promise<void> {
    const { deps, records } = this;
    const id = coder.id;
    const def = deps.providers.get(coder.provider);
    const lr = newLiveRun(this.deps, coder, null, def, followUp ? { stats: coder.stats } : undefined);
    this.live.set(id, lr);
    try {
      records.transition(id, 'starting', { pid: null, exit_code: null, error: null, ended_at: null });
      if (!def) {
        throw new AicoderError('unknown_provider', `provider '${coder.provider}' is not registered`, {
          field: 'provider',
        });
      }
      const first = followUp === undefined && deps.store.getRun(id) === undefined;
      const extraEnv = await prepareRun(deps, records, this.ports, {
        coder,
        env: runEnv(deps, def, coder),
        first,
        onSetupRun: (r) => {
          lr.setup = r;
          if (r) saveSetupRun(deps.home, id, r);
          else clearSetupRun(deps.home, id);
        },
        cancelled: () => lr.stopRequested,
      });
      if (lr.stopRequested) throw new AicoderError('conflict', 'stopped before the agent started');
      const runNo = (deps.store.getRun(id)?.run_no ?? 0) + 1;
      const dir = runDir(deps.home, id, runNo);
      const { argv, env } = await sandboxRun(deps, def, coder, {
        argv: runArgv(deps, def, coder, followUp),
        env: { ...runEnv(deps, def, coder), ...extraEnv },
        run_dir: dir,
      });
      if (lr.stopRequested) throw new AicoderError('conflict', 'stopped before the agent started');
      const run = await deps.runner.spawn(
        {
          coder_id: id,
          run_no: runNo,
          argv,
          cwd: coder.workspace,
          env,
          run_dir: dir,
        },
        this.observer(lr),
      );
      lr.run = run;
      deps.store.saveRun(run);
      note(deps, records, id, 'run_start', startNote(runNo, followUp !== undefined));
      records.transition(id, 'running', {
        pid: run.pid,
        started_at: records.now(),
        processes: [],
        permission_denials: [],
      });
      this.hooks?.runStarted(id);
      watchFiles(this.deps, this.records, lr, coder);
      if (lr.stopRequested) this.terminate(lr);
      const deferred = lr.deferred ?? [];
      lr.deferred = null;
      for (const call of deferred) call();
    } catch (err) {
      this.live.delete(id);
      this.ports.release(id);
      lr.markEnded();
      const msg = lr.redact(isAicoderError(err) ? err.message : `could not start: ${errMessage(err)}`);
      deps.log('warn', 'coder failed to start', { id, error: msg });
      if (records.get(id)) {
        const why = lr.stopRequested ? 'stopped before the agent started' : msg;
        note(deps, records, id, 'run_end', `the run did not start: ${why}`);
      }
      const cur = records.get(id);
      if (cur && (cur.state === 'starting' || cur.state === 'queued')) {
        records.transition(id, lr.stopRequested ? 'stopped' : 'failed', {
          error: msg,
          ended_at: records.now(),
        });
      }
      this.schedule();
    }
  }

  private observer(lr: LiveRun): RunObserver {
    return {
      onLines: (out) => {
        // The batch's bytes are the tailer's read buffer: a deferred batch keeps a copy.
        if (lr.deferred) lr.deferred.push(ingestLater(this.ingestCtx, lr, out));
        else ingest(this.ingestCtx, lr, out);
      },
      onExit: (res) => {
        if (lr.deferred) lr.deferred.push(() => this.finish(lr, res));
        else this.finish(lr, res);
      },
    };
  }

  private finish(lr: LiveRun, res: ExitResult): void {
    const { records, deps } = this;
    // The kill timer stays: the group gets its SIGKILL whatever the wrapper did.
    this.live.delete(lr.id);
    this.ports.release(lr.id);
    const closing = lr.watcher?.close();
    const cur = records.get(lr.id);
    this.hooks?.runEnded(lr.id);
    // What the agent left in its group is ended (or kept, with keep_processes) before the end is told.
    const processes =
      lr.run && cur
        ? reapRunGroup(deps, records, {
            coder: cur,
            run: lr.run,
            stopped: lr.stopRequested,
            kills: this.kills,
            scheduleKill: (procs) => this.scheduleKill(lr, procs),
          })
        : [];
    if (cur && cur.state !== 'completed' && cur.state !== 'failed' && cur.state !== 'stopped') {
      let { state, error } = decideOutcome(lr, res, cur.error);
      const limit =
        lr.limitReason ?? (state === 'stopped' ? null : this.hooks?.limitAtEnd(lr.id, state === 'completed'));
      if (limit) [state, error] = ['stopped', limit];
      const redacted = error === null ? null : lr.redact(error);
      if (lr.run) {
        note(deps, records, lr.id, 'run_end', endNote(lr, res, state, limit ?? null, redacted));
      }
      const now = records.get(lr.id);
      const waits =
        state === 'failed' && !lr.stopRequested && now !== undefined && !isTerminal(now.state)
          ? (this.onFailure?.({ ...now, processes }, redacted, res.exit_code) ?? false)
          : false;
      const end: RunEnd = {
        exit_code: res.exit_code,
        error: redacted,
        ended_at: records.now(),
        processes,
        ...(state === 'completed' ? { usage_limit: null } : {}),
      };
      const checks = state === 'completed' ? this.afterCompleted : undefined;
      if (waits) records.patch(lr.id, { processes });
      else if (checks) {
        // The repo's checks run before the coder is told completed (it is `checking` meanwhile). Until
        // its end is recorded the run keeps its slot, so no more coders show running than allowed.
        this.ending++;
        void checks(lr.id, end)
          .then(
            (started) => {
              if (!started) recordRunEnd(this.deps, this.records, lr.id, 'completed', end);
            },
            () => recordRunEnd(this.deps, this.records, lr.id, 'completed', end),
          )
          .finally(() => {
            this.ending--;
            this.schedule();
          });
      } else recordRunEnd(this.deps, this.records, lr.id, state, end);
      void Promise.resolve(closing).then(() => refreshFiles(this.deps, this.records, lr, cur));
    } else if (cur && (cur.processes.length > 0 || processes.length > 0)) {
      records.patch(lr.id, { processes });
    }
    lr.markEnded();
    this.schedule();
  }

  pause(id: string): void {
    const lr = this.requireRun(id);
    this.deps.runner.signal(lr.run!, 'pause');
  }

  resume(id: string): void {
    const lr = this.requireRun(id);
    this.deps.runner.signal(lr.run!, 'resume');
  }

  /**
   * Asks a live run to end (SIGTERM to its group, SIGKILL after the grace period) and waits for its
   * end; then ends every other process of the coder (its worktree's, setsid escapes included).
   */
  async stop(id: string, reason: StopReason = 'stop'): Promise<void> {
    const lr = this.live.get(id);
    if (!lr) return;
    lr.stopRequested = true;
    lr.stopReason ??= reason;
    if (lr.run) this.terminate(lr);
    else if (lr.setup) this.deps.runner.signal(lr.setup, 'terminate');
    await lr.ended;
    const coder = this.records.get(id);
    if (coder) await endCoderProcesses(this.deps, this.records, this.kills, coder);
  }

  /** A limit was reached: the run is stopped and the coder ends `stopped` with the reason. */
  stopForLimit(id: string, reason: string): void {
    const lr = this.live.get(id);
    if (!lr || lr.limitReason !== null) return;
    lr.limitReason = reason;
    lr.stopRequested = true;
    this.deps.log('info', 'coder reached a limit', { id, reason });
    const stored = this.deps.store.appendLogs(id, [
      { ts: this.records.now(), stream: 'system', kind: 'limit', text: reason },
    ]);
    this.records.announceLogs(stored);
    if (lr.run) this.terminate(lr);
  }

  private terminate(lr: LiveRun): void {
    this.deps.runner.signal(lr.run!, 'terminate');
    this.scheduleKill(lr);
  }

  /**
   * SIGKILL for the run's whole group, and for `procs` by pid (members that may leave the group with
   * setsid), after the grace period; once per run, recorded so it survives a restart. False when the
   * run's kill was already scheduled (or it has no process).
   */
  private scheduleKill(lr: LiveRun, procs: readonly ProcessInfo[] = []): boolean {
    const run = lr.run;
    if (!run || lr.killScheduled) return false;
    lr.killScheduled = true;
    this.kills.terminate(lr.id, { group: run, procs }, this.deps.config.stop_grace_ms);
    return true;
  }

  private requireRun(id: string): LiveRun {
    const lr = this.live.get(id);
    if (!lr?.run) throw new AicoderError('illegal_transition', `coder ${id} has no running process yet`);
    return lr;
  }

  /** Re-adopts runs recorded as live and queues the queued ones (daemon start). */
  async recover(): Promise<void> {
    const { deps, records } = this;
    // Kills an earlier daemon left pending: their runs were being ended (a stop, or leftovers).
    const ending = this.kills.resume();
    for (const coder of deps.store.codersInStates(['starting', 'running', 'needs_input', 'paused'])) {
      const run = deps.store.getRun(coder.id);
      if (!run || (coder.pid !== null && run.pid !== coder.pid)) {
        // A setup command may still run from before the crash: it is ended, not re-adopted.
        const setup = await endSetupLeftovers(deps, records, this.kills, coder);
        records.transition(coder.id, 'interrupted', {
          error: setup
            ? 'the daemon stopped while the setup command was running; it was ended'
            : 'the daemon stopped before the process was recorded',
          ended_at: records.now(),
        });
        continue;
      }
      const lr = newLiveRun(this.deps, coder, run, deps.providers.get(coder.provider), {
        stats: coder.stats,
      });
      this.live.set(coder.id, lr);
      if (ending.some((r) => r.coder_id === run.coder_id && r.run_no === run.run_no)) {
        lr.stopRequested = true;
        lr.stopReason = 'stop';
        lr.killScheduled = true;
      }
      let outcome;
      try {
        outcome = await deps.runner.adopt(run, this.observer(lr));
      } catch (err) {
        deps.log('error', 'adopt failed', { id: coder.id, error: errMessage(err) });
        outcome = 'gone' as const;
      }
      switch (outcome) {
        case 'running':
          // A question's tool call did not survive the daemon: the agent goes on (question kept).
          if (coder.state === 'starting' || coder.state === 'needs_input')
            records.transition(coder.id, 'running');
          this.hooks?.runStarted(coder.id);
          watchFiles(this.deps, this.records, lr, coder);
          readPorts(deps.home, coder.id, this.ports);
          deps.log('info', 're-adopted coder', { id: coder.id, pid: run.pid });
          break;
        case 'exited':
          break;
        case 'gone':
          this.live.delete(coder.id);
          lr.markEnded();
          recordVanished(deps, records, coder.id, run.run_no);
          break;
      }
    }
    for (const coder of deps.store.codersInStates(['queued'])) {
      if (!this.queue.includes(coder.id)) this.queue.push(coder.id);
    }
    this.schedule();
  }

  /**
   * Daemon shutdown: stop watching; processes keep running and are re-adopted on the next start.
   * SIGKILLs still due stay recorded (pending-kills/) and are sent by the next start.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.kills.close();
    await Promise.all([...this.live.values()].map((lr) => lr.watcher?.close() ?? Promise.resolve()));
    await this.deps.runner.detachAll();
    this.live.clear();
  }
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
