/**
 * The process entry of `aicoder mcp` (bin/aicoder.js loads it directly, before the CLI, so that node
 * answers `initialize` within a few hundred milliseconds): the stdio bridge, with the daemon found or
 * started through client/ensure-daemon.ts in the background. Diagnostics go to stderr.
 */
import type { Logger } from '../core/ports.js';
import { packageVersion } from '../daemon/version.js';
import { runStdioBridge } from './stdio-bridge.js';

export async function runBridgeProcess(version = packageVersion()): Promise<void> {
  const log: Logger = (level, msg, data) => {
    if (level === 'warn' || level === 'error') {
      process.stderr.write(`aicoder mcp: ${msg}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
    }
  };
  let auth: Record<string, string> = {};
  await runStdioBridge({
    log,
    version,
    baseUrl: async () => {
      const { ensureDaemon } = await import('../client/ensure-daemon.js');
      const client = await ensureDaemon({
        env: process.env,
        onWaiting: (note) => process.stderr.write(`aicoder mcp: ${note}\n`),
      });
      auth = { ...client.authHeaders }; // the owner token (docs/security.md)
      return client.baseUrl;
    },
    headers: () => auth,
  });
}
