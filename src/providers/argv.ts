/**
 * Placeholder substitution in a provider's argv template (the rules are a user contract, documented
 * in docs/providers.md). Substitution is per element and literal: no shell, and substituted text is
 * never scanned again, so a task containing "{model}" or "$(…)" stays exactly as written.
 */
import { checkSessionId } from '../core/agent-values.js';
import { AicoderError } from '../core/errors.js';
import type { ArgvVars } from '../core/ports.js';

export type { ArgvVars };

/** The variables a template may reference. */
export type PlaceholderName =
  | 'permission_mode'
  | 'task'
  | 'model'
  | 'workspace'
  | 'session_id'
  | 'message'
  | 'coder_mcp_url'
  | 'coder_mcp_endpoint'
  | 'coder_mcp_config'
  | 'coder_prompt'
  | 'max_turns'
  | 'budget_usd'
  | 'system_prompt'
  | 'role_prompt'
  | 'role_prompt_toml'
  | 'role_tools';

/** The coder's own endpoint, its prompt and its limits: empty (element dropped) when not set. */
const TALKBACK_PLACEHOLDERS: readonly PlaceholderName[] = [
  'coder_mcp_url',
  'coder_mcp_endpoint',
  'coder_mcp_config',
  'coder_prompt',
  'max_turns',
  'budget_usd',
  // The coder's role (core/roles.ts): empty (element dropped) without one.
  'system_prompt',
  'role_prompt',
  'role_prompt_toml',
  'role_tools',
];

/** Placeholders allowed in `command`. */
export const COMMAND_PLACEHOLDERS: readonly PlaceholderName[] = [
  'task',
  'model',
  'workspace',
  'session_id',
  'permission_mode',
  ...TALKBACK_PLACEHOLDERS,
];
/** Placeholders allowed in `resume_command` (a follow-up message in the same session). */
export const RESUME_PLACEHOLDERS: readonly PlaceholderName[] = [
  'task',
  'model',
  'workspace',
  'session_id',
  'message',
  'permission_mode',
  ...TALKBACK_PLACEHOLDERS,
];

/**
 * Placeholders allowed in `attach_command` (the agent's own interactive UI on the coder's session,
 * run by `aicoder attach` in the user's terminal).
 */
export const ATTACH_PLACEHOLDERS: readonly PlaceholderName[] = [
  'model',
  'workspace',
  'session_id',
  'permission_mode',
  ...TALKBACK_PLACEHOLDERS,
];

/**
 * `{{name}}` is an escape for a literal `{name}`; `{name}` is a placeholder. Anything else with braces
 * (`{}`, `{1}`, `{"a":1}`, `{a: .b}`) is literal text.
 */
const TOKEN = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names an element references, in order (escapes excluded). */
export function placeholdersIn(element: string): string[] {
  const names: string[] = [];
  for (const m of element.matchAll(TOKEN)) {
    if (m[2] !== undefined) names.push(m[2]);
  }
  return names;
}

function isPlaceholderName(name: string): name is PlaceholderName {
  return (RESUME_PLACEHOLDERS as readonly string[]).includes(name);
}

function valueOf(vars: ArgvVars, name: PlaceholderName): string | null {
  switch (name) {
    case 'task':
      return vars.task;
    case 'model':
      return vars.model ?? null;
    case 'workspace':
      return vars.workspace;
    case 'session_id':
      // Printed by the agent: checked again here, so no caller can pass one through unchecked.
      if (vars.session_id) checkSessionId(vars.session_id);
      return vars.session_id ?? null;
    case 'message':
      return vars.message ?? null;
    case 'permission_mode':
      return vars.permission_mode ?? null;
    case 'coder_mcp_url':
      return vars.coder_mcp_url ?? null;
    case 'coder_mcp_endpoint':
      return vars.coder_mcp_endpoint ?? null;
    case 'coder_mcp_config':
      return vars.coder_mcp_config ?? null;
    case 'coder_prompt':
      return vars.coder_prompt ?? null;
    case 'max_turns':
      return vars.max_turns == null ? null : String(vars.max_turns);
    case 'budget_usd':
      return vars.budget_usd == null ? null : String(vars.budget_usd);
    case 'system_prompt':
      return vars.system_prompt ?? null;
    case 'role_prompt':
      return vars.role_prompt ?? null;
    case 'role_prompt_toml':
      return vars.role_prompt_toml ?? null;
    case 'role_tools':
      return vars.role_tools ?? null;
  }
}

/**
 * Builds the argv for one run from a template.
 *
 * - Each element is substituted on its own; one template element gives at most one argv element.
 * - `{task}`, `{model}`, `{workspace}`, `{session_id}`, `{message}` are replaced by their value,
 *   verbatim. `{{name}}` gives a literal `{name}`.
 * - The optional rule: an element that references a variable with no value (null, absent or "") is
 *   dropped as a whole. Write an optional flag as one element, e.g. `"--model={model}"`.
 * - An unknown placeholder throws provider_config (templates are validated when loaded, so this only
 *   happens with a template that did not come from the catalog).
 */
export function buildArgv(template: readonly string[], vars: ArgvVars): string[] {
  const argv: string[] = [];
  for (const [i, element] of template.entries()) {
    let missing = false;
    const out = element.replace(TOKEN, (_whole: string, escaped?: string, name?: string): string => {
      if (escaped !== undefined) return `{${escaped}}`;
      const n = name ?? '';
      if (!isPlaceholderName(n)) {
        throw new AicoderError(
          'provider_config',
          `argv element ${i} ("${element}"): unknown placeholder "{${n}}" (allowed: ${RESUME_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
          { field: 'command' },
        );
      }
      const v = valueOf(vars, n);
      if (v === null || v === '') {
        missing = true;
        return '';
      }
      return v;
    });
    if (!missing) argv.push(out);
  }
  return argv;
}
