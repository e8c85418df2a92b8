/**
 * The typed client the CLI and TUI use to talk to the daemon. The HTTP implementation is in
 * client/http-client.ts; tests of the TUI use an in-memory implementation of this same interface.
 *
 * The REST routes, their inputs and answers are the route table: src/protocol/route-paths.ts (method
 * and path) and src/protocol/routes.ts (schemas, status, error codes).
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
