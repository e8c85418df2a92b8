/**
 * The typed client the CLI and TUI use to talk to the daemon. The HTTP implementation is in
 * client/http-client.ts; tests of the TUI use an in-memory implementation of this same interface.
 *
 * The REST routes, their inputs and answers are the route table: src/protocol/route-paths.ts (method
 * and path) and src/protocol/routes.ts (schemas, status, error codes).
 */
import type { RolesAnswer } from '../core/roles-listing.js';
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
import type { CompareResult } from '../core/compare.js';
import type { CreateGroupInput, GroupControlResult } from '../core/group-ops.js';
import type { GroupView } from '../core/group.js';
import type { FleetStats } from '../core/stats.js';
import type {
  CommitResult,
  ConflictReport,
  DiskUsage,
  GcResult,
  MergeResult,
} from '../core/worktree-types.js';
import type { RouteBody, RouteQuery } from '../protocol/routes.js';

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

/**
 * The one client of every REST route (client/http-client.ts): the coder routes of AicoderClient, the
 * fleet's stats, the worktree lifecycle and the groups. Each method is named after its route in the
 * route table (protocol/route-paths.ts) and takes that route's query or body as the table types it
 * (protocol/routes.ts); `providers`, `subscribe` and the whole-`diff` method are the exceptions named
 * in http-client.ts's CLIENT_ROUTES.
 */
export interface DaemonClient extends AicoderClient {
  /** `GET /api/stats`. */
  stats(): Promise<FleetStats>;
  /** `GET /api/roles`: the roles a create can name, the role files skipped, the folders read. */
  roles(): Promise<RolesAnswer>;
  /** Commits all of a coder's changes on its branch. */
  commit(id: string, input: RouteBody<'commit'>): Promise<CommitResult & { coder_id: string }>;
  /** Merges a coder's branch into its base (docs/worktrees.md). */
  merge(id: string, input: RouteBody<'merge'>): Promise<MergeResult & { coder_id: string }>;
  conflicts(input: RouteQuery<'conflicts'>): Promise<ConflictReport[]>;
  gc(input: RouteBody<'gc'>): Promise<GcResult>;
  /** Disk use of the coders' worktrees (none asked: none answered, no request). */
  disk(ids: readonly string[]): Promise<DiskUsage[]>;
  createGroup(input: CreateGroupInput): Promise<GroupView>;
  listGroups(input?: RouteQuery<'listGroups'>): Promise<GroupView[]>;
  getGroup(id: string): Promise<GroupView>;
  controlGroup(id: string, input: RouteBody<'controlGroup'>): Promise<GroupControlResult>;
  /** One long poll (≤ 50 s): every member ended, or timed_out. */
  waitGroup(id: string, input: RouteQuery<'waitGroup'>): Promise<{ group: GroupView; timed_out: boolean }>;
  compareGroup(id: string): Promise<CompareResult>;
}
