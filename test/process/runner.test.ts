/** The local runner with real child processes: exit codes, output streaming, argv and env handling. */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import type { LogLevel } from '../../src/core/ports.js';
import { MAX_BATCH_LINES, MAX_LINE_BYTES } from '../../src/process/line-buffer.js';
import { tempDir, waitFor } from '../helpers/env.js';
import { AGENTS, agentEnv, bytesOf, linesAgent, numbered, recorder, runSpec, useRunners } from './harness.js';

const { runner, runs } = useRunners();

describe('local runner: exit and output', () => {
  it('records exit code 0 and delivers both streams in order', async () => {
    const dir = tempDir();
    const obs = recorder();
    const rec = await runner().spawn(runSpec(dir, linesAgent('count=50', 'stderr=1')), obs);
    runs.push(rec);
    expect(rec.pid).toBeGreaterThan(1);
    expect(rec.pgid).toBe(rec.pid);
    expect(rec.start_time).toMatch(/^\d+$/);
    expect(rec.offsets).toEqual({ stdout: 0, stderr: 0 });
    expect(await obs.exited).toEqual({ exit_code: 0, signal: null });
    expect(obs.out).toEqual(numbered(50));
    expect(obs.err).toEqual(numbered(50, 'err'));
    expect(obs.offsets.stdout).toBe(bytesOf(numbered(50)));
    expect(obs.offsets.stderr).toBe(bytesOf(numbered(50, 'err')));
    // Every line delivered: the raw output files (unredacted) are gone.
    expect(readdirSync(rec.run_dir)).toEqual(['exit-status']);
    expect(obs.violations).toEqual([]);
  });

  it('records exit code 3 for a paced run, lines arriving while it runs', async () => {
    const dir = tempDir();
    const obs = recorder();
    const gate = join(dir, 'go');
    const agent = linesAgent('count=20', 'pace=10', 'code=3', `gate=${gate}`, 'gateat=10');
    const rec = await runner().spawn(runSpec(dir, agent), obs);
    runs.push(rec);
    // The first 10 lines are delivered while the agent waits at its gate (streaming, not only at
    // exit): the gate keeps it running however slow the machine is.
    await waitFor(() => obs.out.length === 10, { what: 'streamed lines' });
    expect(obs.exits).toEqual([]);
    writeFileSync(gate, '');
    expect(await obs.exited).toEqual({ exit_code: 3, signal: null });
    expect(obs.out).toEqual(numbered(20));
    expect(obs.batches.length).toBeGreaterThan(1);
    expect(obs.violations).toEqual([]);
  });

  it('delivers an unterminated last line (and strips \\r of CRLF lines) before onExit', async () => {
    const dir = tempDir();
    const obs = recorder();
    const argv = [
      '/bin/sh',
      '-c',
      'printf "crlf one\\r\\ncrlf two\\r\\n"; printf "partial" >&2; printf "no newline at end"',
    ];
    runs.push(await runner().spawn(runSpec(dir, argv), obs));
    expect(await obs.exited).toEqual({ exit_code: 0, signal: null });
    expect(obs.out).toEqual(['crlf one', 'crlf two', 'no newline at end']);
    expect(obs.err).toEqual(['partial']);
    expect(obs.violations).toEqual([]);
  });

  it('delivers 5 MB of output completely and in order, in capped batches', async () => {
    const dir = tempDir();
    const obs = recorder();
    const n = 100_000;
    const pad = ' ' + 'x'.repeat(40);
    const rec = await runner().spawn(runSpec(dir, linesAgent(`count=${n}`, 'pad=40')), obs);
    runs.push(rec);
    await obs.exited;
    const size = bytesOf(numbered(n, 'line', pad));
    expect(size).toBeGreaterThan(5_000_000);
    expect(obs.out.length).toBe(n);
    expect(obs.out).toEqual(numbered(n, 'line', pad));
    expect(obs.offsets.stdout).toBe(size);
    expect(Math.max(...obs.batches.map((b) => b.lines.length))).toBeLessThanOrEqual(MAX_BATCH_LINES);
    expect(obs.violations).toEqual([]);
  });

  it('delivers a line longer than 1 MiB in pieces that add up to it', async () => {
    const dir = tempDir();
    const obs = recorder();
    // 2-byte chars, and an odd start so that a 1 MiB cut would fall inside one of them.
    const long = 'a' + 'é'.repeat(MAX_LINE_BYTES);
    const script = `process.stdout.write('before\\n' + 'a' + 'é'.repeat(${MAX_LINE_BYTES}) + '\\nafter\\n')`;
    runs.push(await runner().spawn(runSpec(dir, [process.execPath, '-e', script]), obs));
    await obs.exited;
    expect(obs.out[0]).toBe('before');
    expect(obs.out.at(-1)).toBe('after');
    const pieces = obs.out.slice(1, -1);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(long);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    expect(obs.violations).toEqual([]);
  });

  it('runs the agent with stdin on /dev/null, the given cwd and exactly the given env', async () => {
    const dir = tempDir();
    const obs = recorder();
    // `cat` would hang forever on an open stdin.
    runs.push(await runner().spawn(runSpec(dir, ['cat']), obs));
    expect(await obs.exited).toEqual({ exit_code: 0, signal: null });

    const obs2 = recorder();
    const spec = runSpec(dir, [process.execPath, join(AGENTS, 'echo-args.mjs')], {
      run_no: 2,
      run_dir: join(dir, 'run-2'),
      env: agentEnv({ AICODER_TEST_VAR: 'hello world' }),
    });
    runs.push(await runner().spawn(spec, obs2));
    await obs2.exited;
    expect(JSON.parse(obs2.out[0]!)).toEqual({ argv: [], cwd: dir, env: 'hello world' });

    const obs3 = recorder();
    const spec3 = runSpec(dir, ['/usr/bin/env'], { run_no: 3, run_dir: join(dir, 'run-3') });
    runs.push(await runner().spawn(spec3, obs3));
    await obs3.exited;
    // Only the given variables, plus PWD (= cwd) that the wrapper shell exports.
    expect(obs3.out.sort()).toEqual([`PATH=${agentEnv().PATH}`, `PWD=${dir}`]);
  });

  it('passes argv with shell metacharacters literally and executes none of it', async () => {
    const dir = tempDir();
    const obs = recorder();
    const evil = [
      '$(touch dollar)',
      '; touch semi',
      '`touch backtick`',
      `'"quotes" and 'single'`,
      'line1\nline2 $(touch nl)',
      '&& touch and || touch or | tee pipe > redirect',
      '*',
      '$HOME ${PATH} $1 "$@"',
      '-e',
      '',
    ];
    const runDirWeird = join(dir, 'run $(touch rundir) `x`;');
    const spec = runSpec(dir, [process.execPath, join(AGENTS, 'echo-args.mjs'), ...evil], {
      run_dir: runDirWeird,
    });
    runs.push(await runner().spawn(spec, obs));
    expect(await obs.exited).toEqual({ exit_code: 0, signal: null });
    expect(JSON.parse(obs.out[0]!).argv).toEqual(evil);
    expect(readdirSync(dir).sort()).toEqual(['run $(touch rundir) `x`;']);
    expect(readdirSync(runDirWeird).sort()).toEqual(['exit-status']);
  });

  it('runs a first word like eval as a program, never as a shell builtin', async () => {
    const dir = tempDir();
    const obs = recorder();
    runs.push(await runner().spawn(runSpec(dir, ['eval', 'touch pwned']), obs));
    expect((await obs.exited).exit_code).toBe(127);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('records 127 with a clear message when the executable does not exist', async () => {
    const dir = tempDir();
    const obs = recorder();
    runs.push(await runner().spawn(runSpec(dir, ['aicoder-no-such-program', 'x']), obs));
    expect(await obs.exited).toEqual({ exit_code: 127, signal: null });
    expect(obs.err.join('\n')).toContain('command not found: aicoder-no-such-program');
  });

  it('rejects a missing cwd and an empty argv with errors naming the field', async () => {
    const dir = tempDir();
    const r = runner();
    const missing = runSpec(join(dir, 'nope'), ['true'], { run_dir: join(dir, 'run') });
    await expect(r.spawn(missing, recorder())).rejects.toMatchObject({ code: 'invalid_input', field: 'cwd' });
    await expect(r.spawn(runSpec(dir, []), recorder())).rejects.toBeInstanceOf(AicoderError);
    await expect(r.spawn(runSpec(dir, []), recorder())).rejects.toMatchObject({ field: 'argv' });
    expect(existsSync(join(dir, 'run'))).toBe(false);
    // One argument over the kernel's 128 KiB limit.
    const huge = runSpec(dir, ['echo', 'x'.repeat(200_000)]);
    await expect(r.spawn(huge, recorder())).rejects.toMatchObject({ code: 'invalid_input', field: 'argv' });
  });

  it('retries a batch the observer could not store, from the same offset, until it succeeds: nothing skipped', async () => {
    const dir = tempDir();
    const logs: { level: LogLevel; msg: string }[] = [];
    const r = runner({ log: (level, msg) => logs.push({ level, msg }) });
    const inner = recorder();
    let calls = 0;
    let failLine2 = true;
    const obs = {
      onLines: (o: Parameters<typeof inner.onLines>[0]) => {
        calls++;
        if (calls === 1) throw new Error('transient');
        if (failLine2 && o.lines.includes('line 2')) throw new Error('disk full');
        inner.onLines(o);
      },
      onExit: (e: Parameters<typeof inner.onExit>[0]) => inner.onExit(e),
    };
    // Separate batches: line 2 and line 3 are printed only when the test says so.
    const spec = runSpec(dir, [
      '/bin/sh',
      '-c',
      'echo "line 1"; until [ -e go2 ]; do sleep 0.01; done; echo "line 2"; until [ -e go3 ]; do sleep 0.01; done; echo "line 3"',
    ]);
    runs.push(await r.spawn(spec, obs));
    await waitFor(() => inner.out.includes('line 1'), { what: 'line 1 after a retry' });
    writeFileSync(join(dir, 'go2'), '');
    await waitFor(() => calls >= 5, { what: 'failed attempts at line 2' });
    writeFileSync(join(dir, 'go3'), '');
    // The run has ended, but its end waits for every line: line 2 is still being retried.
    await waitFor(() => existsSync(join(dir, 'run-1', 'exit-status')), { what: 'the run ended' });
    const before = calls;
    await waitFor(() => calls >= before + 2, { what: 'retries after the run ended' });
    expect(inner.exits).toEqual([]);
    expect(inner.out).toEqual(['line 1']);
    failLine2 = false; // space is back
    expect(await inner.exited).toEqual({ exit_code: 0, signal: null });
    expect(inner.out).toEqual(['line 1', 'line 2', 'line 3']);
    expect(inner.violations).toEqual([]);
    const failures = logs.filter((l) => l.msg.startsWith('cannot store output'));
    expect(failures.map((l) => l.level)).toEqual(['error', 'error']); // once per episode, not per retry
    expect(logs.some((l) => l.msg === 'output stored again after failures')).toBe(true);
  });

  it('refuses to watch the same run twice', async () => {
    const dir = tempDir();
    const r = runner();
    const rec = await r.spawn(runSpec(dir, linesAgent('count=1', 'hold=1')), recorder());
    runs.push(rec);
    await expect(r.spawn(runSpec(dir, ['true']), recorder())).rejects.toMatchObject({ code: 'conflict' });
    await expect(r.adopt(rec, recorder())).rejects.toMatchObject({ code: 'conflict' });
  });
});
