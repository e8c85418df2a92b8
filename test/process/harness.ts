/** Shared bits of the process tests: a recording observer, fake-agent argv, run specs and cleanup. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ExitResult,
  OutputLines,
  RunObserver,
  RunRecord,
  RunSpec,
  Runner,
} from '../../src/core/ports.js';
import { afterAll, afterEach } from 'vitest';
import { createLocalRunner, type LocalRunnerOptions } from '../../src/process/index.js';
import { isSameLiveProcess } from '../../src/process/proc-stat.js';
import { cleanupTemp } from '../helpers/env.js';

export const AGENTS = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/agents');

/** argv for the line-printing fake agent (see test/fixtures/agents/lines.mjs for the options). */
export function linesAgent(...opts: string[]): string[] {
  return [process.execPath, join(AGENTS, 'lines.mjs'), ...opts];
}

export function agentEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

export function runSpec(dir: string, argv: readonly string[], extra: Partial<RunSpec> = {}): RunSpec {
  return {
    coder_id: 'c1',
    run_no: 1,
    argv,
    cwd: dir,
    env: agentEnv(),
    run_dir: join(dir, 'run-1'),
    ...extra,
  };
}

/**
 * An observer that records everything and checks the contract as it goes: offsets strictly
 * increasing per stream, no lines after onExit, onExit at most once. `violations` must stay empty.
 */
export interface Recorder extends RunObserver {
  out: string[];
  err: string[];
  batches: OutputLines[];
  exits: ExitResult[];
  offsets: { stdout: number; stderr: number };
  violations: string[];
  exited: Promise<ExitResult>;
}

export function recorder(start: { stdout: number; stderr: number } = { stdout: 0, stderr: 0 }): Recorder {
  let resolveExit!: (r: ExitResult) => void;
  const rec: Recorder = {
    out: [],
    err: [],
    batches: [],
    exits: [],
    offsets: { ...start },
    violations: [],
    exited: new Promise<ExitResult>((r) => (resolveExit = r)),
    onLines(o: OutputLines) {
      if (rec.exits.length > 0) rec.violations.push(`lines after exit on ${o.stream}`);
      if (o.offset <= rec.offsets[o.stream]) {
        rec.violations.push(`${o.stream} offset ${o.offset} not after ${rec.offsets[o.stream]}`);
      }
      if (o.lines.length === 0) rec.violations.push('empty batch');
      rec.offsets[o.stream] = o.offset;
      rec.batches.push(o);
      (o.stream === 'stdout' ? rec.out : rec.err).push(...o.lines);
    },
    onExit(r: ExitResult) {
      if (rec.exits.length > 0) rec.violations.push('onExit called twice');
      rec.exits.push(r);
      resolveExit(r);
    },
  };
  return rec;
}

/** Bytes of lines written one per line (the size an output file had before it was removed). */
export function bytesOf(lines: readonly string[]): number {
  return lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
}

export function numbered(n: number, prefix = 'line', pad = ''): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}${pad}`);
}

/** SIGKILLs the groups of runs a test left behind (only if the recorded process is still the same). */
export function killLeftovers(runs: RunRecord[]): void {
  for (const r of runs.splice(0)) {
    if (!isSameLiveProcess(r.pid, r.start_time)) continue;
    try {
      process.kill(-r.pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * A test file's real runners and runs, ended after each test: every runner made by `runner()` is
 * detached and every run pushed to `runs` that is still the same live process is SIGKILLed (its group).
 * `runner(options)` overrides the file's default options. Temp folders go after the file. Call once at the top level of a test file.
 */
export function useRunners(defaults: LocalRunnerOptions = {}): {
  runner: (options?: LocalRunnerOptions) => Runner;
  runs: RunRecord[];
} {
  const runners: Runner[] = [];
  const runs: RunRecord[] = [];
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.detachAll()));
    killLeftovers(runs);
  });
  afterAll(() => cleanupTemp());
  return {
    runner: (options = defaults) => {
      const r = createLocalRunner(options);
      runners.push(r);
      return r;
    },
    runs,
  };
}
