/**
 * The typed client the CLI and TUI use to talk to the daemon. The HTTP implementation is in
 * client/http-client.ts; tests of the TUI use an in-memory implementation of this same interface.
 *
 * REST routes (all JSON; errors are `{ "error": ErrorBody }` with an HTTP status):
 *   GET    /health                                  → Health
 *   POST   /api/coders                  CreateCoderInput → 201 Coder
 *   GET    /api/coders?state=a,b&repo=&limit=&cursor=   → ListCodersPage
 *   GET    /api/coders/:id                          → Coder
 *   POST   /api/coders/:id/control      ControlInput → ControlResult
 *   POST   /api/coders/:id/attach       AttachHolder → AttachPlan (core/attach.ts; `aicoder attach`)
 *   POST   /api/coders/:id/detach       DetachInput → Coder
 *   GET    /api/coders/:id/logs?since_seq=&tail=&kinds=a,b&max_bytes=[&follow=1&timeout_ms=] → LogsResult
 *   GET    /api/coders/:id/logs/:seq/text?offset=&max_bytes=                → LogText
 *   GET    /api/coders/:id/wait?for=terminal|s1,s2&timeout_ms=  → WaitResult (long poll, ≤ 50 s)
 *   GET    /api/coders/:id/diff?offset&max_bytes     → { diff, diff_bytes, truncated, next_offset }
 *   GET    /api/coders/:id/changes?cursor=&limit=   → ChangesPage { changes, total, next_cursor }
 *   GET    /api/coders/:id/files?cursor=&limit=     → FilesPage { files, total, next_cursor }
 *   GET    /api/coders/:id/file?path=&max_bytes=&offset= → ReadResult
 *   GET    /api/providers                           → { providers: ProviderInfo[], errors }
 *   GET    /api/stats                               → FleetStats (core/stats.ts): by_state, running, queued, by_provider, uptime_s
 *   GET    /api/events   (SSE; Last-Event-ID header or ?last_event_id=) → AicoderEvent per `data:`
 *   POST   /api/shutdown                            → { ok: true } then the daemon exits gracefully
 */
import type { Health } from '../protocol/health.js';
import type { Coder } from '../core/coder.js';
import type { AttachHolder, AttachPlan, DetachInput } from '../core/attach.js';
import type {
  ControlInput,
  ControlResult,
  CreateCoderInput,
  ListInput,
  LogsInput,
  LogTextInput,
  LogsResult,
  ProviderInfo,
  ProviderReport,
  WaitResult,
  WaitTarget,
} from '../core/api.js';
import type {
  ChangesPage,
  FilesPage,
  ListCodersPage,
  LogText,
  PageQuery,
  ReadResult,
} from '../core/ports.js';
import type { AicoderEvent } from '../core/events.js';

/** `GET /health` (the contract's shape, src/protocol/health.ts). */
export type { Health };

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export interface EventSubscription {
  close(): void;
}

export interface SubscribeOptions {
  /** Resume after this event id (as sent in the SSE `id:` field). */
  lastEventId?: string;
  onEvent(e: AicoderEvent, id: string): void;
  onStatus?(s: ConnectionStatus): void;
  /** The server could not replay from lastEventId (too far behind): refetch everything. */
  onReset?(): void;
}

export interface AicoderClient {
  readonly baseUrl: string;
  /** Headers every request to the daemon carries (the owner token: docs/security.md); reuse them for /mcp. */
  readonly authHeaders?: Readonly<Record<string, string>>;
  health(): Promise<Health>;
  create(input: CreateCoderInput): Promise<Coder>;
  list(input?: ListInput): Promise<ListCodersPage>;
  get(id: string): Promise<Coder>;
  control(id: string, input: ControlInput): Promise<ControlResult>;
  /** Begins a takeover (`aicoder attach`); optional so in-memory clients may leave it out. */
  attach?(id: string, holder: AttachHolder): Promise<AttachPlan>;
  /** Ends a takeover. */
  detach?(id: string, input: DetachInput): Promise<Coder>;
  logs(id: string, input?: LogsInput & { follow?: boolean; timeout_ms?: number }): Promise<LogsResult>;
  /** A slice of one entry's whole text (entries served cut carry `cut`). */
  logText(id: string, seq: number, input?: LogTextInput): Promise<LogText>;
  wait(id: string, input: { for: WaitTarget; timeout_ms: number }): Promise<WaitResult>;
  /** The whole diff (fetched page by page: the daemon answers 256 KiB at a time). */
  diff(id: string): Promise<string>;
  /** One page (cursor paging; limit 1–5000, default 1000, and a 256 KiB budget per page). */
  changes(id: string, page?: PageQuery): Promise<ChangesPage>;
  files(id: string, page?: PageQuery): Promise<FilesPage>;
  readFile(id: string, path: string, opts?: { max_bytes?: number; offset?: number }): Promise<ReadResult>;
  providers(): Promise<ProviderInfo[]>;
  /** The providers with their status (installed, version, credentials) and the skipped files. */
  providerReport(): Promise<ProviderReport>;
  /** Live events with automatic reconnection and resumption by last event id. */
  subscribe(opts: SubscribeOptions): EventSubscription;
  shutdown(): Promise<void>;
}
