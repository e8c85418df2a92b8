/**
 * The ports the core depends on. Implementations live in the outer folders (store/, git/, process/,
 * providers/, workspace/) and are injected by the daemon. The core imports none of them.
 */
import type { Coder, CoderState, CoderStats, LogEntry, LogStream } from './coder.js';
import type { GroupStore } from './group.js';

// ---------------------------------------------------------------- store

export interface ListCodersQuery {
  states?: readonly CoderState[];
  repo?: string;
  limit?: number;
  /** Opaque cursor from a previous page (newest first). */
  cursor?: string;
}

export interface ListCodersPage {
  coders: Coder[];
  total: number;
  next_cursor: string | null;
}

/** A served entry's text is cut beyond this many UTF-8 bytes (with a marker and `cut`). */
export const LOG_ENTRY_MAX_BYTES = 16 * 1024;
/** One log answer carries at most about this many bytes of text (REST, MCP, CLI, SSE replay pages). */
export { LOG_ANSWER_MAX_BYTES } from '../protocol/limits.js';

export interface LogQuery {
  /** Entries with seq > since_seq. */
  since_seq?: number;
  /** The last N entries (after the other filters). */
  tail?: number;
  kinds?: readonly string[];
  /** At most this many entries, oldest first (ignored with tail). */
  limit?: number;
  /** Text budget of the answer in UTF-8 bytes (default LOG_ANSWER_MAX_BYTES); at least one entry. */
  max_bytes?: number;
  /** Texts longer than this many UTF-8 bytes are cut (default LOG_ENTRY_MAX_BYTES). */
  entry_max_bytes?: number;
}

/** A page of entries; `more` when the budget or the limit stopped it before the end. */
export interface LogPage {
  entries: LogEntry[];
  more: boolean;
}

/** A slice of one entry's whole text (for entries served cut). Offsets in UTF-8 bytes. */
export interface LogText {
  coder_id: string;
  seq: number;
  offset: number;
  text: string;
  total_bytes: number;
  /** Where the next slice starts, or null at the end of the text. */
  next_offset: number | null;
}

/** Plain text lines of one stream, as read (already redacted): each `\n` ends one entry. */
export interface LogBlock {
  ts: string;
  stream: LogStream;
  kind: string;
  text: Buffer;
  /** Lines in `text` (each `\n` ends one; an unterminated last line counts), when already known. */
  count?: number;
}

/** Where a stored block went: entries first_seq.. and global ids first_id.., `count` of them. */
export interface StoredBlock {
  first_id: number;
  first_seq: number;
  count: number;
}

export interface NewLogEntry {
  ts: string;
  stream: LogStream;
  kind: string;
  text: string;
}

/** Byte offsets into a run's output files up to which lines have been ingested. */
export interface OutputOffsets {
  stdout: number;
  stderr: number;
}

/** The durable facts of one run of a coder's process, enough to re-adopt it after a daemon restart. */
export interface RunRecord {
  coder_id: string;
  run_no: number;
  pid: number;
  pgid: number;
  /** Process start time as the OS reports it (Linux: /proc/<pid>/stat field 22), to detect pid reuse. */
  start_time: string;
  run_dir: string;
  offsets: OutputOffsets;
}

export interface StoredEvent {
  id: number;
  type: string;
  coder_id: string;
  payload: unknown;
  ts: string;
}

export interface StoredLogEntry extends LogEntry {
  /** Global, strictly increasing id across all coders (for SSE resumption). */
  id: number;
}

export interface CoderStore extends GroupStore {
  insertCoder(coder: Coder): void;
  /** Replaces the stored record (whole row) and returns it. */
  saveCoder(coder: Coder): Coder;
  getCoder(id: string): Coder | undefined;
  /** Coders whose id starts with prefix (at most `limit`, default 2). */
  findByIdPrefix(prefix: string, limit?: number): Coder[];
  listCoders(q: ListCodersQuery): ListCodersPage;
  /** Coders in any of these states, oldest first (for the scheduler and re-adoption). */
  codersInStates(states: readonly CoderState[]): Coder[];
  deleteCoder(id: string): void;

  /**
   * Appends entries with seq = last seq + 1, …; when `run` is given, records its new offsets in the
   * same transaction (exactly-once ingestion across daemon crashes). Returns the stored entries.
   */
  appendLogs(
    coderId: string,
    entries: readonly NewLogEntry[],
    run?: { run_no: number; offsets: OutputOffsets },
    statsDelta?: Partial<CoderStats>,
  ): StoredLogEntry[];
  /**
   * Appends a block of plain text lines as entries (one per line) in one write, with the run's
   * offsets and stats in the same transaction. The fast path of output ingestion.
   */
  appendLogBlock(
    coderId: string,
    block: LogBlock,
    run?: { run_no: number; offsets: OutputOffsets },
    statsDelta?: Partial<CoderStats>,
  ): StoredBlock;
  /** Entries in seq order within the query's budget (texts cut, see LogEntry.cut). */
  readLogs(coderId: string, q: LogQuery): LogEntry[];
  readLogPage(coderId: string, q: LogQuery): LogPage;
  /** A slice of one entry's whole text; undefined for an unknown coder or seq. */
  readLogText(coderId: string, seq: number, offset: number, maxBytes: number): LogText | undefined;
  lastSeq(coderId: string): number;
  /** Log entries of all coders with global id > afterId, oldest first. */
  logsAfter(afterId: number, limit: number): StoredLogEntry[];
  lastLogId(): number;

  saveRun(run: RunRecord): void;
  getRun(coderId: string): RunRecord | undefined;
  deleteRuns(coderId: string): void;

  appendEvent(type: string, coderId: string, payload: unknown): StoredEvent;
  eventsAfter(afterId: number, limit: number): StoredEvent[];
  lastEventId(): number;

  close(): void;
}

// ---------------------------------------------------------------- git

export interface WorktreeSpec {
  repo: string;
  base_commit: string;
  branch: string;
  path: string;
  /** Initialize submodules (.aicoder.json `submodules`); null or absent: when .gitmodules exists. */
  submodules?: boolean | null;
}

/** What `createWorktree` made, beyond the worktree itself. */
export interface CreatedWorktree {
  /** Problems that did not stop the checkout (e.g. git-lfs missing), one sentence each. */
  warnings: string[];
}

/** What `removeWorktree` could not do (e.g. the repository is gone), one sentence each. */
export interface RemovedWorktree {
  notes: string[];
}

export interface RemoveWorktreeSpec {
  repo: string;
  path: string;
  branch: string;
  /** "Commits not in base": not reachable from base_ref's current tip nor from base_commit. */
  base_ref: string;
  base_commit: string;
  force: boolean;
  keep_branch: boolean;
}

export type FileChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'untracked';

export interface FileChange {
  path: string;
  status: FileChangeStatus;
  insertions: number;
  deletions: number;
  /** Previous path for renames. */
  from?: string;
}

/**
 * Page of a long list (changes, workspace files): `cursor` is the previous page's next_cursor;
 * `limit` entries per page, 1–5000 (default 1000); a page also ends at a size budget (256 KiB).
 */
export interface PageQuery {
  cursor?: string;
  limit?: number;
}

export interface ChangesPage {
  /** Sorted by path. */
  changes: FileChange[];
  /** Changed files in the whole worktree. */
  total: number;
  /** Cursor for the next page; null on the last one (the marker that more entries exist). */
  next_cursor: string | null;
}

export interface FilesPage {
  /** Sorted by path. */
  files: WorkspaceFile[];
  /** Files in the whole worktree. */
  total: number;
  /** Cursor for the next page; null on the last one. */
  next_cursor: string | null;
}

/** What `GitPort.locate` answers: the repository's toplevel (realpath), a base commit and its ref. */
export interface LocatedRepo {
  toplevel: string;
  /** The base ref asked for, or HEAD's branch (its commit id when HEAD is detached). */
  base_ref: string;
  /** Full commit id of base_ref. */
  base_commit: string;
}

export interface GitPort {
  /** Absolute toplevel of the repository containing `path`; throws not_a_repo. */
  toplevel(path: string): Promise<string>;
  /** The symbolic name of HEAD (branch) or its commit when detached. */
  headRef(repo: string): Promise<string>;
  /** Full commit id of a ref; throws unknown_ref naming the ref. */
  resolveCommit(repo: string, ref: string): Promise<string>;
  branchExists(repo: string, branch: string): Promise<boolean>;
  /**
   * toplevel, then the commit of `baseRef` (default HEAD) and HEAD's branch, asked of git at once (one
   * `git rev-parse`); null when git cannot answer all of it, and the caller asks one by one for the
   * precise error. Optional: without it, create asks one by one.
   */
  locate?(path: string, baseRef?: string): Promise<LocatedRepo | null>;
  /** Creates branch + worktree; on any failure removes what it made and rethrows. */
  createWorktree(spec: WorktreeSpec): Promise<CreatedWorktree>;
  /**
   * Guards: dirty_worktree, unmerged_commits unless force. Missing directory is fine (pruned). A gone
   * repository: worktree_gone, or with force the folder is deleted and `notes` say what was not done.
   */
  removeWorktree(spec: RemoveWorktreeSpec): Promise<RemovedWorktree>;
  /** Unified diff of the worktree (committed, staged, unstaged and untracked) against base_commit. */
  diff(workspace: string, baseCommit: string): Promise<string>;
  /** A page of the changed files against base_commit (see PageQuery); never blocks the event loop. */
  changes(workspace: string, baseCommit: string, page?: PageQuery): Promise<ChangesPage>;
  /** The `total` that changes() would answer, counted without listing (a running coder's files_changed). */
  countChanges(workspace: string, baseCommit: string): Promise<number>;
}

// ---------------------------------------------------------------- workspace

export interface WorkspaceFile {
  path: string;
  size: number;
  tracked: boolean;
}

export interface ReadResult {
  path: string;
  size: number;
  offset: number;
  content: string | null;
  binary: boolean;
  truncated: boolean;
  next_offset: number | null;
}

export interface WorkspacePort {
  /** A page of the tracked and untracked (not ignored) files, with sizes (see PageQuery). */
  list(workspace: string, page?: PageQuery): Promise<FilesPage>;
  /** Reads a repo-relative file, confined to the worktree (path_outside otherwise). */
  read(workspace: string, relPath: string, opts: { max_bytes: number; offset: number }): Promise<ReadResult>;
  /**
   * Watches the worktree (ignoring .git and ignored dirs); onChange is debounced by the implementation.
   * When onChange returns a promise, the next call waits for it and is spaced by its cost.
   */
  watch(workspace: string, onChange: () => unknown): WatchHandle;
}

export interface WatchHandle {
  close(): Promise<void>;
}

// ---------------------------------------------------------------- process

/** `terminate` also continues a paused group, so a paused run can end. */
export type RunSignal = 'pause' | 'resume' | 'terminate' | 'kill';

export interface RunSpec {
  coder_id: string;
  run_no: number;
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Directory for this run's output and exit-status files (created by the runner). */
  run_dir: string;
}

export interface OutputLines {
  stream: 'stdout' | 'stderr';
  /** The lines as text (without `\n`, one trailing `\r` removed); may be computed on first use. */
  readonly lines: string[];
  /**
   * The same lines as the bytes read: each line followed by `\n`, except a last line that has none
   * (a piece of an over-long line, or the unterminated end of the stream).
   */
  bytes?: Buffer;
  /** Number of lines in `bytes` (when the reader counted them already). */
  count?: number;
  /** Byte offset in the stream's file just after these lines. */
  offset: number;
}

export interface ExitResult {
  exit_code: number | null;
  signal: string | null;
}

export interface RunObserver {
  /**
   * Called with complete lines in order; must persist them (and the offset) before returning.
   * `out.bytes` (and `out.lines`, if not read during the call) are valid only during the call: an
   * observer that keeps them for later copies them.
   */
  onLines(out: OutputLines): void;
  /** Called once, after every line of the run has been delivered. */
  onExit(result: ExitResult): void;
}

export type AdoptOutcome = 'running' | 'exited' | 'gone';

/** A live process found on the system (Linux /proc), e.g. one an agent left running. */
export interface ProcessInfo {
  pid: number;
  /** /proc/<pid>/stat field 22: with the pid, identifies the process across pid reuse. */
  start_time: string;
  /** Its process group id. */
  pgid: number;
  /** Its command line, arguments joined by spaces (at most 200 characters). */
  command: string;
}

/** Spawning, signalling, exit observation and output streaming. Nothing above calls process APIs. */
export interface Runner {
  spawn(spec: RunSpec, obs: RunObserver): Promise<RunRecord>;
  /**
   * Re-attaches to a run recorded before a daemon restart. 'running': same process (pid and start
   * time), tailing resumes from run.offsets. 'exited': it ended meanwhile; remaining output and the
   * exit status are delivered through obs. 'gone': it vanished without a status; remaining output
   * is delivered, onExit is not called.
   */
  adopt(run: RunRecord, obs: RunObserver): Promise<AdoptOutcome>;
  /**
   * Signals the run's whole process group, also after the wrapper has exited (members it left stay
   * reachable); skipped only when the group id now belongs to another process (pid reuse).
   */
  signal(run: RunRecord, sig: RunSignal): void;
  /** Live members of the run's process group (none when its id was reused by another group). */
  groupMembers(run: RunRecord): ProcessInfo[];
  /** Live processes whose working directory is `dir` or below (setsid escapes included); never the daemon. */
  processesUnder(dir: string): ProcessInfo[];
  /** True while `p` is the same live process (pid and start time). */
  isRunning(p: Pick<ProcessInfo, 'pid' | 'start_time'>): boolean;
  /**
   * Ends these processes: SIGTERM (and SIGCONT) to each that is still the same process, SIGKILL to
   * those still running after graceMs. Resolves with the ones that could not be ended (normally none).
   */
  endProcesses(procs: readonly ProcessInfo[], graceMs: number): Promise<ProcessInfo[]>;
  /** Stops watching all runs without touching the processes (daemon shutdown). */
  detachAll(): Promise<void>;
}

// ---------------------------------------------------------------- providers

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
  /** Where the definition came from (file path), for error messages. */
  source: string;
}

export interface StatsDelta {
  turns?: number;
  tokens_in?: number;
  tokens_out?: number;
  cost_usd?: number;
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
}

// ---------------------------------------------------------------- clock

export interface TimerHandle {
  clear(): void;
}

/** Time and timers. Tests inject a fake clock (advance it by hand) so time-based rules need no sleeps. */
export interface Clock {
  now(): Date;
  /** Calls fn once after ms (never keeps the process alive on its own). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return { clear: () => clearTimeout(t) };
  },
};

// ---------------------------------------------------------------- logging (the daemon's own log)

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, data?: Record<string, unknown>) => void;
