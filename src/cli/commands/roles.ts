/**
 * `aicoder roles [--json]`: the roles a create can name (docs/roles.md). It reads the role files
 * itself, the way the daemon does at each create (core/roles-catalog.ts): the shipped ones in
 * templates/roles/, then AICODER_HOME/roles/, whose files win by name. No daemon is needed.
 *
 * `--json` prints `{roles: RoleListing[], errors: [{source, message}], dirs: {shipped, user}}`.
 */
import { join, sep } from 'node:path';
import type { Command } from 'commander';
import { builtinRolesDir, loadRoleCatalog } from '../../core/roles-catalog.js';
import type { Role } from '../../core/roles.js';
import { loadEnvSettings } from '../../local/env-settings.js';
import type { CliContext } from '../context.js';
import type { Cell } from '../output.js';

/** One role as `aicoder roles --json` shows it. */
export interface RoleListing {
  name: string;
  description: string;
  /** `shipped` (templates/roles) or `user` (AICODER_HOME/roles; replaces a shipped one of its name). */
  origin: 'shipped' | 'user';
  /** The file it was read from (absolute path). */
  source: string;
  /** `all`, or `read_only`: the provider's reading tools only (docs/roles.md#how-providers-take-a-role). */
  tools: Role['tools'];
  /** Null: the provider's own; a name for every provider; or provider → name. */
  model: Role['model'];
  /** The coder-endpoint tools it may call: progress, ask_user, heartbeat. */
  report: Role['report'];
  /** Characters of system prompt it adds (0: none). */
  system_prompt_chars: number;
}

/** Where the roles come from and what they are, for the home of `env`. */
export function listRoles(env: Readonly<Record<string, string | undefined>>): {
  roles: RoleListing[];
  errors: { source: string; message: string }[];
  dirs: { shipped: string; user: string };
} {
  const dirs = { shipped: builtinRolesDir(), user: join(loadEnvSettings(env).home, 'roles') };
  const catalog = loadRoleCatalog({ builtinDir: dirs.shipped, userDir: dirs.user });
  const roles = catalog.list().map((r): RoleListing => ({
    name: r.name,
    description: r.description,
    origin: r.source.startsWith(dirs.user + sep) ? 'user' : 'shipped',
    source: r.source,
    tools: r.tools,
    model: r.model,
    report: r.report,
    system_prompt_chars: r.system_prompt.length,
  }));
  return { roles, errors: catalog.errors(), dirs };
}

function modelText(model: Role['model']): string {
  if (model === null) return '-';
  if (typeof model === 'string') return model;
  const pairs = Object.entries(model).map(([p, m]) => `${p}=${m}`);
  return pairs.length === 0 ? '-' : pairs.join(' ');
}

export function registerRolesCommand(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('roles')
    .description(
      'list the roles: shipped (templates/roles) and yours (AICODER_HOME/roles), which win by name',
    )
    .option('--json', 'print {roles, errors, dirs} as JSON')
    .action((o: { json?: boolean }) => {
      const listing = listRoles(ctx.env);
      if (o.json) return out.json(listing);
      out.table(
        ['NAME', 'TOOLS', 'MODEL', 'REPORTS', 'FROM', 'DESCRIPTION'],
        listing.roles.map((r): Cell[] => [
          { text: r.name, style: 'bold' },
          r.tools === 'read_only' ? { text: 'read only', style: 'yellow' } : 'all',
          modelText(r.model),
          r.report.join(',') || '-',
          r.origin === 'user' ? { text: 'yours', style: 'green' } : 'shipped',
          r.description,
        ]),
      );
      for (const r of listing.roles) out.line(out.paint('dim', `${r.name}: ${r.source}`));
      out.line(out.paint('dim', `your roles go in ${listing.dirs.user} (docs/roles.md)`));
      if (listing.errors.length > 0) {
        out.line();
        out.line(out.paint('red', `${listing.errors.length} role file(s) skipped:`));
        for (const e of listing.errors) out.line(`  ${e.message}`);
      }
    });
}
