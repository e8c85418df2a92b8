/**
 * `aicoder mcp add claude|codex|gemini`: the registration of aicoder in each client's own config
 * file, edited in place so that nothing else in the file changes (comments and formatting included).
 * Formats, per the clients' docs and /work/shared/agent-clis.md:
 * - Claude Code: `mcpServers.<name>` in ~/.claude.json (or $CLAUDE_CONFIG_DIR/.claude.json), user
 *   scope; `"alwaysLoad": true` makes `claude -p` wait for the server before its first turn.
 * - Codex: `[mcp_servers.<name>]` in ~/.codex/config.toml (or $CODEX_HOME/config.toml); `required =
 *   true` makes Codex wait for the server instead of dropping it, `default_tools_approval_mode =
 *   "approve"` lets `codex exec` call the tools.
 * - Gemini CLI: `mcpServers.<name>` in ~/.gemini/settings.json (or $GEMINI_CLI_HOME/.gemini/…);
 *   `"trust": true` lets headless runs call the tools.
 * HTTP entries point at http://127.0.0.1:<port>/mcp; stdio entries run `<node> <aicoder> mcp`.
 */
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';
import { join } from 'node:path';
import { AicoderError } from '../core/errors.js';

export const MCP_CLIENTS = ['claude', 'codex', 'gemini'] as const;
export type McpClientName = (typeof MCP_CLIENTS)[number];
export type McpTransportName = 'http' | 'stdio';

export interface RegistrationInput {
  client: McpClientName;
  transport: McpTransportName;
  /** Server name in the client's config (default "aicoder"). */
  name: string;
  /** The daemon's /mcp URL (http). */
  url: string;
  /** The stdio command and its arguments, e.g. [process.execPath, '/…/bin/aicoder.js', 'mcp']. */
  command: string[];
  /** Variables the stdio bridge needs (AICODER_HOME, AICODER_PORT when not the defaults). */
  env: Record<string, string>;
  /** Extra HTTP headers (e.g. the daemon's auth header). */
  headers?: Record<string, string>;
}

/** The config file a client reads, from its own variables or the home directory. */
export function clientConfigPath(
  client: McpClientName,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string {
  switch (client) {
    case 'claude':
      return env.CLAUDE_CONFIG_DIR ? join(env.CLAUDE_CONFIG_DIR, '.claude.json') : join(home, '.claude.json');
    case 'codex':
      return join(env.CODEX_HOME ?? join(home, '.codex'), 'config.toml');
    case 'gemini':
      return join(env.GEMINI_CLI_HOME ?? home, '.gemini', 'settings.json');
  }
}

/** The server entry as a JSON object (Claude, Gemini) or TOML key/value pairs (Codex). */
export function registrationEntry(r: RegistrationInput): Record<string, unknown> {
  const [command, ...args] = r.command;
  const hasEnv = Object.keys(r.env).length > 0;
  const headers = r.headers && Object.keys(r.headers).length > 0 ? r.headers : undefined;
  switch (r.client) {
    case 'claude':
      return r.transport === 'http'
        ? { type: 'http', url: r.url, ...(headers ? { headers } : {}), alwaysLoad: true }
        : { type: 'stdio', command, args, ...(hasEnv ? { env: r.env } : {}), alwaysLoad: true };
    case 'codex':
      return {
        ...(r.transport === 'http'
          ? { url: r.url, ...(headers ? { http_headers: headers } : {}) }
          : { command, args, ...(hasEnv ? { env: r.env } : {}) }),
        required: true,
        default_tools_approval_mode: 'approve',
      };
    case 'gemini':
      return r.transport === 'http'
        ? { httpUrl: r.url, ...(headers ? { headers } : {}), trust: true }
        : { command, args, ...(hasEnv ? { env: r.env } : {}), trust: true };
  }
}

/**
 * What a headless run of the client needs besides the entry (docs/mcp.md, checked by
 * test/mcp/client-matrix.test.ts): Claude Code's permission modes do not cover MCP tools, and Gemini
 * CLI exits 55 in a folder the user has not trusted, before it loads any server.
 */
export function headlessHint(client: McpClientName, name: string): string {
  switch (client) {
    case 'claude':
      return `claude -p: allow the tools with --allowedTools mcp__${name}`;
    case 'codex':
      return 'codex exec: nothing more (the entry approves the tools)';
    case 'gemini':
      return 'gemini -p: in a folder you have not trusted add --skip-trust (or GEMINI_CLI_TRUST_WORKSPACE=true)';
  }
}

/** What an entry's Authorization header is shown as: the token itself stays in the file. */
export const REDACTED_BEARER = 'Bearer <the token in $AICODER_HOME/owner-token>';

/**
 * The entry as printed: an `Authorization` value in `headers` / `http_headers` becomes
 * REDACTED_BEARER (the written file has the real token; output ends up in terminals and logs).
 */
export function redactEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...entry };
  for (const key of ['headers', 'http_headers']) {
    const h = out[key];
    if (h === null || typeof h !== 'object') continue;
    out[key] = Object.fromEntries(
      Object.entries(h as Record<string, unknown>).map(([k, v]) =>
        k.toLowerCase() === 'authorization' ? [k, REDACTED_BEARER] : [k, v],
      ),
    );
  }
  return out;
}

/** Sets `mcpServers.<name>` in a JSON (or JSON with comments) text, changing nothing else. */
export function setJsonServer(
  text: string,
  name: string,
  entry: Record<string, unknown>,
  file: string,
): string {
  const errors: ParseError[] = [];
  const source = text.trim() === '' ? '{}\n' : text;
  const root: unknown = parse(source, errors, { allowTrailingComma: true });
  if (errors.length > 0 || root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new AicoderError(
      'invalid_input',
      `${file} is not a JSON object (fix it first; aicoder changes nothing in a file it cannot read)`,
      { field: 'file' },
    );
  }
  const edits = modify(source, ['mcpServers', name], entry, {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
  });
  return applyEdits(source, edits);
}

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

function tomlValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`)
      .join(', ')} }`;
  }
  throw new Error(`no TOML form for ${String(v)}`);
}

/** The `[mcp_servers.<name>]` table, as written. */
export function tomlTable(name: string, entry: Record<string, unknown>): string {
  const lines = [`[mcp_servers.${tomlKey(name)}]`];
  for (const [k, v] of Object.entries(entry)) lines.push(`${tomlKey(k)} = ${tomlValue(v)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Replaces the `[mcp_servers.<name>]` table (and its sub-tables) in a TOML text, or appends it;
 * every other line stays as it was. Refuses a file that defines the server some other way
 * (an inline table or dotted keys), rather than guess.
 */
export function setTomlServer(
  text: string,
  name: string,
  entry: Record<string, unknown>,
  file: string,
): string {
  const header = `mcp_servers.${tomlKey(name)}`;
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const isHeader = (l: string): string | undefined => /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$/.exec(l)?.[1];
  const ours = (h: string): boolean => h === header || h.startsWith(`${header}.`);
  for (const l of lines) {
    if (isHeader(l) === undefined && new RegExp(`^\\s*mcp_servers\\.${name}[.\\s=]`).test(l)) {
      throw new AicoderError(
        'invalid_input',
        `${file} sets mcp_servers.${name} with dotted keys; remove that entry or edit it by hand`,
        { field: 'file' },
      );
    }
    if (/^\s*mcp_servers\s*=/.test(l)) {
      throw new AicoderError(
        'invalid_input',
        `${file} defines mcp_servers as an inline table; add [mcp_servers.${name}] by hand`,
        { field: 'file' },
      );
    }
  }
  const out: string[] = [];
  let skipping = false;
  let at = -1;
  for (const l of lines) {
    const h = isHeader(l);
    if (h !== undefined) {
      skipping = ours(h);
      if (skipping && at < 0) at = out.length;
    }
    if (!skipping) out.push(l);
  }
  const table = tomlTable(name, entry).replace(/\n$/, '').split('\n');
  if (at >= 0) {
    out.splice(at, 0, ...table, ...(at < out.length ? [''] : []));
  } else {
    if (out.length > 0 && out[out.length - 1]!.trim() !== '') out.push('');
    out.push(...table);
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
