/** pause / resume / terminate / kill on real process groups, and the wrapper's signal handling. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/ports.js';
import { listProcessGroup, readProcStat } from '../../src/process/proc-stat.js';
import { tempDir, waitFor } from '../helpers/env.js';
import { linesAgent, recorder, runSpec, useRunners } from './harness.js';

const { runner, runs } = useRunners();

const PACE_MS = 20;

/** The live (non-zombie) members of a run's process group. */
function group(rec: RunRecord) {
  return listProcessGroup(rec.pgid).filter((p) => p.state !== 'Z');
}

/** Asserts that `size()` stays the same until `ms` have passed (polling, not one fixed sleep). */
async function expectStable(size: () => number, ms: number): Promise<void> {
  const before = size();
  const changes: number[] = [];
  const deadline = Date.now() + ms;
  await waitFor(
    () => {
      const now = size();
      if (now !== before) changes.push(now);
      return Date.now() > deadline;
    },
    { intervalMs: 10, timeoutMs: ms + 5000 },
  );
  expect(changes).toEqual([]);
}

describe('local runner: signals', () => {
  it('pause stops every process of the group and its output; resume continues; terminate ends it', async () => {
    const dir = tempDir();
    const obs = recorder();
    const r = runner();
    const rec = await r.spawn(runSpec(dir, linesAgent('count=100000', `pace=${PACE_MS}`)), obs);
    runs.push(rec);
    await waitFor(() => obs.out.length >= 3, { what: 'first lines' });

    // The wrapper and the agent under it.
    const members = group(rec);
    expect(members.map((p) => p.pid)).toContain(rec.pid);
    expect(members.some((p) => p.ppid === rec.pid)).toBe(true);

    r.signal(rec, 'pause');
    await waitFor(() => group(rec).every((p) => p.state === 'T'), { what: 'all stopped' });
    expect(group(rec).length).toBe(members.length);
    const stdoutSize = () => statSync(join(rec.run_dir, 'stdout.log')).size;
    // The agent would print a line every 20 ms: over 10 lines' time, the file must not grow.
    await expectStable(stdoutSize, 10 * PACE_MS);
    expect(group(rec).every((p) => p.state === 'T')).toBe(true);

    const pausedSize = stdoutSize();
    r.signal(rec, 'resume');
    await waitFor(() => stdoutSize() > pausedSize, { what: 'output after resume' });
    expect(group(rec).some((p) => p.state === 'T')).toBe(false);
    const linesBefore = obs.out.length;
    await waitFor(() => obs.out.length > linesBefore, { what: 'lines delivered after resume' });

    r.signal(rec, 'terminate');
    expect(await obs.exited).toEqual({ exit_code: 143, signal: null });
    await waitFor(() => group(rec).length === 0, { what: 'group gone' });
    // Lines stayed numbered and in order across the pause.
    expect(obs.out).toEqual(obs.out.map((_, i) => `line ${i + 1}`));
    expect(obs.violations).toEqual([]);
  });

  it('terminate ends a paused run (it is continued so that it can act on SIGTERM)', async () => {
    const dir = tempDir();
    const obs = recorder();
    const r = runner();
    const rec = await r.spawn(runSpec(dir, linesAgent('count=100000', `pace=${PACE_MS}`)), obs);
    runs.push(rec);
    await waitFor(() => obs.out.length >= 1);
    r.signal(rec, 'pause');
    await waitFor(() => group(rec).every((p) => p.state === 'T'));
    r.signal(rec, 'terminate');
    expect(await obs.exited).toEqual({ exit_code: 143, signal: null });
  });

  it('kill ends an agent that ignores SIGTERM', async () => {
    const dir = tempDir();
    const obs = recorder();
    const r = runner();
    const rec = await r.spawn(
      runSpec(dir, linesAgent('count=100000', `pace=${PACE_MS}`, 'ignoreterm=1')),
      obs,
    );
    runs.push(rec);
    await waitFor(() => obs.out.length >= 2);
    r.signal(rec, 'terminate');
    await waitFor(() => obs.err.includes('ignoring SIGTERM'), { what: 'agent saw SIGTERM' });
    const n = obs.out.length;
    await waitFor(() => obs.out.length >= n + 3, { what: 'still printing after SIGTERM' });
    expect(obs.exits).toEqual([]);

    r.signal(rec, 'kill');
    // The wrapper dies too, so no status was recorded: the signal is what we know.
    expect(await obs.exited).toEqual({ exit_code: null, signal: 'SIGKILL' });
    await waitFor(() => group(rec).length === 0, { what: 'group gone' });
  });

  it("the wrapper's trap does not make the agent ignore HUP, INT or TERM", async () => {
    const dir = tempDir();
    const obs = recorder();
    runs.push(await runner().spawn(runSpec(dir, ['grep', '^SigIgn:', '/proc/self/status']), obs));
    await obs.exited;
    const mask = BigInt('0x' + obs.out[0]!.split(/\s+/)[1]!);
    for (const sig of [1, 2, 15]) expect((mask >> BigInt(sig - 1)) & 1n).toBe(0n);

    // And a plain program (sleep keeps inherited dispositions, unlike node) dies of a group SIGTERM.
    const obs2 = recorder();
    const r = runner();
    const spec = runSpec(dir, ['/bin/sh', '-c', 'echo ready; exec sleep 30'], {
      run_no: 2,
      run_dir: join(dir, 'run-2'),
    });
    const rec = await r.spawn(spec, obs2);
    runs.push(rec);
    await waitFor(() => obs2.out.includes('ready'));
    await waitFor(() => group(rec).some((p) => p.comm === 'sleep' && p.ppid === rec.pid), { what: 'sleep' });
    r.signal(rec, 'terminate');
    expect(await obs2.exited).toEqual({ exit_code: 143, signal: null });
  });

  it('signals nothing once the run has ended, and never a reused pid', async () => {
    const dir = tempDir();
    const obs = recorder();
    const r = runner();
    const rec = await r.spawn(runSpec(dir, linesAgent('count=100000', `pace=${PACE_MS}`)), obs);
    runs.push(rec);
    await waitFor(() => obs.out.length >= 1);

    // Same pid and group, different start time: as if the pid had been reused by another process.
    const impostor = { ...rec, start_time: String(Number(rec.start_time) + 1) };
    r.signal(impostor, 'pause');
    r.signal(impostor, 'kill');
    const n = obs.out.length;
    await waitFor(() => obs.out.length >= n + 3, { what: 'still running' });
    expect(group(rec).some((p) => p.state === 'T')).toBe(false);

    // Our own process and group are never a target.
    const self = readProcStat(process.pid)!;
    const mine = { ...rec, pid: process.pid, pgid: self.pgrp, start_time: self.start_time };
    expect(() => r.signal(mine, 'resume')).toThrow(/pgid/);

    r.signal(rec, 'kill');
    await obs.exited;
    await waitFor(() => group(rec).length === 0);
    // The run is over: these are no-ops, not errors.
    expect(() => r.signal(rec, 'terminate')).not.toThrow();
    expect(() => r.signal(rec, 'kill')).not.toThrow();
  });
});
