/** The supervisor's bookkeeping for one live run of a coder. */
import type { Coder } from './coder.js';
import { priceOf, withCostEstimate } from './cost-estimate.js';
import type { ManagerDeps } from './manager-deps.js';
import { textDef } from './outcome.js';
import type {
  OutputOffsets,
  OutputParser,
  ParserContext,
  ProviderDef,
  RunRecord,
  WatchHandle,
} from './ports.js';
import type { Redactor } from './redact.js';
import { coderRedactor } from './secrets.js';

/** Why a user ended a run. */
export type StopReason = 'stop' | 'restart' | 'remove';

export interface LiveRun {
  id: string;
  run: RunRecord | null;
  offsets: OutputOffsets;
  parser: OutputParser;
  /** Removes every secret the daemon knows for this coder, and well-known formats (core/secrets.ts). */
  redact: Redactor;
  /** Structured parsers must see a final result event; a stream without one was aborted. */
  structured: boolean;
  outcome: { ok: boolean; reason?: string } | null;
  /** The last non-empty stderr line, to explain a failure that has no structured reason. */
  lastStderr: string | null;
  stopRequested: boolean;
  /** Set when a limit (turns, budget, timeout) ended the run: the coder ends stopped with it. */
  limitReason: string | null;
  /** Why the user ended the run ('stop', 'restart', 'remove'), for the run's end note. */
  stopReason: StopReason | null;
  /** SIGKILL for the group after the grace period is scheduled (core/pending-kills.ts); it fires even when the wrapper has already exited. */
  killScheduled: boolean;
  watcher: WatchHandle | null;
  /** The setup command running before the agent (stop signals it). */
  setup: RunRecord | null;
  /** Observer calls that arrived before the run was recorded; replayed in order once it is. */
  deferred: (() => void)[] | null;
  filesBusy: boolean;
  filesAgain: boolean;
  ended: Promise<void>;
  markEnded: () => void;
}

export function newLiveRun(
  deps: ManagerDeps,
  coder: Coder,
  run: RunRecord | null,
  def: ProviderDef | undefined,
  ctx?: ParserContext,
): LiveRun {
  let markEnded = (): void => {};
  const ended = new Promise<void>((r) => (markEnded = r));
  const parserDef = def ?? textDef();
  return {
    id: coder.id,
    run,
    offsets: run ? { ...run.offsets } : { stdout: 0, stderr: 0 },
    parser: parserDef.estimate_cost
      ? withCostEstimate(deps.providers.parser(parserDef, ctx), priceOf(deps.prices ?? {}, coder.model))
      : deps.providers.parser(parserDef, ctx),
    redact: coderRedactor(deps, parserDef, coder),
    structured: parserDef.parser !== 'text',
    outcome: null,
    lastStderr: null,
    stopRequested: false,
    limitReason: null,
    stopReason: null,
    killScheduled: false,
    watcher: null,
    setup: null,
    deferred: run ? null : [],
    filesBusy: false,
    filesAgain: false,
    ended,
    markEnded,
  };
}
