/**
 * Whether a shipped agent's credentials look present in the environment agents run with: an API key
 * variable that is set, or the credentials file the CLI's own login writes. Only names and paths are
 * reported. Providers other than the shipped agents are `n/a`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProviderAvailability } from '../core/ports.js';

type Env = Readonly<Record<string, string | undefined>>;
type Credentials = Pick<ProviderAvailability, 'credentials' | 'credentials_detail'>;

interface Rule {
  vars: string[];
  files: (env: Env, home: string) => string[];
  /** Further variable names the CLI's config names (Codex: env_key of its model providers). */
  extraVars?: (env: Env, home: string) => string[];
}

const codexHome = (env: Env, home: string): string => env.CODEX_HOME || join(home, '.codex');

/** `env_key = "NAME"` entries of Codex's config.toml. */
function codexEnvKeys(env: Env, home: string): string[] {
  try {
    const toml = readFileSync(join(codexHome(env, home), 'config.toml'), 'utf8');
    return [...toml.matchAll(/^\s*env_key\s*=\s*"([A-Za-z_][A-Za-z0-9_]*)"/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
}

const RULES: Readonly<Record<string, Rule>> = {
  claude: {
    vars: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN'],
    files: (env, home) => [join(env.CLAUDE_CONFIG_DIR || join(home, '.claude'), '.credentials.json')],
  },
  codex: {
    vars: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    files: (env, home) => [join(codexHome(env, home), 'auth.json')],
    extraVars: codexEnvKeys,
  },
  gemini: {
    vars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_APPLICATION_CREDENTIALS'],
    files: (env, home) => [join(env.GEMINI_CLI_HOME || home, '.gemini', 'oauth_creds.json')],
  },
  opencode: {
    vars: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY'],
    files: (env, home) => [join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'opencode', 'auth.json')],
  },
  aider: {
    vars: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY', 'DEEPSEEK_API_KEY'],
    files: (_env, home) => [join(home, '.aider.conf.yml')],
  },
};

/** How the shipped agents are installed (their own documented install commands). */
const INSTALL: Readonly<Record<string, string>> = {
  claude: 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
  opencode: 'npm install -g opencode-ai',
  aider: 'python -m pip install aider-install && aider-install',
};

/** "install it with: npm install -g …", or a generic hint for other providers' programs. */
export function installHint(name: string, program: string): string {
  const cmd = Object.hasOwn(INSTALL, name) ? INSTALL[name] : undefined;
  if (cmd !== undefined && program === name) return `install it with: ${cmd}`;
  return `install '${program}' or put it on the daemon's PATH (restart the daemon after changing PATH)`;
}

/** The credentials check for a provider name, in the environment `env` (HOME from it). */
export function credentialsOf(name: string, env: Env): Credentials {
  const rule = Object.hasOwn(RULES, name) ? RULES[name] : undefined;
  if (rule === undefined) return { credentials: 'n/a', credentials_detail: 'not checked for this provider' };
  const home = env.HOME ?? '';
  const vars = [...rule.vars, ...(rule.extraVars?.(env, home) ?? [])];
  const setVars = vars.filter((v) => (env[v] ?? '').trim() !== '');
  const files = home === '' && !env.CODEX_HOME ? [] : rule.files(env, home);
  const present = files.filter((f) => existsSync(f));
  const found = [...setVars.map((v) => `$${v}`), ...present];
  if (found.length > 0) return { credentials: 'found', credentials_detail: found.join(', ') };
  return {
    credentials: 'missing',
    credentials_detail: `none of ${[...vars.map((v) => `$${v}`), ...files].join(', ')}`,
  };
}
