/**
 * The terminal side of a takeover (`aicoder attach`, docs/attach.md), shared by the CLI command and
 * the TUI's attach key: who holds the attach (this process, for the daemon's lease), running the
 * plan's argv with this process's terminal, and the one-line notes both surfaces print.
 *
 * The flow is: `client.attach(id, attachHolder())` → AttachPlan; `runInTerminal(plan)` → exit code;
 * `client.detach(plan.coder.id, { exit_code })` → the coder handed back. The caller owns the
 * terminal around `runInTerminal` (the TUI suspends Ink and leaves its alternate screen first).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { AttachHolder, AttachPlan } from '../core/attach.js';
import type { Coder } from '../core/coder.js';
import { AicoderError } from '../core/errors.js';
import { readProcStat } from '../process/proc-stat.js';

/**
 * This process as the attach's holder: its pid and /proc start time (the daemon ends the attach by
 * itself when this process is gone). Throws `not_supported` without Linux /proc.
 */
export function attachHolder(): AttachHolder {
  const self = readProcStat(process.pid);
  if (self === null)
    throw new AicoderError('not_supported', 'attach needs Linux /proc (to lease the attach)');
  return { pid: process.pid, start_time: self.start_time };
}

/** "stopped and attached to coder <id> (<provider>, session <s>); quit the agent to hand the coder back" */
export function attachedNote(plan: AttachPlan): string {
  return (
    `${plan.stopped ? 'stopped and attached to' : 'attached to'} coder ${plan.coder.id} (${plan.coder.provider}, ` +
    `session ${plan.coder.session_id ?? '?'}); quit the agent to hand the coder back`
  );
}

/** "coder <id> is <state> again (files changed: N)" */
export function handedBackNote(coder: Coder): string {
  return `coder ${coder.id} is ${coder.state} again (files changed: ${coder.stats.files_changed})`;
}

/**
 * Runs the plan's argv (never through a shell) in `plan.cwd` with this process's terminal (stdin,
 * stdout and stderr inherited) and this process's environment without AICODER_* variables plus
 * `plan.env`. Resolves with its exit code (128 + the signal's number when a signal ended it); rejects
 * when it cannot be started (ENOENT, EACCES). Ctrl-C and Ctrl-\ belong to the agent's UI while it
 * runs (this process ignores SIGINT and SIGQUIT meanwhile); SIGTERM and SIGHUP are passed on to it.
 */
export function runInTerminal(plan: AttachPlan): Promise<number> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('AICODER_')) env[k] = v;
  }
  Object.assign(env, plan.env);
  const [program, ...args] = plan.argv;
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, { cwd: plan.cwd, env, stdio: 'inherit' });
    const ignore = (): void => {};
    const forward = (sig: NodeJS.Signals) => (): void => {
      child.kill(sig);
    };
    const onTerm = forward('SIGTERM');
    const onHup = forward('SIGHUP');
    process.on('SIGINT', ignore);
    process.on('SIGQUIT', ignore);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    const cleanup = (): void => {
      process.off('SIGINT', ignore);
      process.off('SIGQUIT', ignore);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
    };
    child.once('error', (e) => {
      cleanup();
      reject(e);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
