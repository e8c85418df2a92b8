/**
 * The manager's public surface: what the daemon's HTTP API, the MCP tools and (through the client)
 * the CLI and TUI call. Plain data in and out.
 */
import type { RolesAnswer } from './roles-listing.js';
import type { Coder, CoderState, LogEntry } from './coder.js';
import type { AttachHolder, AttachPlan, DetachInput } from './attach.js';
import type { CoderAction } from './state-machine.js';
import type { PickResult } from './pick.js';
import type {
  ChangesPage,
  FilesPage,
  ListCodersPage,
  LogText,
  PageQuery,
  ProviderAvailability,
  ReadResult,
} from './ports.js';

export type { ProviderAvailability };
import type { AicoderEvent } from './events.js';
import type { CreateInput } from '../protocol/inputs.js';

/**
 * A create's input: the contract's create schema (protocol/inputs.ts), where each field's rule and
 * description live. Defaults: repo = config `default_repo`; provider = `default_provider`; autostart
 * true (false: the coder waits in `created`); keep_processes = config `keep_processes`; limits = the
 * config's (the daemon stops the coder when one is reached).
 */
export type CreateCoderInput = CreateInput;

/** `active` = created, queued, starting, running, paused; `all` = every state. */
export type StateFilter = CoderState | 'active' | 'all';

export interface ListInput {
  states?: StateFilter[];
  repo?: string;
  limit?: number;
  cursor?: string;
}

export interface ControlInput {
  action: CoderAction | 'message';
  /** The follow-up text (message) or the answer to the coder's question (answer). */
  message?: string;
  force?: boolean;
  keep_branch?: boolean;
  /** For pick: also delete the other members' branches (default: kept, their work committed). */
  drop_branches?: boolean;
}

/** `notes` (remove only, when not empty): what the removal could not do, e.g. the repository is gone. */
export type ControlResult =
  { coder: Coder; removed: false; pick?: PickResult } | { coder: Coder; removed: true; notes?: string[] };

export interface LogsInput {
  since_seq?: number;
  tail?: number;
  kinds?: string[];
  /**
   * Text budget of the answer in UTF-8 bytes (default and maximum LOG_ANSWER_MAX_BYTES, 256 KiB). A
   * page stops once its texts reach it (at least one entry); each text is cut at 16 KiB (LogEntry.cut).
   */
  max_bytes?: number;
}

/** Which slice of one entry's whole text to read (ManagerApi.logText). */
export interface LogTextInput {
  /** Start, in UTF-8 bytes (default 0; moved back to a character boundary). */
  offset?: number;
  /** At most this many bytes (default and maximum 256 KiB). */
  max_bytes?: number;
}

export interface LogsResult {
  entries: LogEntry[];
  /** Pass as since_seq to continue. */
  next_seq: number;
  /** The coder has ended and every entry has been read. */
  done: boolean;
}

export type WaitTarget = CoderState[] | 'terminal';

export interface WaitInput {
  for: WaitTarget;
  timeout_ms: number;
  signal?: AbortSignal;
  /** Called on every change of the coder while waiting. */
  onProgress?: (coder: Coder) => void;
}

export interface WaitResult {
  coder: Coder;
  timed_out: boolean;
}

export interface FollowInput {
  since_seq: number;
  timeout_ms: number;
  kinds?: string[];
  /** As in LogsInput. */
  max_bytes?: number;
  signal?: AbortSignal;
  onEntry?: (entry: LogEntry) => void;
}

export interface ProviderInfo {
  name: string;
  description: string;
  parser: string;
  command: string[];
  source: string;
  /** Installed, version, credentials (from providerReport; absent from providers()). */
  status?: ProviderAvailability;
}

/** A provider file that failed to load: the file and a message naming the key. */
export interface ProviderFileError {
  source: string;
  message: string;
}

export interface ProviderReport {
  providers: ProviderInfo[];
  errors: ProviderFileError[];
  /** The daemon's configured `default_provider` (config.json): what `create` uses when none is given. */
  default_provider?: string;
}

export interface ManagerApi {
  create(input: CreateCoderInput): Promise<Coder>;
  list(input: ListInput): ListCodersPage;
  /** Resolves an id or unique prefix; throws not_found / ambiguous_id. */
  get(idOrPrefix: string): Coder;
  control(idOrPrefix: string, input: ControlInput): Promise<ControlResult>;
  logs(idOrPrefix: string, input: LogsInput): LogsResult;
  /** A slice of one entry's whole text, for entries served cut (LogEntry.cut). */
  logText(idOrPrefix: string, seq: number, input?: LogTextInput): LogText;
  /** Waits for new log entries (or the end of the coder) up to timeout. */
  followLogs(idOrPrefix: string, input: FollowInput): Promise<LogsResult>;
  wait(idOrPrefix: string, input: WaitInput): Promise<WaitResult>;
  diff(idOrPrefix: string): Promise<string>;
  /** A page of the changed files (cursor paging, size budget: see PageQuery in ports.ts). */
  changes(idOrPrefix: string, page?: PageQuery): Promise<ChangesPage>;
  /** A page of the worktree's files with sizes. */
  files(idOrPrefix: string, page?: PageQuery): Promise<FilesPage>;
  readFile(
    idOrPrefix: string,
    path: string,
    opts: { max_bytes: number; offset: number },
  ): Promise<ReadResult>;
  providers(): ProviderInfo[];
  /** The providers with their status (program on PATH, version, credentials) and the skipped files. */
  providerReport(): Promise<ProviderReport>;
  /** The roles a create can name and the role files skipped, read now (core/roles-listing.ts). */
  roles(): RolesAnswer;
  subscribe(fn: (e: AicoderEvent) => void): () => void;
  /** Events after a resumption cursor "E:L" (record events and log entries), oldest first. */
  replay(cursor: string, limit: number): { events: AicoderEvent[]; complete: boolean };
  cursor(): string;
  /**
   * Begins a person's takeover (core/attach.ts): stops a running coder, puts it in `attached` and
   * answers what the attaching CLI (`holder`, leased by pid and start time) runs. Errors: not_supported
   * (no attach_command, no session yet), conflict (already attached), sandbox_unavailable.
   */
  attach?(idOrPrefix: string, holder: AttachHolder): Promise<AttachPlan>;
  /** Ends the takeover: the coder returns to its ended state with files_changed recounted. */
  detach?(idOrPrefix: string, input: DetachInput): Promise<Coder>;
}
