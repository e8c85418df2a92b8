/** `aicoder tui`: the terminal UI, a client of the daemon (quitting it stops nothing). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { gitToplevel } from '../git-toplevel.js';

export function registerTuiCommand(program: Command, ctx: CliContext): void {
  program
    .command('tui')
    .description('the terminal UI: every coder live, with a key for every control')
    .action(async () => {
      // Ink renders only the last frame when it believes it runs in CI (it reads CI and
      // CONTINUOUS_INTEGRATION once, when imported). The TUI is interactive by definition (it refuses
      // a non-TTY stdin), so on a terminal those flags must not switch it off.
      if (process.stdin.isTTY && process.stdout.isTTY) {
        delete process.env.CI;
        delete process.env.CONTINUOUS_INTEGRATION;
      }
      // Loaded here: ink and react are only needed by this command.
      const { runTui } = await import('../../tui/index.js');
      const client = await ctx.client();
      await runTui({ client, cwdRepo: gitToplevel(ctx.cwd), env: { ...ctx.env } });
    });
}
