/**
 * SIGKILLs that are due after a grace period, kept on disk from just before the SIGTERM is sent until
 * the targets are gone: AICODER_HOME/pending-kills/<coder-id>-<n>.json (folder 0700, files 0600). A
 * daemon that stops or crashes within the grace period thus sends them at its next start (resume), so
 * processes that ignore SIGTERM never outlive a coder because the daemon went away meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagerDeps } from './manager-deps.js';
import type { ProcessInfo, RunRecord, TimerHandle } from './ports.js';

/** One SIGKILL that is due, as stored. */
export interface PendingKill {
  coder_id: string;
  /** When the SIGKILL is due: ISO 8601 time of the daemon's clock. */
  kill_at: string;
  /** A run whose whole process group gets the SIGKILL (its members at that time); null: none. */
  group: RunRecord | null;
  /** Processes that get it, each only while it is still the same process (pid and start time). */
  procs: ProcessInfo[];
}

/** What a kill is aimed at: a run's process group and/or single processes. */
export interface KillTarget {
  group?: RunRecord | null;
  procs?: readonly ProcessInfo[];
}

type Deps = Pick<ManagerDeps, 'home' | 'clock' | 'runner' | 'log'>;

export class PendingKills {
  private readonly timers = new Map<string, TimerHandle>();
  private closed = false;

  constructor(private readonly deps: Deps) {}

  private get dir(): string {
    return join(this.deps.home, 'pending-kills');
  }

  /** Writes the kill due in graceMs; returns its file name, to forget it once the targets are gone. */
  private record(coderId: string, graceMs: number, t: KillTarget): string {
    const kill: PendingKill = {
      coder_id: coderId,
      kill_at: new Date(this.deps.clock.now().getTime() + graceMs).toISOString(),
      group: t.group ?? null,
      procs: [...(t.procs ?? [])],
    };
    const name = `${coderId}-${randomBytes(6).toString('hex')}.json`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(this.dir, name), JSON.stringify(kill), { mode: 0o600 });
    } catch (err) {
      // Without the file the kill still happens in this daemon; only a restart within the grace loses it.
      this.deps.log('warn', 'cannot record a pending SIGKILL', { id: coderId, error: String(err) });
    }
    return name;
  }

  private forget(name: string): void {
    this.timers.get(name)?.clear();
    this.timers.delete(name);
    rmSync(join(this.dir, name), { force: true });
  }

  /**
   * SIGTERM to the target now (the caller may have sent it already: a second one is harmless) and
   * SIGKILL to what is left of it after graceMs, through the clock; recorded on disk meanwhile.
   */
  terminate(coderId: string, t: KillTarget, graceMs: number): void {
    const name = this.record(coderId, graceMs, t);
    this.signal(t, 'terminate');
    this.killAfter(name, t, graceMs);
  }

  /**
   * runner.endProcesses (SIGTERM, SIGKILL after graceMs, waits until they are gone) with the kill
   * recorded on disk until they are gone. Resolves with the processes still running (normally none).
   */
  async end(coderId: string, procs: readonly ProcessInfo[], graceMs: number): Promise<ProcessInfo[]> {
    if (procs.length === 0) return [];
    const name = this.record(coderId, graceMs, { procs });
    const stuck = await this.deps.runner.endProcesses(procs, graceMs);
    // Still running: a shutdown cut the wait short, or SIGKILL did not end them yet. The next start retries.
    if (stuck.length === 0) this.forget(name);
    return stuck;
  }

  /**
   * Daemon start: every kill recorded by an earlier daemon whose targets still run gets a SIGTERM now
   * and its SIGKILL when it was due (at once when that time has passed). Returns the runs whose
   * groups are being ended, so a re-adopted run among them counts as stopped.
   */
  resume(): RunRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const groups: RunRecord[] = [];
    for (const name of names) {
      let k: PendingKill;
      try {
        k = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as PendingKill;
      } catch {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      const t: KillTarget = {
        group: k.group,
        procs: (k.procs ?? []).filter((p) => this.deps.runner.isRunning(p)),
      };
      const members = t.group ? this.deps.runner.groupMembers(t.group) : [];
      if (members.length === 0 && t.procs!.length === 0) {
        rmSync(join(this.dir, name), { force: true });
        continue;
      }
      if (members.length === 0) t.group = null;
      if (t.group) groups.push(t.group);
      const left = [...members, ...t.procs!];
      this.deps.log('info', 'ending processes whose SIGKILL was pending when the daemon stopped', {
        id: k.coder_id,
        pids: left.map((p) => p.pid),
      });
      this.signal(t, 'terminate');
      const due = Date.parse(k.kill_at) - this.deps.clock.now().getTime();
      this.killAfter(name, t, Number.isFinite(due) ? Math.max(0, due) : 0);
    }
    return groups;
  }

  /** Daemon shutdown: timers stop; the recorded kills stay for the next start. */
  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) t.clear();
    this.timers.clear();
  }

  private killAfter(name: string, t: KillTarget, ms: number): void {
    if (this.closed) return;
    this.timers.set(
      name,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(name);
        this.signal(t, 'kill');
        this.forget(name);
      }, ms),
    );
  }

  private signal(t: KillTarget, sig: 'terminate' | 'kill'): void {
    const { runner } = this.deps;
    try {
      if (t.group) runner.signal(t.group, sig);
      if (t.procs && t.procs.length > 0) runner.signalProcesses(t.procs, sig);
    } catch (err) {
      this.deps.log('warn', `${sig === 'kill' ? 'SIGKILL' : 'SIGTERM'} failed`, { error: String(err) });
    }
  }
}
