/**
 * `aicoder attach ID`: a person takes over a coder (docs/attach.md, core/attach.ts). The daemon stops
 * a running coder, marks it `attached` and answers the argv of the agent's own interactive UI (the
 * provider file's `attach_command`, wrapped in the coder's sandbox); this process runs it with the
 * user's terminal (stdio inherited, never through a shell) in the coder's worktree, and hands the
 * coder back when the UI exits. The daemon leases the attach on this process's pid and start time:
 * if this process dies, the daemon ends the attach by itself.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { AicoderError } from '../../core/errors.js';
import type { AttachPlan } from '../../core/attach.js';
import { readProcStat } from '../../process/proc-stat.js';
import type { CliContext } from '../context.js';
import { EXIT_FAILED } from '../exit-codes.js';

export function registerAttachCommand(program: Command, ctx: CliContext): void {
  program
    .command('attach')
    .description("take over a coder: run the agent's own interactive UI on its session, in its worktree")
    .argument('<id>', 'coder id or unique prefix')
    .option('--json', 'print the coder record as JSON once the attach has ended')
    .action(async (id: string, o: { json?: boolean }) => {
      await attach(ctx, id, o.json === true);
    });
}

async function attach(ctx: CliContext, id: string, json: boolean): Promise<void> {
  const { out } = ctx;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new AicoderError('invalid_input', "attach needs a terminal: the agent's UI is interactive", {
      field: 'id',
    });
  }
  const self = readProcStat(process.pid);
  if (self === null)
    throw new AicoderError('not_supported', 'attach needs Linux /proc (to lease the attach)');
  const client = await ctx.client();
  if (!client.attach || !client.detach) throw new AicoderError('not_supported', 'this client cannot attach');
  const plan = await client.attach(id, { pid: process.pid, start_time: self.start_time });
  const coderId = plan.coder.id;
  out.note(
    `${plan.stopped ? 'stopped and attached to' : 'attached to'} coder ${coderId} (${plan.coder.provider}, ` +
      `session ${plan.coder.session_id ?? '?'}); quit the agent to hand the coder back`,
  );
  let exitCode: number | null = null;
  let runError: Error | null = null;
  try {
    exitCode = await runInTerminal(plan);
  } catch (e) {
    runError = e as Error;
  }
  const coder = await client.detach(coderId, { exit_code: exitCode });
  if (json) out.json(coder);
  else out.note(`coder ${coderId} is ${coder.state} again (files changed: ${coder.stats.files_changed})`);
  if (runError !== null) {
    throw new AicoderError('not_supported', `cannot run ${plan.argv[0] ?? '?'}: ${runError.message}`);
  }
  if (exitCode !== 0) ctx.exitCode = EXIT_FAILED;
}

/**
 * Runs the plan's argv with this process's terminal; resolves with its exit code (128 + signal number
 * when a signal ended it). Ctrl-C and Ctrl-\ belong to the agent's UI while it runs.
 */
function runInTerminal(plan: AttachPlan): Promise<number> {
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
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
}

function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 0;
}
