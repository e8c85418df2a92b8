/**
 * The provider ports: agent CLI definitions, output parsers, availability probes (src/providers/).
 * Part of the core's ports (../ports.ts re-exports them all).
 */
import type { CoderStats } from '../coder.js';

/** Which session turns to read (`aicoder attach`): those after `since` (ISO 8601), with the run's env. */
export interface SessionTurnsQuery {
  parser: string;
  session_id: string;
  workspace: string;
  env: Record<string, string>;
  since: string;
}

/** What turns in an agent's own UI added to its session: model responses, tokens, the last text. */
export interface SessionTurns {
  turns: number;
  tokens_in: number;
  tokens_out: number;
  last_message: string | null;
}

export interface ProviderDef {
  name: string;
  description: string;
  /** argv; elements may hold {task} {model} {workspace} {session_id} and the talk-back placeholders. */
  command: string[];
  /** argv for a follow-up message in the same session; may hold {message} {session_id} {model} {workspace}. */
  resume_command?: string[];
  /**
   * argv of the agent's own interactive UI on the coder's session (`aicoder attach`); may hold
   * {session_id} {model} {workspace} {permission_mode} and the talk-back placeholders. None: no attach.
   */
  attach_command?: string[];
  env: Record<string, string>;
  parser: string;
  /**
   * The agent CLI's own state and config paths, writable under sandbox bwrap (`~/…`, `$VAR/…`; a
   * trailing `/` marks a folder, made when missing). Default none.
   */
  state_paths?: string[];
  /** argv elements replaced one for one under sandbox bwrap (e.g. the agent's own sandbox off). */
  sandbox_args?: Record<string, string>;
  /**
   * How the agent learns of the coder endpoint when no argv placeholder can give it:
   * `gemini_cli_home` = a per-coder GEMINI_CLI_HOME whose settings.json adds the `aicoder` server
   * (providers/gemini-home.ts). Absent: argv placeholders only.
   */
  coder_mcp_settings?: 'gemini_cli_home';
  /**
   * The CLI reports tokens but no cost: the daemon estimates cost_usd from the tokens and the price
   * table (templates/prices.json) by the coder's model (core/cost-estimate.ts).
   */
  estimate_cost?: boolean;
  /**
   * How a read-only role (core/roles.ts) limits the agent: `tools` is the `{role_tools}` value (e.g.
   * Claude Code's `--tools` list), `args` replace template elements one for one (e.g. Codex's
   * `--sandbox=read-only`). None: the provider cannot take a read-only role.
   */
  read_only?: { tools?: string; args?: Record<string, string> };
  /** Where the definition came from (file path), for error messages. */
  source: string;
}

export interface StatsDelta {
  turns?: number;
  tokens_in?: number;
  tokens_out?: number;
  cost_usd?: number;
  /** True when cost_usd is aicoder's estimate from the tokens (core/cost-estimate.ts), not the CLI's. */
  cost_estimated?: boolean;
}

/** What a parser makes of one output line. */
export interface ParsedEvent {
  kind: string;
  text: string;
  session_id?: string;
  stats?: StatsDelta;
  last_message?: string;
  /** Final outcome of the run, when the line says so. */
  outcome?: { ok: boolean; reason?: string };
  /** Tool calls the agent was refused (permission mode), each "Tool input-summary" (Claude's result). */
  permission_denials?: string[];
}

export interface OutputParser {
  parse(line: string, stream: 'stdout' | 'stderr'): ParsedEvent[];
  /**
   * True when every line becomes exactly one entry of kind "text" with the line as its text, and the
   * last non-empty stdout line (trimmed) is the last message, and nothing else: the supervisor then
   * stores whole blocks of lines without calling parse (the fast path of ingestion).
   */
  readonly plainText?: boolean;
}

/** What a parser may know about the coder when a run starts. */
export interface ParserContext {
  /**
   * The coder's stats before this run, given for a follow-up (resumed session) or a re-adopted run:
   * a CLI that reports running totals for the whole session (Codex) subtracts them.
   */
  stats: CoderStats;
}

export interface ProviderCatalog {
  get(name: string): ProviderDef | undefined;
  list(): ProviderDef[];
  /** A fresh parser instance for a run. */
  parser(def: ProviderDef, ctx?: ParserContext): OutputParser;
  /** Provider files skipped while loading (file and message naming the key). */
  errors?(): { source: string; message: string }[];
  /** Substitutes placeholders per argv element (literal; never through a shell). */
  buildArgv(template: readonly string[], vars: ArgvVars): string[];
}

/** Whether a provider's program and credentials look usable (never holds a secret's value). */
export interface ProviderAvailability {
  /** command[0] found on the daemon's PATH (or as the absolute path it names). */
  installed: boolean;
  /** Where it was found; null when not installed. */
  path: string | null;
  /** First line of `<program> --version` (5 s timeout, cached per daemon); null when unknown. */
  version: string | null;
  /** How to install the program when it is not installed (a command for the shipped agents). */
  install_hint: string | null;
  /** `found`: a key variable or credentials file is present; `missing`: none; `n/a`: not checked. */
  credentials: 'found' | 'missing' | 'n/a';
  /** The variable names or files that were found, or those looked for (names and paths only). */
  credentials_detail: string;
}

/** Checks providers' programs and credentials (src/providers/probe.ts). */
export interface ProviderProbe {
  /**
   * `env`: variables the agent gets on top of the daemon's and the provider's own (config.json
   * provider_env), so credentials supplied there count as present.
   */
  check(def: ProviderDef, env?: Readonly<Record<string, string>>): Promise<ProviderAvailability>;
  /** Only whether command[0] is found (no `--version` run), with the install hint when it is not. */
  locate(
    def: ProviderDef,
    env?: Readonly<Record<string, string>>,
  ): Pick<ProviderAvailability, 'installed' | 'path' | 'install_hint'>;
}

export interface ArgvVars {
  task: string;
  model?: string | null;
  workspace: string;
  session_id?: string | null;
  message?: string;
  /** Claude Code's permission mode from config (claude_permission_mode). */
  permission_mode?: string | null;
  /**
   * The coder's own MCP endpoint: the URL with its token (visible in `ps` when put in argv), the URL
   * without it (token from AICODER_MCP_TOKEN as a Bearer header), and a Claude Code --mcp-config for
   * it (the path of a 0600 file when the daemon serves the endpoint; inline JSON otherwise).
   */
  coder_mcp_url?: string | null;
  coder_mcp_endpoint?: string | null;
  coder_mcp_config?: string | null;
  /** Text telling the agent about the coder endpoint (templates/prompts/coder.md). */
  coder_prompt?: string | null;
  max_turns?: number | null;
  budget_usd?: number | null;
  /** The role's prompt, then coder_prompt, joined by a blank line (core/roles.ts roleArgvVars). */
  system_prompt?: string | null;
  /** The coder's role's system prompt, as text and as a TOML basic string (Codex `-c`). */
  role_prompt?: string | null;
  role_prompt_toml?: string | null;
  /** A read-only role: the provider's `read_only.tools`. */
  role_tools?: string | null;
}
