/**
 * Starts an agent under the wrapper in its own process group (setsid), with stdin on /dev/null and
 * stdout/stderr appended straight to files in the run directory (file descriptors, not pipes), so the
 * agent keeps running and keeps its output when the daemon goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { Logger, RunRecord, RunSpec } from '../core/ports.js';
import { readProcStat } from './proc-stat.js';
import {
  EXIT_STATUS_FILE,
  STDERR_FILE,
  STDOUT_FILE,
  WRAPPER_SHELL,
  exitStatusPath,
  wrapperArgs,
} from './wrapper.js';

export interface Spawned {
  record: RunRecord;
  /** The wrapper's own end, as its parent sees it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function validateSpec(spec: RunSpec): void {
  if (spec.argv.length === 0 || spec.argv[0] === '') {
    throw new AicoderError('invalid_input', 'argv must hold at least the program to run', { field: 'argv' });
  }
  spec.argv.forEach((a, i) => {
    if (a.includes('\0')) {
      throw new AicoderError('invalid_input', `argv[${i}] must not contain NUL bytes`, { field: 'argv' });
    }
  });
  for (const [k, v] of Object.entries(spec.env)) {
    if (k === '' || k.includes('=') || k.includes('\0') || v.includes('\0')) {
      throw new AicoderError('invalid_input', `env entry '${k}' must have a name without '=' or NUL bytes`, {
        field: 'env',
      });
    }
  }
  let isDir = false;
  try {
    isDir = statSync(spec.cwd).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new AicoderError('invalid_input', `cwd must be an existing directory: ${spec.cwd}`, {
      field: 'cwd',
    });
  }
}

export async function spawnWrapped(spec: RunSpec, log: Logger, umask?: number): Promise<Spawned> {
  validateSpec(spec);
  mkdirSync(spec.run_dir, { recursive: true });
  // A run directory is meant for one run; a stale status would make a later adopt see a false exit.
  for (const f of [EXIT_STATUS_FILE, `${EXIT_STATUS_FILE}.tmp`]) {
    rmSync(join(spec.run_dir, f), { force: true });
  }

  const out = openSync(join(spec.run_dir, STDOUT_FILE), 'a');
  let err: number | undefined;
  let child: ChildProcess;
  let offsets: RunRecord['offsets'];
  try {
    err = openSync(join(spec.run_dir, STDERR_FILE), 'a');
    // Existing content (a reused run directory) is not this run's output.
    offsets = { stdout: fstatSync(out).size, stderr: fstatSync(err).size };
    if (offsets.stdout > 0 || offsets.stderr > 0) {
      log('warn', 'run directory already holds output; this run starts after it', {
        run_dir: spec.run_dir,
        offsets,
      });
    }
    child = startWrapper(spec, out, err, umask);
  } finally {
    // The child holds its own copies of the descriptors.
    closeSync(out);
    if (err !== undefined) closeSync(err);
  }

  const pid = child.pid;
  if (pid === undefined) {
    const e = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw spawnError(e);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.on('error', (e) => log('warn', 'agent process error', { pid, error: String(e) }));
  child.unref();

  // Read at once: until this event loop reaps it, the wrapper exists (at worst as a zombie).
  const st = readProcStat(pid);
  if (st === null) log('warn', 'no /proc stat for the new process; pid reuse cannot be detected', { pid });
  const record: RunRecord = {
    coder_id: spec.coder_id,
    run_no: spec.run_no,
    pid,
    pgid: st?.pgrp ?? pid,
    start_time: st?.start_time ?? '',
    run_dir: spec.run_dir,
    offsets,
  };
  return { record, exited };
}

function startWrapper(spec: RunSpec, out: number, err: number, umask: number | undefined): ChildProcess {
  // The child inherits the umask at fork time (inside spawn): the agent gets the user's, while the
  // output files above were created under the daemon's 077 (the wrapper restores 077 for exit-status).
  const previous = umask === undefined ? undefined : process.umask(umask);
  try {
    return spawn(WRAPPER_SHELL, wrapperArgs(exitStatusPath(spec.run_dir), spec.argv), {
      cwd: spec.cwd,
      env: { ...spec.env },
      detached: true,
      stdio: ['ignore', out, err],
      windowsHide: true,
    });
  } catch (e) {
    throw spawnError(e);
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

function spawnError(e: unknown): AicoderError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'E2BIG') {
    return new AicoderError(
      'invalid_input',
      'argv and env are too large for the OS: one argument may hold at most 128 KiB, all together about 2 MiB',
      { field: 'argv', cause: e },
    );
  }
  return new AicoderError('internal', `could not start the agent process: ${String(e)}`, {
    field: 'argv',
    cause: e,
  });
}
