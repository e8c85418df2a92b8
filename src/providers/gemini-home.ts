/**
 * The coder endpoint for Gemini CLI, which reads MCP servers only from settings files (no flag takes
 * a server or a settings file; Gemini CLI 0.61). Of its settings files:
 * - the system file (`GEMINI_CLI_SYSTEM_SETTINGS_PATH`) is skipped unless owned by root and not
 *   group/other-writable, so a per-run one works only for root;
 * - the workspace file (`<cwd>/.gemini/settings.json`) lives in the worktree, where it would show in
 *   the diff, could clash with a tracked one, and git has no per-worktree ignore file;
 * - the user file is `$GEMINI_CLI_HOME/.gemini/settings.json` (GEMINI_CLI_HOME, else the home dir).
 *
 * So each coder gets its own GEMINI_CLI_HOME: an overlay whose `.gemini/` holds a symlink to every
 * entry of the user's real `.gemini/` (credentials, sessions, trusted folders, extensions), except
 * `settings.json`, which is the user's settings with one more MCP server, `aicoder`, the coder
 * endpoint. The user's own files are never written. The token is not in the file: the header reads
 * `Bearer $AICODER_MCP_TOKEN`, which Gemini CLI expands from the agent's environment when it loads
 * settings; the file is 0600 anyway.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { AicoderError } from '../core/errors.js';

/** The settings-file name Gemini CLI reads in `<home>/.gemini/`. */
const SETTINGS = 'settings.json';

export interface GeminiHomeInput {
  /** The coder's overlay home (stable per coder, so sessions resume): `.gemini/` is made under it. */
  dir: string;
  /** The agent's environment (GEMINI_CLI_HOME, else HOME, names the user's real Gemini home). */
  env: Readonly<Record<string, string>>;
  /** The server entry's name (tools show as `mcp_<name>_<tool>`). */
  name: string;
  /** The Streamable HTTP endpoint without the token. */
  httpUrl: string;
  /** The variable holding the token (expanded by Gemini CLI, never written to the file). */
  tokenEnv: string;
  /** How long a tool call may take, ms (aicoder_ask_user waits for the person). */
  timeoutMs: number;
}

/** The user's real Gemini home: GEMINI_CLI_HOME, else HOME, else the OS home (as Gemini CLI decides). */
export function realGeminiHome(env: Readonly<Record<string, string>>): string {
  return resolve(env.GEMINI_CLI_HOME || env.HOME || homedir());
}

/**
 * Makes (or refreshes) the coder's overlay and returns the GEMINI_CLI_HOME to run with. Entries the
 * user's `.gemini/` gained since the last run are linked in; entries Gemini CLI made in the overlay
 * itself (when the user had none) are kept. Throws provider_config naming the file when the user's
 * settings.json is not a JSON(C) object (Gemini CLI would not run with it either).
 */
export function geminiOverlayHome(input: GeminiHomeInput): string {
  const real = join(realGeminiHome(input.env), '.gemini');
  const overlayHome = resolve(input.dir);
  const overlay = join(overlayHome, '.gemini');
  if (real === overlay) {
    throw new AicoderError(
      'provider_config',
      `GEMINI_CLI_HOME already points at the coder's own home ${overlayHome}`,
    );
  }
  mkdirSync(overlay, { recursive: true, mode: 0o700 });
  let userSettings: Record<string, unknown> = {};
  if (existsSync(real)) {
    for (const name of readdirSync(real)) {
      if (name === SETTINGS) continue;
      const at = join(overlay, name);
      if (exists(at)) continue;
      symlinkSync(join(real, name), at);
    }
    // A link whose entry the user has removed since would make Gemini CLI fail to recreate it.
    for (const name of readdirSync(overlay)) {
      const at = join(overlay, name);
      if (lstatSync(at).isSymbolicLink() && !existsSync(at)) unlinkSync(at);
    }
    const file = join(real, SETTINGS);
    if (existsSync(file)) userSettings = readSettings(file);
  }
  const servers = isObject(userSettings.mcpServers) ? userSettings.mcpServers : {};
  const settings = {
    ...userSettings,
    mcpServers: {
      ...servers,
      [input.name]: {
        httpUrl: input.httpUrl,
        headers: { Authorization: `Bearer $${input.tokenEnv}` },
        trust: true,
        timeout: input.timeoutMs,
      },
    },
  };
  const out = join(overlay, SETTINGS);
  writeFileSync(out, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  chmodSync(out, 0o600);
  return overlayHome;
}

function readSettings(file: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value: unknown = parse(readFileSync(file, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length > 0 || !isObject(value)) {
    const why = errors[0]
      ? `${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}`
      : 'not an object';
    throw new AicoderError(
      'provider_config',
      `cannot give gemini the coder endpoint: its settings file ${file} is not a JSON object (${why})`,
    );
  }
  return value;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
