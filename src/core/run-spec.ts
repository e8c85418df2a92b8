/** What a run is started with: the agent's environment and its argv from the provider template. */
import type { Coder } from './coder.js';
import { coderArgvVars } from './coder-argv.js';
import { checkSessionId } from './agent-values.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import type { ProviderDef } from './ports.js';

/**
 * The daemon's environment less its own AICODER_* settings (an agent must not learn where the
 * daemon's home, port or token are: docs/security.md), the provider's env, config's provider_env,
 * and the coder's own vars.
 */
export function runEnv(deps: ManagerDeps, def: ProviderDef, coder: Coder): Record<string, string> {
  const base = deps.baseEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !k.startsWith('AICODER_')) env[k] = v;
  }
  Object.assign(env, def.env, deps.config.provider_env?.[def.name]);
  env.AICODER_CODER_ID = coder.id;
  env.AICODER_WORKSPACE = coder.workspace;
  if (deps.coderEndpoint) {
    env.AICODER_MCP_URL = deps.coderEndpoint.url(coder.id);
    env.AICODER_MCP_TOKEN = deps.coderEndpoint.token(coder.id);
  }
  return env;
}

/** The argv of a first run (`command`) or a follow-up (`resume_command` with the message). */
export function runArgv(
  deps: ManagerDeps,
  def: ProviderDef,
  coder: Coder,
  followUp: { message: string } | undefined,
): string[] {
  const template = followUp ? def.resume_command : def.command;
  if (!template) {
    throw new AicoderError('not_supported', `provider '${def.name}' cannot continue a session`);
  }
  // The session id came from the agent's output: it must still be an identifier, not an option.
  if (coder.session_id !== null) checkSessionId(coder.session_id);
  return deps.providers.buildArgv(template, {
    task: coder.task,
    model: coder.model,
    workspace: coder.workspace,
    session_id: coder.session_id,
    permission_mode: deps.config.claude_permission_mode ?? 'acceptEdits',
    ...(followUp ? { message: followUp.message } : {}),
    ...coderArgvVars(deps, coder),
  });
}
