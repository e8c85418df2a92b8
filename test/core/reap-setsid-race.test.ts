/**
 * The race at a run's end: a group member calls setsid() after reapRunGroup listed it but before the
 * group signal, so a signal sent to the process group alone misses it (a real CI failure of
 * test/process/background-processes.test.ts). Driven on a scripted Runner, which makes the race happen
 * every time instead of once in a few hundred runs; the real-process cases stay in test/process/.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { endCoderProcesses, reapRunGroup } from '../../src/core/leftovers.js';
import type { ManagerDeps } from '../../src/core/manager-deps.js';
import { PendingKills } from '../../src/core/pending-kills.js';
import type { ProcessInfo, RunRecord } from '../../src/core/ports.js';
import type { Records } from '../../src/core/records.js';
import { FakeClock } from '../helpers/fake-clock.js';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

const RUN = { coder_id: 'c1', pid: 100, pgid: 100 } as unknown as RunRecord;
const proc = (pid: number, command: string): ProcessInfo => ({
  pid,
  pgid: 100,
  start_time: String(1000 + pid),
  command,
});

/**
 * A scripted process table: `group` are the run's members, `marked` the processes carrying the
 * coder's id. `onGroupSignal` runs when the group is signalled (after the listing): the race.
 */
type SetTable = (group: ProcessInfo[], marked: ProcessInfo[]) => void;

function scripted(o: {
  group: ProcessInfo[];
  marked: ProcessInfo[];
  onGroupSignal?: (setTable: SetTable) => void;
  onEnd?: (procs: readonly ProcessInfo[], setTable: SetTable) => void;
}) {
  const byPid: { pid: number; sig: string }[] = [];
  const groupSignals: string[] = [];
  let group = [...o.group];
  let marked = [...o.marked];
  const setTable: SetTable = (g, m) => {
    group = g;
    marked = m;
  };
  const runner = {
    groupMembers: () => [...group],
    processesMarked: () => [...marked],
    signal: (_run: RunRecord, sig: string) => {
      groupSignals.push(sig);
      o.onGroupSignal?.(setTable);
    },
    signalProcesses: (procs: readonly ProcessInfo[], sig: string) => {
      for (const p of procs) byPid.push({ pid: p.pid, sig });
    },
    isRunning: () => true,
    processesUnder: () => [] as ProcessInfo[],
    /** Ends `procs` at once; `onEnd` runs first (a process forking just before its signal). */
    endProcesses: (procs: readonly ProcessInfo[]) => {
      o.onEnd?.(procs, setTable);
      for (const p of procs) byPid.push({ pid: p.pid, sig: 'end' });
      const gone = new Set(procs.map((p) => p.pid));
      group = group.filter((p) => !gone.has(p.pid));
      marked = marked.filter((p) => !gone.has(p.pid));
      return Promise.resolve([]);
    },
  };
  return {
    runner,
    byPid,
    groupSignals,
  };
}

function setup(table: ReturnType<typeof scripted>) {
  const home = mkdtempSync(join(tmpdir(), 'aicoder-reap-'));
  homes.push(home);
  const clock = new FakeClock();
  const deps = {
    home,
    clock,
    runner: table.runner,
    log: () => undefined,
    config: { stop_grace_ms: 5_000 },
    store: { appendLogs: () => [], getRun: () => RUN },
  } as unknown as ManagerDeps;
  const records = {
    announceLogs: () => undefined,
    now: () => clock.now().toISOString(),
  } as unknown as Records;
  const kills = new PendingKills(deps);
  const coder = { id: 'c1', keep_processes: false } as unknown as Coder;
  const pending = () =>
    readdirSync(join(home, 'pending-kills')).map(
      (n) => JSON.parse(readFileSync(join(home, 'pending-kills', n), 'utf8')) as { procs: ProcessInfo[] },
    );
  return { deps, records, kills, coder, clock, pending };
}

describe('reapRunGroup: a member that calls setsid after the listing is still ended', () => {
  it('is signalled by pid with SIGTERM now and SIGKILL after the grace, and the kill is recorded with it', () => {
    const child = proc(201, 'setsid sleep 1002');
    const table = scripted({
      group: [child],
      marked: [child],
      // setsid(): the child leaves the group between the listing and the group signal.
      onGroupSignal: (set) => set([], [{ ...child, pgid: 201 }]),
    });
    const t = setup(table);
    let scheduled: readonly ProcessInfo[] | null = null;
    const kept = reapRunGroup(t.deps, t.records, {
      coder: t.coder,
      run: RUN,
      stopped: false,
      kills: t.kills,
      scheduleKill: (procs) => {
        scheduled = procs;
        t.kills.terminate('c1', { group: RUN, procs }, 5_000);
        return true;
      },
    });
    expect(kept).toEqual([]);
    expect(table.byPid).toContainEqual({ pid: 201, sig: 'terminate' });
    expect(scheduled!.map((p) => p.pid)).toEqual([201]);
    expect(t.pending()).toHaveLength(1);
    expect(t.pending()[0]!.procs.map((p) => p.pid)).toEqual([201]);
    t.clock.advance(5_000);
    expect(table.byPid).toContainEqual({ pid: 201, sig: 'kill' });
    t.kills.close();
  });

  it('a process forked by a member after the listing, then setsid, is found by the second listing', () => {
    const member = proc(301, 'bash');
    const grandchild = { ...proc(302, 'sleep 1020'), pgid: 302 };
    const table = scripted({
      group: [member],
      marked: [member],
      onGroupSignal: (set) => set([member], [member, grandchild]),
    });
    const t = setup(table);
    reapRunGroup(t.deps, t.records, {
      coder: t.coder,
      run: RUN,
      stopped: false,
      kills: t.kills,
      scheduleKill: () => false, // a stop already scheduled the group's kill
    });
    expect(table.byPid).toContainEqual({ pid: 302, sig: 'terminate' });
    expect(t.pending()).toHaveLength(1);
    expect(
      t
        .pending()[0]!
        .procs.map((p) => p.pid)
        .sort(),
    ).toEqual([301, 302]);
    t.clock.advance(5_000);
    expect(table.byPid).toContainEqual({ pid: 302, sig: 'kill' });
    t.kills.close();
  });

  it('keep_processes (not stopped): nothing is signalled and the processes are returned to keep', () => {
    const server = proc(401, 'python3 -m http.server 0');
    const table = scripted({ group: [server], marked: [server] });
    const t = setup(table);
    const kept = reapRunGroup(t.deps, t.records, {
      coder: { ...t.coder, keep_processes: true },
      run: RUN,
      stopped: false,
      kills: t.kills,
      scheduleKill: () => true,
    });
    expect(kept.map((p) => p.pid)).toEqual([401]);
    expect(table.byPid).toEqual([]);
    expect(table.groupSignals).toEqual([]);
  });
});

describe('endCoderProcesses (stop, rm): what forks while the rest is ended gets a round of its own', () => {
  it('a child forked by a leftover just before its end is found and ended by the next round', async () => {
    const server = proc(501, 'node server.js');
    const child = { ...proc(502, 'node worker.js'), pgid: 502 };
    let forked = false;
    const table = scripted({
      group: [],
      marked: [server],
      onEnd: (_procs, set) => {
        if (forked) return;
        forked = true;
        set([], [server, child]); // the server forks and the child calls setsid, then the SIGTERM lands
      },
    });
    const t = setup(table);
    await endCoderProcesses(t.deps, t.records, t.kills, {
      ...t.coder,
      workspace: '/nowhere',
      processes: [],
    });
    expect(table.byPid.filter((e) => e.sig === 'end').map((e) => e.pid)).toEqual([501, 502]);
    t.kills.close();
  });
});
