/** `aicoder tui`: the terminal UI, a client of the daemon (quitting it stops nothing). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { gitToplevel } from '../git-toplevel.js';

export function registerTuiCommand(program: Command, ctx: CliContext): void {
  program
    .command('tui')
    .description('the terminal UI: every coder live, with a key for every control')
    .action(async () => {
      // Loaded here: ink and react are only needed by this command.
      const { runTui } = await import('../../tui/index.js');
      const client = await ctx.client();
      await runTui({ client, cwdRepo: gitToplevel(ctx.cwd), env: { ...ctx.env } });
    });
}
