/** `aicoder mcp`: the stdio MCP bridge to the daemon's /mcp (see mcp/stdio-bridge.ts). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerMcpCommand(program: Command, _ctx: CliContext): void {
  program
    .command('mcp')
    .description(
      'a stdio MCP server for clients that only speak stdio: answers initialize and tools/list at once, starts the daemon if needed and forwards the rest to its /mcp',
    )
    .action(async () => {
      const { runBridgeProcess } = await import('../../mcp/bridge-main.js');
      await runBridgeProcess();
    });
}
