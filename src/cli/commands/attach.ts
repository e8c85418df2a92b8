/**
 * `aicoder attach ID`: a person takes over a coder (docs/attach.md, core/attach.ts). The daemon stops
 * a running coder, marks it `attached` and answers the argv of the agent's own interactive UI (the
 * provider file's `attach_command`, wrapped in the coder's sandbox); this process runs it with the
 * user's terminal (stdio inherited, never through a shell) in the coder's worktree, and hands the
 * coder back when the UI exits. The daemon leases the attach on this process's pid and start time:
 * if this process dies, the daemon ends the attach by itself. The terminal part is shared with the
 * TUI's attach key (term/attach-run.ts).
 */
import type { Command } from 'commander';
import { AicoderError } from '../../core/errors.js';
import { attachHolder, attachedNote, handedBackNote, runInTerminal } from '../../term/attach-run.js';
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
  const holder = attachHolder();
  const client = await ctx.client();
  if (!client.attach || !client.detach) throw new AicoderError('not_supported', 'this client cannot attach');
  const plan = await client.attach(id, holder);
  const coderId = plan.coder.id;
  out.note(attachedNote(plan));
  let exitCode: number | null = null;
  let runError: Error | null = null;
  try {
    exitCode = await runInTerminal(plan);
  } catch (e) {
    runError = e as Error;
  }
  const coder = await client.detach(coderId, { exit_code: exitCode });
  if (json) out.json(coder);
  else out.note(handedBackNote(coder));
  if (runError !== null) {
    throw new AicoderError('not_supported', `cannot run ${plan.argv[0] ?? '?'}: ${runError.message}`);
  }
  if (exitCode !== 0) ctx.exitCode = EXIT_FAILED;
}
