/**
 * The roles a create can name, as listed to people and programs: `aicoder roles --json` (read by the
 * CLI itself, no daemon), `GET /api/roles` and the MCP resource `aicoder://roles` (read by the
 * daemon). One shape for all three (docs/roles.md):
 *   {roles: RoleListing[] (by name), errors: [{source, message}] (files skipped), dirs: {shipped, user}}.
 */
import { sep } from 'node:path';
import type { Role, RoleCatalog } from './roles.js';

/** One role as it is listed. */
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

/** The roles there are, the role files skipped (file and reason), and the two folders read. */
export interface RolesAnswer {
  roles: RoleListing[];
  errors: { source: string; message: string }[];
  /** Absolute paths: the shipped roles' folder and the user's (which may not exist yet). */
  dirs: { shipped: string; user: string };
}

/** Lists a catalog (core/roles-catalog.ts); a role's origin is the folder of its file. */
export function listRoles(catalog: RoleCatalog): RolesAnswer {
  const dirs = catalog.dirs;
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
  return { roles, errors: catalog.errors(), dirs: { ...dirs } };
}
