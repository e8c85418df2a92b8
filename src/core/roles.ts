/**
 * Roles: named presets applied to a coder at create (`--role NAME`, MCP/REST `role`). A role is a
 * system prompt, the tools the agent may use (`all`, or `read_only`: it reads and reports, never
 * writes the worktree), optionally a model, and what it may report on its coder endpoint
 * (aicoder_report_progress / aicoder_ask_user / aicoder_heartbeat). The file format is a user
 * contract (docs/roles.md); the files live in templates/roles/ and in AICODER_HOME/roles/
 * (core/roles-catalog.ts loads them; the user's win by name).
 *
 * A role is applied through the provider's argv template (providers/argv.ts placeholders
 * `{system_prompt}`, `{role_prompt}`, `{role_prompt_toml}`, `{role_tools}`) and the provider's
 * `read_only` definition. A provider that cannot carry the role says so (not_supported) before
 * anything is made: no template placeholder for the prompt, or no `read_only` for a read-only role.
 */
import { AicoderError } from './errors.js';
import type { ProviderDef } from './ports.js';

import type { CoderRoleRecord } from '../protocol/records.js';
import { ROLE_REPORTS, ROLE_TOOLS } from '../protocol/role-names.js';

/** What a role may report on its coder endpoint, by tool: progress, ask_user, heartbeat. */
export { ROLE_REPORTS, ROLE_TOOLS };
export type RoleReport = (typeof ROLE_REPORTS)[number];

/** The tools an agent may use: every tool its provider gives it, or the reading ones only. */
export type RoleTools = (typeof ROLE_TOOLS)[number];

/** A role as defined in a role file (templates/roles/*.json, AICODER_HOME/roles/*.json). */
export interface Role {
  name: string;
  description: string;
  /** Appended to the agent's system prompt. Empty: none. */
  system_prompt: string;
  tools: RoleTools;
  /**
   * The model when the create names none: one for every provider (a string), or per provider name
   * (`{"claude": "opus"}`); null: the provider's own.
   */
  model: string | Record<string, string> | null;
  report: RoleReport[];
  /** The file it came from. */
  source: string;
}

/** The role as a coder carries it (a snapshot taken at create, so an edited file changes no coder). */
export type CoderRole = CoderRoleRecord;

/** Roles by name (core/roles-catalog.ts). */
export interface RoleCatalog {
  get(name: string): Role | undefined;
  list(): Role[];
  /** Role files skipped while loading (file and message naming the key). */
  errors(): { source: string; message: string }[];
  /** The folders it reads (absolute paths): the shipped roles' and the user's. */
  readonly dirs: { shipped: string; user: string };
}

/** The argv placeholders that carry a role's system prompt (a provider names one to take prompts). */
const PROMPT_PLACEHOLDERS = ['{system_prompt}', '{role_prompt}', '{role_prompt_toml}'];

export function coderRole(role: Role): CoderRole {
  return {
    name: role.name,
    system_prompt: role.system_prompt,
    tools: role.tools,
    report: [...role.report],
  };
}

/** The role by name, or invalid_input naming the field and the roles there are. */
export function findRole(catalog: RoleCatalog | undefined, name: string, field = 'role'): Role {
  const role = catalog?.get(name);
  if (role) return role;
  const known = catalog?.list().map((r) => r.name) ?? [];
  throw new AicoderError(
    'invalid_input',
    `${field} must name a role: ${known.join(', ') || 'none is defined'} (got "${name}")`,
    { field },
  );
}

/**
 * Refuses (not_supported, field `provider`) when the provider cannot carry the role: a system prompt
 * needs a prompt placeholder in its `command`; read_only needs the provider's `read_only`.
 */
export function requireRoleSupport(
  def: ProviderDef,
  role: Pick<Role, 'name' | 'system_prompt' | 'tools'>,
): void {
  const takesPrompt = def.command.some((el) => PROMPT_PLACEHOLDERS.some((p) => el.includes(p)));
  if (role.system_prompt.trim() !== '' && !takesPrompt) {
    throw new AicoderError(
      'not_supported',
      `provider '${def.name}' cannot take role '${role.name}': it has no way to add a system prompt ` +
        '(its command names none of {system_prompt} {role_prompt} {role_prompt_toml})',
      { field: 'provider' },
    );
  }
  if (role.tools === 'read_only' && def.read_only === undefined) {
    throw new AicoderError(
      'not_supported',
      `provider '${def.name}' cannot take role '${role.name}': it cannot be limited to reading (no "read_only" in its definition)`,
      { field: 'provider' },
    );
  }
}

/**
 * Refuses (not_supported, naming `field`: `sandbox` by default, `review_by` for the cross-review)
 * a read-only role whose provider keeps to reading with its own sandbox, when the coder runs under
 * ours: the provider's `read_only.args` replace an argument that its `sandbox_args` replace too, so
 * both cannot hold. Codex is the case: the role turns `--sandbox=workspace-write` into
 * `--sandbox=read-only`, and under bwrap its own sandbox has to be off (`danger-full-access`)
 * because it cannot nest inside bubblewrap; a read-only Codex under bwrap fails at its first command.
 * `who` prefixes the message (e.g. `agents[1]: `) for a group's member.
 */
export function requireRoleUnderSandbox(
  def: ProviderDef,
  role: Pick<Role, 'name' | 'tools'>,
  sandbox: { mode: string },
  opts: { field?: string; who?: string } = {},
): void {
  if (sandbox.mode === 'none' || role.tools !== 'read_only') return;
  const swaps = def.sandbox_args ?? {};
  const clash = Object.keys(def.read_only?.args ?? {}).find((a) => Object.hasOwn(swaps, a));
  if (clash === undefined) return;
  const readOnly = def.read_only!.args![clash]!;
  throw new AicoderError(
    'not_supported',
    `${opts.who ?? ''}provider '${def.name}' cannot take read-only role '${role.name}' under sandbox ` +
      `"${sandbox.mode}": it keeps to reading with its own sandbox (${readOnly}), which cannot run ` +
      `inside ours; use sandbox "none" for it, or a provider that limits its own tools (docs/roles.md)`,
    { field: opts.field ?? 'sandbox' },
  );
}

/** The model a role gives a coder of this provider when the create names none. */
export function roleModel(role: Role, provider: string): string | null {
  if (role.model === null) return null;
  if (typeof role.model === 'string') return role.model;
  return Object.hasOwn(role.model, provider) ? role.model[provider]! : null;
}

/**
 * The provider template with the role applied: for read_only, the provider's `read_only.args` swap
 * elements one for one (e.g. Codex's `--sandbox=workspace-write` → `--sandbox=read-only`).
 */
export function roleTemplate(
  def: ProviderDef,
  role: CoderRole | null,
  template: readonly string[],
): string[] {
  if (role?.tools !== 'read_only') return [...template];
  const swap = def.read_only?.args ?? {};
  return template.map((a) => (Object.hasOwn(swap, a) ? swap[a]! : a));
}

/** The role's argv variables: its prompt (plain and as a TOML string) and the read-only tool list. */
export function roleArgvVars(
  def: ProviderDef,
  role: CoderRole | null,
  coderPrompt: string | null | undefined,
): {
  system_prompt: string | null;
  role_prompt: string | null;
  role_prompt_toml: string | null;
  role_tools: string | null;
} {
  const prompt = role && role.system_prompt.trim() !== '' ? role.system_prompt.trim() : null;
  const talk = coderPrompt && coderPrompt.trim() !== '' ? coderPrompt.trim() : null;
  const joined = [prompt, talk].filter((p): p is string => p !== null).join('\n\n');
  return {
    system_prompt: joined === '' ? null : joined,
    role_prompt: prompt,
    // A TOML basic string (JSON's escapes are TOML's): Codex parses `-c key=value` values as TOML.
    role_prompt_toml: prompt === null ? null : JSON.stringify(prompt),
    role_tools: role?.tools === 'read_only' ? (def.read_only?.tools ?? null) : null,
  };
}

/** The coder-endpoint tool of each report kind (src/mcp/coder-endpoint.ts registers them). */
export const REPORT_TOOLS: Readonly<Record<RoleReport, string>> = {
  progress: 'aicoder_report_progress',
  ask_user: 'aicoder_ask_user',
  heartbeat: 'aicoder_heartbeat',
};

/** What a coder may report on its endpoint: its role's list, or all three without a role. */
export function allowedReports(role: CoderRole | null): RoleReport[] {
  return role === null ? [...ROLE_REPORTS] : [...role.report];
}

/**
 * The coder prompt (templates/prompts/coder.md) for a coder of this role: a line that starts with
 * "- " and an endpoint tool's name stays only when the role may call that tool, so the agent is told
 * of no tool it would be refused. Null when the role may call none of them (the agent is told
 * nothing of the endpoint). Without a role the template is unchanged.
 */
export function roleCoderPrompt(template: string, role: CoderRole | null): string | null {
  if (role === null) return template;
  const allowed = new Set(role.report);
  if (allowed.size === 0) return null;
  const kinds = Object.entries(REPORT_TOOLS) as [RoleReport, string][];
  const lines = template.split('\n').filter((line) => {
    const kind = kinds.find(([, tool]) => line.startsWith(`- ${tool} `) || line.startsWith(`- ${tool}:`));
    return kind === undefined || allowed.has(kind[0]);
  });
  return lines.join('\n');
}

/** Refuses (forbidden) an endpoint call the coder's role does not allow. */
export function requireReport(coder: { id: string; role: CoderRole | null }, kind: RoleReport): void {
  if (coder.role === null || coder.role.report.includes(kind)) return;
  throw new AicoderError(
    'forbidden',
    `coder ${coder.id} has role '${coder.role.name}', which may not use ${kind} ` +
      `(it may: ${coder.role.report.join(', ') || 'nothing'})`,
    { field: 'role' },
  );
}
