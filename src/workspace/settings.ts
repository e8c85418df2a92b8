/**
 * .aicoder.json: per-repository worktree settings (copy, setup, teardown, ports, submodules, check),
 * validated strictly.
 * The same shape is accepted as "worktree" in AICODER_HOME/config.json (the user's defaults); a key
 * present in the repository's file replaces the default for that key.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { AicoderError } from '../core/errors.js';
import { readJsonFile } from '../core/json-file.js';
import { NETWORK_MODES, SANDBOX_MODES } from '../core/sandbox.js';
import { EMPTY_SETTINGS, type RepoSettings } from '../core/worktree-types.js';

export const SETTINGS_FILE = '.aicoder.json';
export const MAX_PORTS = 16;
/** A check command's timeout may be at most a day. */
export const MAX_CHECK_TIMEOUT_S = 86_400;

const argv = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(256)
  .refine((a) => a.every((s) => !s.includes('\0')));

const glob = z
  .string()
  .min(1)
  .max(1024)
  .refine((g) => !g.startsWith('/') && !g.startsWith(':') && !g.split('/').includes('..'));

export const settingsSchema = z
  .object({
    copy: z.array(glob).max(200).optional(),
    setup: z.array(argv).max(50).optional(),
    teardown: z.array(argv).max(50).optional(),
    ports: z.number().int().min(0).max(MAX_PORTS).optional(),
    submodules: z.boolean().optional(),
    sandbox: z.enum(SANDBOX_MODES).optional(),
    network: z.enum(NETWORK_MODES).optional(),
    check: z.array(argv).max(50).optional(),
    check_timeout_s: z.number().gt(0).max(MAX_CHECK_TIMEOUT_S).optional(),
  })
  .strict();

export type SettingsFile = z.infer<typeof settingsSchema>;

export const SETTINGS_RULES: Record<keyof SettingsFile, string> = {
  copy: "an array of relative glob patterns (no leading '/' or ':', no '..'), at most 200",
  setup: 'an array of commands, each a non-empty array of strings (argv, no shell), at most 50',
  teardown: 'an array of commands, each a non-empty array of strings (argv, no shell), at most 50',
  ports: `an integer from 0 to ${MAX_PORTS}`,
  submodules: 'true or false (default: true when the repository has a .gitmodules file)',
  sandbox: `one of ${SANDBOX_MODES.join(', ')}`,
  network: `one of ${NETWORK_MODES.join(', ')} (off needs sandbox bwrap)`,
  check: 'an array of commands, each a non-empty array of strings (argv, no shell), at most 50',
  check_timeout_s: `a number of seconds above 0 and at most ${MAX_CHECK_TIMEOUT_S}`,
};

/** Validates parsed JSON; errors name the file and the key path ("setup[1][0]"). */
export function parseSettings(json: unknown, file: string): SettingsFile {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new AicoderError('invalid_input', `${file}: must be a JSON object`, { field: file });
  }
  const r = settingsSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '?';
    throw new AicoderError(
      'invalid_input',
      `${file}: unknown key "${key}" (allowed: ${Object.keys(SETTINGS_RULES).join(', ')})`,
      { field: key },
    );
  }
  const path = issue?.path ?? [];
  const top = String(path[0] ?? '?') as keyof SettingsFile;
  const where = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  throw new AicoderError(
    'invalid_input',
    `${file}: "${where || top}" is invalid: ${top} must be ${SETTINGS_RULES[top] ?? 'valid'}`,
    { field: top },
  );
}

export async function loadSettings(
  repo: string,
  defaults: Partial<RepoSettings> | undefined,
): Promise<RepoSettings> {
  const file = join(repo, SETTINGS_FILE);
  const json = await readJsonFile(file);
  const own: SettingsFile = json === undefined ? {} : parseSettings(json, file);
  return {
    copy: own.copy ?? defaults?.copy ?? EMPTY_SETTINGS.copy,
    setup: own.setup ?? defaults?.setup ?? EMPTY_SETTINGS.setup,
    teardown: own.teardown ?? defaults?.teardown ?? EMPTY_SETTINGS.teardown,
    ports: own.ports ?? defaults?.ports ?? EMPTY_SETTINGS.ports,
    submodules: own.submodules ?? defaults?.submodules ?? EMPTY_SETTINGS.submodules,
    ...pick('sandbox', own.sandbox ?? defaults?.sandbox),
    ...pick('network', own.network ?? defaults?.network),
    check: own.check ?? defaults?.check ?? EMPTY_SETTINGS.check,
    check_timeout_s: own.check_timeout_s ?? defaults?.check_timeout_s ?? EMPTY_SETTINGS.check_timeout_s,
  };
}

function pick<K extends string, V>(key: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, V>);
}
