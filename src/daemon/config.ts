/**
 * Daemon settings: AICODER_HOME and AICODER_PORT from the environment, and the manager settings from
 * AICODER_HOME/config.json (strict: an unknown key or a bad value is an error naming the file and key).
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { CLAUDE_PERMISSION_MODES, DEFAULT_MANAGER_CONFIG, type ManagerConfig } from '../core/config.js';
import { AicoderError } from '../core/errors.js';
import { readConfigFile, type ConfigFile } from './config-file.js';
import { parseSettings } from '../workspace/settings.js';
import { createFields, MAX_TIMEOUT_S } from '../protocol/index.js';

// The environment part lives apart (no zod), so the CLI's way to a running daemon stays light.
export { DEFAULT_PORT, loadEnvSettings, type EnvSettings } from '../local/env-settings.js';

const configSchema = z
  .object({
    max_concurrent: z.number().int().min(1).max(256).optional(),
    stop_grace_s: z.number().min(0).max(3600).optional(),
    stop_grace_ms: z.number().int().min(0).max(3_600_000).optional(),
    default_provider: z.string().min(1).max(200).optional(),
    default_repo: z.string().min(1).nullable().optional(),
    claude_permission_mode: z.enum(CLAUDE_PERMISSION_MODES).optional(),
    provider_env: z
      .record(z.string(), z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()))
      .optional(),
    stall_after_s: z.number().min(0).max(604_800).optional(),
    ask_timeout_s: z.number().min(1).max(604_800).optional(),
    // The create limits' defaults take create's rules (src/protocol/fields.ts).
    max_turns: createFields.max_turns.nullable().optional(),
    timeout_s: createFields.timeout_s.nullable().optional(),
    budget_usd: createFields.budget_usd.nullable().optional(),
    hook: z.array(z.string().min(1)).min(1).nullable().optional(),
    worktree: z.unknown().optional(),
    keep_processes: z.boolean().optional(),
    usage_limit_retries: z.number().int().min(0).max(100).optional(),
    usage_limit_backoff_s: z.number().min(1).max(86_400).optional(),
  })
  .strict();

const RULES: Record<string, string> = {
  max_concurrent: 'an integer from 1 to 256',
  stop_grace_s: 'a number of seconds from 0 to 3600',
  stop_grace_ms: 'an integer number of milliseconds from 0 to 3600000',
  default_provider: 'a non-empty string',
  default_repo: 'an absolute path or null',
  claude_permission_mode: `one of ${CLAUDE_PERMISSION_MODES.join(', ')}`,
  provider_env: 'an object: provider name → { VARIABLE: "value" }',
  stall_after_s: 'a number of seconds from 0 (off) to 604800',
  ask_timeout_s: 'a number of seconds from 1 to 604800',
  max_turns: 'an integer of at least 1, or null',
  timeout_s: `a number of seconds greater than 0 and at most ${MAX_TIMEOUT_S} (7 days), or null`,
  budget_usd: 'a number of US dollars greater than 0, or null',
  hook: 'an argv array of non-empty strings (no shell) or null',
  usage_limit_retries: 'an integer from 0 (never wait) to 100',
  usage_limit_backoff_s: 'a number of seconds from 1 to 86400',
  worktree: 'an object with the keys of .aicoder.json (copy, setup, teardown, ports)',
  keep_processes: 'true or false',
};

/** Reads AICODER_HOME/config.json; a missing file gives the defaults. */
export function loadManagerConfig(home: string): ManagerConfig {
  return parseManagerConfig(readConfigFile(home));
}

/** Validates config.json's object (see readConfigFile); null (no file) gives the defaults. */
export function parseManagerConfig({ file, json }: ConfigFile): ManagerConfig {
  if (json === null) return { ...DEFAULT_MANAGER_CONFIG };
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '?';
      throw new AicoderError(
        'invalid_input',
        `${file}: unknown key "${key}" (allowed: ${Object.keys(RULES).join(', ')})`,
        { field: key },
      );
    }
    const key = String(issue?.path[0] ?? '?');
    throw new AicoderError('invalid_input', `${file}: "${key}" must be ${RULES[key] ?? 'valid'}`, {
      field: key,
    });
  }
  const c = parsed.data;
  if (c.stop_grace_s !== undefined && c.stop_grace_ms !== undefined) {
    throw new AicoderError('invalid_input', `${file}: give "stop_grace_s" or "stop_grace_ms", not both`, {
      field: 'stop_grace_s',
    });
  }
  if (typeof c.default_repo === 'string' && !isAbsolute(c.default_repo)) {
    throw new AicoderError('invalid_input', `${file}: "default_repo" must be ${RULES.default_repo}`, {
      field: 'default_repo',
    });
  }
  const worktree = c.worktree === undefined ? undefined : parseSettings(c.worktree, `${file} "worktree"`);
  return {
    ...(worktree !== undefined ? { worktree_defaults: worktree } : {}),
    max_concurrent: c.max_concurrent ?? DEFAULT_MANAGER_CONFIG.max_concurrent,
    stop_grace_ms:
      c.stop_grace_ms ??
      (c.stop_grace_s !== undefined
        ? Math.round(c.stop_grace_s * 1000)
        : DEFAULT_MANAGER_CONFIG.stop_grace_ms),
    default_provider: c.default_provider ?? DEFAULT_MANAGER_CONFIG.default_provider,
    default_repo: c.default_repo ?? DEFAULT_MANAGER_CONFIG.default_repo,
    claude_permission_mode: c.claude_permission_mode ?? 'acceptEdits',
    provider_env: c.provider_env ?? {},
    stall_after_s: c.stall_after_s ?? DEFAULT_MANAGER_CONFIG.stall_after_s,
    ask_timeout_s: c.ask_timeout_s ?? DEFAULT_MANAGER_CONFIG.ask_timeout_s,
    max_turns: c.max_turns ?? null,
    timeout_s: c.timeout_s ?? null,
    budget_usd: c.budget_usd ?? null,
    hook: c.hook ?? null,
    keep_processes: c.keep_processes ?? false,
    ...(c.usage_limit_retries !== undefined ? { usage_limit_retries: c.usage_limit_retries } : {}),
    ...(c.usage_limit_backoff_s !== undefined ? { usage_limit_backoff_s: c.usage_limit_backoff_s } : {}),
  };
}
