import type { ManagerConfig } from './config.js';
import type {
  Clock,
  CoderStore,
  GitPort,
  Logger,
  ProviderCatalog,
  ProviderProbe,
  Runner,
  SessionTurns,
  SessionTurnsQuery,
  WorkspacePort,
} from './ports.js';
import type { GitOpsPort, PrepPort } from './worktree-types.js';
import type { PriceTable } from './cost-estimate.js';
import type { SandboxPort } from './sandbox.js';
import type { RoleCatalog } from './roles.js';

/** Everything the Manager needs, injected by the daemon's composition root (daemon/wiring.ts). */
export interface ManagerDeps {
  home: string;
  config: ManagerConfig;
  store: CoderStore;
  git: GitPort;
  runner: Runner;
  providers: ProviderCatalog;
  workspace: WorkspacePort;
  /** Worktree lifecycle: settings, file copies, ports, sizes (src/workspace/prep.ts). */
  prep: PrepPort;
  /** Worktree lifecycle: commit, merge, forecast, prune (src/git/ops.ts). */
  gitOps: GitOpsPort;
  clock: Clock;
  log: Logger;
  /** Environment given to agent processes (default: the daemon's own process.env). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Configuration files that could not be applied (config.json, provider files), for `providers`. */
  configErrors?: () => { source: string; message: string }[];
  /** Daemon-wide secrets to redact by value wherever they appear (the owner token: docs/security.md). */
  knownSecrets?: readonly string[];
  /** Installation/credentials checks for `providers` (none: the report has no status). */
  probe?: ProviderProbe;
  /** Where each coder reaches its own MCP endpoint (set by the daemon once it knows its port). */
  coderEndpoint?: CoderEndpoint;
  /** Wraps runs of coders whose sandbox is not `none` (process/sandbox.ts); absent: such coders are refused. */
  sandbox?: SandboxPort;
  /**
   * Reads what a person's turns in the agent's own UI added to a session (`aicoder attach`); null
   * when the provider's transcripts are not known (providers/session-turns.ts). Absent: not read.
   */
  sessionTurns?: (q: SessionTurnsQuery) => SessionTurns | null;
  /** USD per million tokens by model (templates/prices.json), for providers with `estimate_cost`. */
  prices?: PriceTable;
  /** The text of templates/prompts/coder.md, with {coder_id} filled per coder. */
  coderPrompt?: string;
  /** Role presets (core/roles-catalog.ts); absent: no role is known, a create naming one is refused. */
  roles?: RoleCatalog;
}

export interface CoderEndpoint {
  /** The endpoint URL for a coder, with its token in the path. */
  url(coderId: string): string;
  /** The coder's token (unguessable; never part of a record). */
  token(coderId: string): string;
  /** The endpoint URL without the token (`/coder/<id>/mcp`): the token goes in `Authorization: Bearer`. */
  endpoint?(coderId: string): string;
  /**
   * Writes the coder's Claude Code `--mcp-config` JSON (server `aicoder`, token in a header) to a file
   * only the user can read (0600) and returns its path, so the token never shows in `ps`.
   */
  mcpConfigFile?(coderId: string, config: string): string;
  /**
   * Makes the coder's own Gemini CLI home (an overlay of the user's, whose settings add the `aicoder`
   * server with the token read from AICODER_MCP_TOKEN) and returns it, for GEMINI_CLI_HOME.
   * `env` is the run's environment (it names the user's real home); `timeoutMs` bounds a tool call.
   */
  geminiHome?(coderId: string, env: Readonly<Record<string, string>>, timeoutMs: number): string;
}
