/** What a run is started with: the agent's environment and its argv from the provider template. */
import type { Coder } from './coder.js';
import { coderArgvVars } from './coder-argv.js';
import { checkSessionId } from './agent-values.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import type { ProviderDef } from './ports.js';
import { join } from 'node:path';
import { roleArgvVars, roleTemplate } from './roles.js';

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
    if (def.coder_mcp_settings === 'gemini_cli_home' && deps.coderEndpoint.geminiHome) {
      // A tool call may wait for the person up to ask_timeout_s: Gemini's own limit must not cut it.
      const timeoutMs = (deps.config.ask_timeout_s + 60) * 1000;
      env.GEMINI_CLI_HOME = deps.coderEndpoint.geminiHome(coder.id, env, timeoutMs);
    }
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
  const talk = coderArgvVars(deps, coder);
  return deps.providers.buildArgv(roleTemplate(def, coder.role, template), {
    task: coder.task,
    model: coder.model,
    workspace: coder.workspace,
    session_id: coder.session_id,
    permission_mode: deps.config.claude_permission_mode ?? 'acceptEdits',
    ...(followUp ? { message: followUp.message } : {}),
    ...talk,
    ...roleArgvVars(def, coder.role, talk.coder_prompt),
  });
}

function noSandbox(): AicoderError {
  return new AicoderError('sandbox_unavailable', 'this daemon was started without sandbox support', {
    field: 'sandbox',
  });
}

/** Refuses (sandbox_unavailable, naming the cause) when the provider's runs cannot be sandboxed. */
export async function requireSandbox(
  deps: ManagerDeps,
  providerName: string,
  network: 'on' | 'off' = 'on',
): Promise<void> {
  if (!deps.sandbox) throw noSandbox();
  const def = deps.providers.get(providerName);
  const base = deps.baseEnv ?? process.env;
  const path = deps.config.provider_env?.[providerName]?.PATH ?? def?.env.PATH ?? base.PATH ?? '';
  await deps.sandbox.check(path, network);
}

/**
 * The run's argv and env inside the coder's sandbox: unchanged for `none`; for `bwrap` the provider's
 * `sandbox_args` replaced (e.g. Codex's own sandbox off: ours is in force and bwrap cannot nest)
 * and the whole wrapped in bwrap, with a private tmp in the run directory.
 */
export async function sandboxRun(
  deps: ManagerDeps,
  def: ProviderDef,
  coder: Coder,
  run: { argv: string[]; env: Record<string, string>; run_dir: string },
): Promise<{ argv: string[]; env: Record<string, string> }> {
  if (coder.sandbox.mode === 'none') return { argv: run.argv, env: run.env };
  if (!deps.sandbox) throw noSandbox();
  const swap = def.sandbox_args ?? {};
  const argv = run.argv.map((a) => (Object.hasOwn(swap, a) ? swap[a]! : a));
  return deps.sandbox.wrap(
    {
      sandbox: coder.sandbox,
      workspace: coder.workspace,
      branch: coder.branch,
      env: run.env,
      state_paths: def.state_paths ?? [],
      tmp_dir: join(run.run_dir, 'tmp'),
    },
    argv,
  );
}
