/**
 * The store port: coders, runs, log entries and events, persisted (src/store/).
 * Part of the core's ports (../ports.ts re-exports them all).
 */
import type { Coder, CoderState, CoderStats, LogEntry, LogStream } from '../coder.js';
import type { GroupStore } from '../group.js';

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
export { LOG_ANSWER_MAX_BYTES } from '../../protocol/limits.js';

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
