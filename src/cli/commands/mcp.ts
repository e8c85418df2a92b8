/** `aicoder mcp`: a stdio MCP server that forwards every message to the daemon's /mcp. */
import type { Command } from 'commander';
import type { Logger } from '../../core/ports.js';
import type { CliContext } from '../context.js';

export function registerMcpCommand(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description("a stdio MCP server for clients that only speak stdio (forwards to the daemon's /mcp)")
    .action(async () => {
      const { runStdioBridge } = await import('../../mcp/index.js');
      const client = await ctx.client();
      // stdout carries the protocol: diagnostics go to stderr, warnings and errors only.
      const log: Logger = (level, msg, data) => {
        if (level === 'warn' || level === 'error') {
          ctx.out.rawErr(`aicoder mcp: ${msg}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
        }
      };
      await runStdioBridge({
        baseUrl: client.baseUrl,
        log,
        ensureDaemon: async () => {
          ctx.resetClient();
          await ctx.client();
        },
      });
    });
}
