/**
 * `aicoder roles [--json]`: the roles a create can name (docs/roles.md). It reads the role files
 * itself, the way the daemon does at each create (core/roles-catalog.ts): the shipped ones in
 * templates/roles/, then AICODER_HOME/roles/, whose files win by name. No daemon is needed.
 *
 * `--json` prints `{roles: RoleListing[], errors: [{source, message}], dirs: {shipped, user}}`
 * (core/roles-listing.ts; the daemon answers the same at `GET /api/roles` and `aicoder://roles`).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { builtinRolesDir, loadRoleCatalog } from '../../core/roles-catalog.js';
import type { Role } from '../../core/roles.js';
import { listRoles, type RolesAnswer } from '../../core/roles-listing.js';
import { loadEnvSettings } from '../../local/env-settings.js';
import type { CliContext } from '../context.js';
import type { Cell } from '../output.js';

/** Where the roles come from and what they are, for the home of `env` (core/roles-listing.ts). */
export function listRolesOf(env: Readonly<Record<string, string | undefined>>): RolesAnswer {
  const dirs = { shipped: builtinRolesDir(), user: join(loadEnvSettings(env).home, 'roles') };
  return listRoles(loadRoleCatalog({ builtinDir: dirs.shipped, userDir: dirs.user }));
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
      const listing = listRolesOf(ctx.env);
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
