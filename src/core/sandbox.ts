/**
 * The sandbox a coder's agent runs in: plain data on the record, and the port that wraps a run's argv
 * (implemented with bubblewrap in process/sandbox.ts). See docs/sandbox.md.
 */
import { AicoderError } from './errors.js';

/** `none`: the agent runs as the user (today's behaviour). `bwrap`: under bubblewrap. */
export { SANDBOX_MODES, type SandboxMode } from '../protocol/states.js';
import { SANDBOX_MODES, type SandboxMode } from '../protocol/states.js';
export { NETWORK_MODES, type NetworkMode } from '../protocol/states.js';
import { NETWORK_MODES, type NetworkMode } from '../protocol/states.js';
/** The sandbox in force for a coder (its record's `sandbox`; protocol/records.ts `coderSandbox`). */
export type { CoderSandbox } from '../protocol/records.js';
import type { CoderSandbox } from '../protocol/records.js';

export const NO_SANDBOX: CoderSandbox = { mode: 'none', network: 'on' };

/** What a run is wrapped with. Paths are absolute. */
export interface SandboxRequest {
  sandbox: CoderSandbox;
  /** The coder's worktree (writable). */
  workspace: string;
  /** The coder's branch (its ref and reflog are writable so a commit from the worktree works). */
  branch: string;
  /** The run's environment (PATH finds bwrap; HOME and $VARS expand `state_paths`). */
  env: Record<string, string>;
  /** The provider file's `state_paths` (`~/…`, `$VAR/…`); missing ones are skipped or made. */
  state_paths: readonly string[];
  /** A folder of the daemon's for this coder's private tmp (bound at /tmp). */
  tmp_dir: string;
}

/** The wrapped run: argv to execute (bwrap …  -- agent argv) and the environment to give it. */
export interface SandboxedRun {
  argv: string[];
  env: Record<string, string>;
}

export interface SandboxPort {
  /**
   * Wraps `argv` so that it runs inside the sandbox. Throws AicoderError `sandbox_unavailable` naming
   * the cause (bwrap not on PATH, or bwrap refused to set up the namespaces) — never falls back.
   */
  wrap(req: SandboxRequest, argv: readonly string[]): Promise<SandboxedRun>;
  /**
   * Throws as `wrap` does when no sandbox can be set up with this PATH (a PATH value); with network
   * "off", also when bwrap cannot make a network namespace.
   */
  check(path: string, network?: NetworkMode): Promise<void>;
}

/** Checks a sandbox value from a create, .aicoder.json or config.json; `field` names where. */
export function checkSandboxMode(v: unknown, field = 'sandbox'): SandboxMode {
  if (typeof v === 'string' && (SANDBOX_MODES as readonly string[]).includes(v)) return v as SandboxMode;
  throw new AicoderError('invalid_input', `${field} must be one of ${SANDBOX_MODES.join(', ')}`, { field });
}

export function checkNetworkMode(v: unknown, field = 'network'): NetworkMode {
  if (typeof v === 'string' && (NETWORK_MODES as readonly string[]).includes(v)) return v as NetworkMode;
  throw new AicoderError('invalid_input', `${field} must be one of ${NETWORK_MODES.join(', ')}`, { field });
}

/**
 * The sandbox of a new coder: the create's values over the repo's .aicoder.json over config.json's
 * "worktree" defaults (already merged in `settings`). `network: "off"` needs `sandbox: "bwrap"`
 * (invalid_input naming `network` otherwise): the network namespace is bwrap's.
 */
export function resolveSandbox(
  input: { sandbox?: SandboxMode; network?: NetworkMode },
  settings: { sandbox?: SandboxMode; network?: NetworkMode },
): CoderSandbox {
  const mode = input.sandbox ?? settings.sandbox ?? 'none';
  const network = input.network ?? settings.network ?? 'on';
  if (network === 'off' && mode !== 'bwrap') {
    throw new AicoderError('invalid_input', 'network "off" needs sandbox "bwrap" (docs/sandbox.md)', {
      field: 'network',
    });
  }
  return { mode, network };
}

/** Short text for status lines: "none", "bwrap", "bwrap, network off". */
export function describeSandbox(s: CoderSandbox): string {
  if (s.mode === 'none') return 'none';
  return s.network === 'off' ? `${s.mode}, network off` : s.mode;
}
