/**
 * Re-adoption after "daemon death": runner A spawns and is detached (the daemon going away while the
 * agent keeps running), runner B adopts from the offsets A had delivered.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/ports.js';
import { isSameLiveProcess, listProcessGroup, readProcStat } from '../../src/process/proc-stat.js';
import { tempDir, waitFor } from '../helpers/env.js';
import { bytesOf, linesAgent, numbered, recorder, runSpec, type Recorder, useRunners } from './harness.js';

const { runner, runs } = useRunners({ pollMs: 50 });

/** The record as the daemon would have stored it: with the offsets A had delivered when it went away. */
function stored(rec: RunRecord, a: Recorder): RunRecord {
  return { ...rec, offsets: { ...a.offsets } };
}

function processGone(rec: RunRecord): boolean {
  const st = readProcStat(rec.pid);
  return st === null || st.state === 'Z';
}

describe('local runner: adopt', () => {
  it('resumes a running process from the stored offsets: every line exactly once, right exit code', async () => {
    const dir = tempDir();
    const n = 150;
    const a = recorder();
    const ra = runner();
    const rec = await ra.spawn(runSpec(dir, linesAgent(`count=${n}`, 'pace=5', 'stderr=1', 'code=4')), a);
    runs.push(rec);
    await waitFor(() => a.out.length >= 10 && a.err.length >= 10, { what: 'lines before detach' });
    await ra.detachAll();
    const seenByA = { out: a.out.length, err: a.err.length, batches: a.batches.length };
    expect(isSameLiveProcess(rec.pid, rec.start_time)).toBe(true);

    const b = recorder(a.offsets);
    const rb = runner();
    expect(await rb.adopt(stored(rec, a), b)).toBe('running');
    expect(await b.exited).toEqual({ exit_code: 4, signal: null });

    // A delivered nothing after detachAll resolved.
    expect({ out: a.out.length, err: a.err.length, batches: a.batches.length }).toEqual(seenByA);
    expect(a.exits).toEqual([]);
    // The split is real: both runners delivered part of the run.
    expect(a.out.length).toBeGreaterThan(0);
    expect(b.out.length).toBeGreaterThan(0);
    expect([...a.out, ...b.out]).toEqual(numbered(n));
    expect([...a.err, ...b.err]).toEqual(numbered(n, 'err'));
    expect(b.offsets.stdout).toBe(bytesOf(numbered(n)));
    expect([...a.violations, ...b.violations]).toEqual([]);
  });

  it('an adopted run can still be paused and terminated, and its end is seen without a parent', async () => {
    const dir = tempDir();
    const a = recorder();
    const ra = runner();
    const rec = await ra.spawn(runSpec(dir, linesAgent('count=100000', 'pace=20')), a);
    runs.push(rec);
    await waitFor(() => a.out.length >= 2);
    await ra.detachAll();

    const b = recorder(a.offsets);
    const rb = runner();
    expect(await rb.adopt(stored(rec, a), b)).toBe('running');
    rb.signal(rec, 'pause');
    await waitFor(() => listProcessGroup(rec.pgid).every((p) => p.state === 'T'), { what: 'paused' });
    rb.signal(rec, 'resume');
    const n = b.out.length;
    await waitFor(() => b.out.length > n + 2, { what: 'output after resume' });
    rb.signal(rec, 'terminate');
    expect(await b.exited).toEqual({ exit_code: 143, signal: null });
    const all = [...a.out, ...b.out];
    expect(all).toEqual(numbered(all.length));
  });

  it("reports 'exited' with the right code for a run that ended while nobody watched", async () => {
    const dir = tempDir();
    const a = recorder();
    const ra = runner();
    const rec = await ra.spawn(runSpec(dir, linesAgent('count=30', 'code=7', 'tail=last words')), a);
    runs.push(rec);
    await ra.detachAll();
    await waitFor(() => processGone(rec), { what: 'run ended' });

    const b = recorder(a.offsets);
    expect(await runner().adopt(stored(rec, a), b)).toBe('exited');
    // Everything was delivered and onExit called before adopt resolved.
    expect(b.exits).toEqual([{ exit_code: 7, signal: null }]);
    expect([...a.out, ...b.out]).toEqual([...numbered(30), 'last words']);
    expect(a.exits).toEqual([]);
    expect([...a.violations, ...b.violations]).toEqual([]);
  });

  it("reports 'gone' (output delivered, no onExit) when the group was SIGKILLed while nobody watched", async () => {
    const dir = tempDir();
    const a = recorder();
    const ra = runner();
    const rec = await ra.spawn(runSpec(dir, linesAgent('count=100000', 'pace=10')), a);
    runs.push(rec);
    await waitFor(() => a.out.length >= 3);
    await ra.detachAll();
    const seenByA = a.out.length;
    process.kill(-rec.pgid, 'SIGKILL');
    await waitFor(() => listProcessGroup(rec.pgid).every((p) => p.state === 'Z'), { what: 'killed' });

    const b = recorder(a.offsets);
    expect(await runner().adopt(stored(rec, a), b)).toBe('gone');
    expect(b.exits).toEqual([]);
    expect(a.out.length).toBe(seenByA);
    const all = [...a.out, ...b.out];
    expect(all.length).toBeGreaterThanOrEqual(seenByA);
    expect(all).toEqual(numbered(all.length));
    expect(existsSync(join(rec.run_dir, 'exit-status'))).toBe(false);
  });

  it("reports 'gone' for a reused pid (wrong start time) and does not signal that process", async () => {
    const dir = tempDir();
    const a = recorder();
    const ra = runner();
    const rec = await ra.spawn(runSpec(dir, linesAgent('count=100000', 'pace=10')), a);
    runs.push(rec);
    await waitFor(() => a.out.length >= 3);

    const reused = { ...rec, coder_id: 'other', start_time: '1', offsets: { stdout: 0, stderr: 0 } };
    const b = recorder();
    const rb = runner();
    expect(await rb.adopt(reused, b)).toBe('gone');
    expect(b.exits).toEqual([]);
    rb.signal(reused, 'kill');
    rb.signal(reused, 'pause');
    const n = a.out.length;
    await waitFor(() => a.out.length >= n + 3, { what: 'the real run goes on' });
    expect(isSameLiveProcess(rec.pid, rec.start_time)).toBe(true);

    ra.signal(rec, 'terminate');
    expect(await a.exited).toEqual({ exit_code: 143, signal: null });
  });

  it('notices an adopted run vanishing without a status (liveness check) and ends it with an unknown exit', async () => {
    const dir = tempDir();
    const a = recorder();
    const ra = runner();
    const rec = await ra.spawn(runSpec(dir, linesAgent('count=100000', 'pace=10')), a);
    runs.push(rec);
    await waitFor(() => a.out.length >= 1);
    await ra.detachAll();

    const b = recorder(a.offsets);
    expect(await runner().adopt(stored(rec, a), b)).toBe('running');
    process.kill(-rec.pgid, 'SIGKILL');
    expect(await b.exited).toEqual({ exit_code: null, signal: null });
    const all = [...a.out, ...b.out];
    expect(all).toEqual(numbered(all.length));
  });
});
