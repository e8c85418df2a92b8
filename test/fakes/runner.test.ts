/**
 * The fake Runner against the real one (src/process) on the points the core relies on: the run
 * record, lines in order with offsets, the unterminated last line, exit codes, terminate = 143, kill
 * = SIGKILL, pause holding output, a missing program = 127, a second watch of a run refused, and
 * adopt after detachAll. Each contract case runs on both; the real side uses small sh scripts.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { RunRecord, Runner } from '../../src/core/ports.js';
import { tempDir, waitFor } from '../helpers/env.js';
import { agentEnv, recorder, runSpec, useRunners, type Recorder } from '../process/harness.js';
import { FakeClock } from './clock.js';
import { FakeRunner, type FakeProcess } from './runner.js';

const { runner: realRunner, runs } = useRunners();

/** One side of the contract: a runner and a way to start "a program that does X" on it. */
interface Side {
  name: string;
  runner: Runner;
  /** Starts a program: prints `out` lines, then `partial` without a newline, then exits `code` (or waits for a signal when code is 'wait'). */
  start(
    obs: Recorder,
    what: { out?: string[]; err?: string[]; partial?: string; code: number | 'wait' },
    runNo?: number,
  ): Promise<RunRecord>;
}

const dir = (): string => tempDir('aicoder-runner-');

function realSide(): Side {
  const runner = realRunner();
  let cwd = '';
  return {
    name: 'real',
    runner,
    start: async (obs, w, runNo = 1) => {
      cwd ||= dir();
      const script = [
        ...(w.out ?? []).map((l) => `printf '%s\\n' '${l}'`),
        ...(w.err ?? []).map((l) => `printf '%s\\n' '${l}' >&2`),
        ...(w.partial ? [`printf '%s' '${w.partial}'`] : []),
        w.code === 'wait' ? 'exec sleep 60' : `exit ${w.code}`,
      ].join('; ');
      const rec = await runner.spawn(
        runSpec(cwd, ['/bin/sh', '-c', script], { run_no: runNo, run_dir: `${cwd}/run-${runNo}` }),
        obs,
      );
      runs.push(rec);
      return rec;
    },
  };
}

function fakeSide(): Side & { fake: FakeRunner } {
  const fake = new FakeRunner({
    programs: {
      prog: (p: FakeProcess) => {
        const w = JSON.parse(p.argv[1]!) as {
          out?: string[];
          err?: string[];
          partial?: string;
          code: number | 'wait';
        };
        if (w.out?.length) p.out(...w.out);
        if (w.err?.length) p.err(...w.err);
        if (w.partial) p.write('stdout', w.partial);
        if (w.code !== 'wait') p.exit(w.code);
      },
    },
  });
  let cwd = '';
  return {
    name: 'fake',
    fake,
    runner: fake,
    start: (obs, w, runNo = 1) => {
      cwd ||= dir();
      return fake.spawn(
        runSpec(cwd, ['prog', JSON.stringify(w)], { run_no: runNo, run_dir: `${cwd}/run-${runNo}` }),
        obs,
      );
    },
  };
}

for (const make of [realSide, fakeSide]) {
  describe(`Runner contract: ${make.name.replace('Side', '')}`, () => {
    it('a run record with its own group, lines in order with offsets, the last partial line, exit code', async () => {
      const side = make();
      const obs = recorder();
      const rec = await side.start(obs, { out: ['one', 'two'], err: ['oops'], partial: 'tail', code: 3 });
      expect(rec.pgid).toBe(rec.pid);
      expect(rec.offsets).toEqual({ stdout: 0, stderr: 0 });
      expect(existsSync(rec.run_dir)).toBe(true);
      expect(await obs.exited).toEqual({ exit_code: 3, signal: null });
      expect(obs.out).toEqual(['one', 'two', 'tail']);
      expect(obs.err).toEqual(['oops']);
      expect(obs.offsets).toEqual({ stdout: 'one\ntwo\ntail'.length, stderr: 'oops\n'.length });
      expect(obs.violations).toEqual([]);
    });

    it('terminate ends a waiting program with 143, also a paused one; kill gives SIGKILL', async () => {
      const side = make();
      const a = recorder();
      const ra = await side.start(a, { out: ['up'], code: 'wait' }, 1);
      await waitFor(() => a.out.length === 1, { what: 'first line' });
      expect(side.runner.isRunning(ra)).toBe(true);
      expect(side.runner.groupMembers(ra).map((p) => p.pid)).toContain(ra.pid);
      side.runner.signal(ra, 'pause');
      side.runner.signal(ra, 'terminate');
      expect(await a.exited).toEqual({ exit_code: 143, signal: null });
      await waitFor(() => !side.runner.isRunning(ra), { what: 'the run gone' });

      const b = recorder();
      const rb = await side.start(b, { code: 'wait' }, 2);
      side.runner.signal(rb, 'kill');
      expect(await b.exited).toEqual({ exit_code: null, signal: 'SIGKILL' });
    });

    it('a missing program exits 127 with the wrapper line; a second watch of a run is a conflict', async () => {
      const side = make();
      const obs = recorder();
      const cwd = dir();
      const rec = await side.runner.spawn(runSpec(cwd, ['no-such-program-xyz']), obs);
      runs.push(rec);
      expect(await obs.exited).toEqual({ exit_code: 127, signal: null });
      expect(obs.err.join('\n')).toContain('command not found: no-such-program-xyz');

      const w = recorder();
      const live = await side.start(w, { code: 'wait' }, 5);
      await expect(side.start(recorder(), { code: 0 }, 5)).rejects.toMatchObject({ code: 'conflict' });
      side.runner.signal(live, 'kill');
      await w.exited;
    });

    it('after detachAll, adopt resumes from the offsets: running, then exited with the rest', async () => {
      const side = make();
      const first = recorder();
      const rec = await side.start(first, { out: ['a', 'b'], code: 'wait' });
      await waitFor(() => first.out.length === 2, { what: 'two lines' });
      await side.runner.detachAll();
      const again = recorder(first.offsets);
      expect(await side.runner.adopt({ ...rec, offsets: { ...first.offsets } }, again)).toBe('running');
      side.runner.signal(rec, 'terminate');
      expect(await again.exited).toEqual({ exit_code: 143, signal: null });
      expect(again.out).toEqual([]);
      expect(first.exits).toEqual([]);
      // A process that is not the recorded one (start time differs), with no exit status: gone.
      const other = { ...rec, run_no: 9, start_time: '999999', run_dir: tempDir('aicoder-run-') };
      expect(await side.runner.adopt(other, recorder())).toBe('gone');
    });
  });
}

describe('FakeRunner only', () => {
  it('holds output while paused, leaves processes behind, ends them with endProcesses on its clock', async () => {
    const clock = new FakeClock();
    const fake = new FakeRunner({ clock, programs: { idle: () => undefined } });
    const obs = recorder();
    const cwd = dir();
    const rec = await fake.spawn(runSpec(cwd, ['idle'], { env: agentEnv({ AICODER_CODER_ID: 'c1' }) }), obs);
    const p = await waitFor(() => fake.of('c1'));
    fake.signal(rec, 'pause');
    expect(() => p.out('x')).toThrow(/paused/);
    const resumed = p.running();
    fake.signal(rec, 'resume');
    await resumed;
    p.out('x');
    expect(obs.out).toEqual(['x']);

    const inGroup = p.leave('sleep 100');
    const escaped = p.leave('daemon', { setsid: true, cwd: `${cwd}/sub`, ignoresTerm: true });
    expect(fake.groupMembers(rec).map((x) => x.pid)).toEqual([rec.pid, inGroup.pid]);
    expect(fake.processesUnder(cwd).map((x) => x.pid)).toEqual([rec.pid, inGroup.pid, escaped.pid]);
    expect(fake.processesMarked('c1').map((x) => x.pid)).toEqual([rec.pid, inGroup.pid, escaped.pid]);
    p.exit(0);
    expect(await obs.exited).toEqual({ exit_code: 0, signal: null });
    expect(fake.groupMembers(rec).map((x) => x.pid)).toEqual([inGroup.pid]);

    const ending = fake.endProcesses([inGroup, escaped], 5_000);
    expect(fake.isRunning(inGroup)).toBe(false);
    expect(fake.isRunning(escaped)).toBe(true);
    clock.advance(5_000);
    expect(await ending).toEqual([]);
    expect(fake.live()).toEqual([]);
  });
});
