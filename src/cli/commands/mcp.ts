/**
 * `aicoder mcp`: the stdio MCP bridge to the daemon's /mcp (see mcp/stdio-bridge.ts).
 * `aicoder mcp add claude|codex|gemini`: registers aicoder in that client's config file
 * (mcp/client-config.ts) and prints what it wrote.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { AicoderError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

export function registerMcpCommand(program: Command, ctx: CliContext): void {
  const mcp = program
    .command('mcp')
    .description(
      'a stdio MCP server for clients that only speak stdio: answers initialize and tools/list at once, starts the daemon if needed and forwards the rest to its /mcp',
    )
    .action(async () => {
      const { runBridgeProcess } = await import('../../mcp/bridge-main.js');
      await runBridgeProcess();
    });

  mcp
    .command('add')
    .argument('<client>', 'claude, codex or gemini')
    .description("register aicoder in an MCP client's own config file (nothing else in it changes)")
    .option('--transport <transport>', 'stdio (the bridge; starts the daemon when needed) or http', 'stdio')
    .option('--name <name>', 'server name in the client config', 'aicoder')
    .option('--json', 'print {client, file, transport, entry} as JSON')
    .action(async (client: string, opts: { transport: string; name: string; json?: boolean }) => {
      const cfg = await import('../../mcp/client-config.js');
      const { loadEnvSettings } = await import('../../daemon/config.js');
      if (!(cfg.MCP_CLIENTS as readonly string[]).includes(client)) {
        throw new AicoderError(
          'invalid_input',
          `client must be one of ${cfg.MCP_CLIENTS.join(', ')} (got "${client}")`,
          {
            field: 'client',
          },
        );
      }
      if (opts.transport !== 'stdio' && opts.transport !== 'http') {
        throw new AicoderError(
          'invalid_input',
          `--transport must be stdio or http (got "${opts.transport}")`,
          {
            field: 'transport',
          },
        );
      }
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(opts.name)) {
        throw new AicoderError('invalid_input', '--name must be 1–64 letters, digits, "-" or "_"', {
          field: 'name',
        });
      }
      const { home, port } = loadEnvSettings(ctx.env);
      const env: Record<string, string> = {};
      for (const k of ['AICODER_HOME', 'AICODER_PORT'] as const) {
        const v = ctx.env[k];
        if (v) env[k] = v;
      }
      const bin = realpathSync(process.argv[1] ?? 'aicoder');
      const name = client as (typeof cfg.MCP_CLIENTS)[number];
      const entry = cfg.registrationEntry({
        client: name,
        transport: opts.transport,
        name: opts.name,
        url: `http://127.0.0.1:${port}/mcp`,
        command: [process.execPath, bin, 'mcp'],
        env,
        ...(opts.transport === 'http' ? { headers: await ownerHeaders(home) } : {}),
      });
      const file = cfg.clientConfigPath(name, ctx.env, ctx.env.HOME ?? homedir());
      const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const after =
        name === 'codex'
          ? cfg.setTomlServer(before, opts.name, entry, file)
          : cfg.setJsonServer(before, opts.name, entry, file);
      mkdirSync(dirname(file), { recursive: true });
      // Atomic: a crash never leaves the client's config half written.
      const tmp = `${file}.aicoder-${process.pid}.tmp`;
      writeFileSync(tmp, after, { mode: 0o600 });
      if (existsSync(file)) chmodSync(tmp, statMode(file));
      renameSync(tmp, file);
      // The token is written into the client's file, never printed (terminals and logs keep output).
      const { redactEntry } = await import('../../mcp/client-config.js');
      const printed = redactEntry(entry);
      if (opts.json) {
        ctx.out.json({ client: name, file, transport: opts.transport, name: opts.name, entry: printed });
        return;
      }
      const shown =
        name === 'codex'
          ? cfg.tomlTable(opts.name, printed)
          : `${JSON.stringify({ [opts.name]: printed }, null, 2)}\n`;
      ctx.out.line(
        `wrote ${name === 'codex' ? `[mcp_servers.${opts.name}]` : `mcpServers.${opts.name}`} in ${file}:`,
      );
      ctx.out.raw(shown);
      ctx.out.line(cfg.headlessHint(name, opts.name));
    });
}

/**
 * `{Authorization: "Bearer <owner token>"}` for an HTTP registration (docs/security.md). The token
 * is made now (home 0700, file 0600) when no daemon has made it yet, so the entry works from the
 * daemon's first start; the daemon keeps an existing token across restarts.
 */
async function ownerHeaders(home: string): Promise<Record<string, string>> {
  const { ensureOwnerToken } = await import('../../daemon/owner-token.js');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return { Authorization: `Bearer ${ensureOwnerToken(home)}` };
}

/** The client's own file mode (e.g. 0600 for ~/.claude.json), kept on rewrite. */
function statMode(file: string): number {
  return statSync(file).mode & 0o777;
}
