/**
 * The Manager: the one implementation of ManagerApi. Every surface (HTTP for the CLI and TUI, MCP)
 * calls it; it owns no transport. Live handles are held by the Supervisor.
 */
import { reconcileCreates } from './create-intent.js';
import { listRoles, type RolesAnswer } from './roles-listing.js';
import type {
  ControlInput,
  ControlResult,
  CreateCoderInput,
  FollowInput,
  ListInput,
  LogsInput,
  LogsResult,
  LogTextInput,
  ManagerApi,
  ProviderInfo,
  ProviderReport,
  WaitInput,
  WaitResult,
} from './api.js';
import { CoderRedactors, redactingStore, redactPatch } from './secrets.js';
import { Talkback, type CoderSideApi } from './talkback.js';
import type { Coder } from './coder.js';
import { AicoderError } from './errors.js';
import { EventBus, type AicoderEvent } from './events.js';
import { resolvePrefix } from './ids.js';
import type { ManagerDeps } from './manager-deps.js';
import {
  type ChangesPage,
  type FilesPage,
  type ListCodersPage,
  type LogText,
  type PageQuery,
  type ReadResult,
} from './ports.js';
import { Records } from './records.js';
import { Supervisor, errMessage } from './supervisor.js';
import {
  checkOnCompletion,
  controlCoder,
  groupContext,
  messageCoder,
  pickMember,
  removeCoder,
  stopCoder,
  type ControlContext,
} from './manager-control.js';
import { listCoders, providerInfos, providerReport, readLogs, readLogText } from './manager-reads.js';
import { UsageWaits } from './usage-waits.js';
import { Attaches, type AttachHolder, type AttachPlan, type DetachInput } from './attach.js';
import { endCoderProcesses, refreshProcesses } from './leftovers.js';
import type { StopReason } from './live-run.js';
import { checkLogKinds } from './log-kinds.js';
import { createCoder } from './create.js';
import { Checker } from './checks.js';
import * as groups from './group-ops.js';
import { compareGroup, type CompareResult } from './compare.js';
import type { PickInput, PickResult } from './pick.js';
import { Reviews } from './review.js';
import type { GroupView } from './group.js';
import { followLogs, waitForState } from './waits.js';
import { parseCursor, replayEvents, formatCursor } from './replay.js';
import * as ops from './worktree-ops.js';
import type {
  CommitResult,
  ConflictReport,
  DiskUsage,
  GcInput,
  GcResult,
  MergeResult,
  MergeStrategy,
  WorktreeApi,
} from './worktree-types.js';

export class Manager implements ManagerApi, WorktreeApi, groups.GroupApi {
  private readonly bus: EventBus;
  private readonly records: Records;
  private readonly supervisor: Supervisor;
  private readonly talkback: Talkback;
  private readonly waits: UsageWaits;
  private readonly attaches: Attaches;
  private readonly checker: Checker;
  /** Cross-reviews of groups (review_by): started when a group's members have all ended. */
  private readonly reviews: Reviews;

  private readonly deps: ManagerDeps;

  constructor(rawDeps: ManagerDeps) {
    // Every log entry and record text passes the coder's redactor before it is stored (core/secrets.ts).
    const redactors = new CoderRedactors(rawDeps);
    const deps: ManagerDeps = {
      ...rawDeps,
      store: redactingStore(rawDeps.store, (id) => redactors.forId(id)),
    };
    this.deps = deps;
    this.bus = new EventBus((err) => deps.log('error', 'event listener threw', { error: errMessage(err) }));
    this.records = new Records(deps.store, this.bus, deps.clock, (id, patch) =>
      redactPatch(patch, redactors.forId(id)),
    );
    this.talkback = new Talkback(
      deps,
      this.records,
      (id, reason) => this.supervisor.stopForLimit(id, reason),
      (coder, message) => this.message(coder, message),
    );
    this.supervisor = new Supervisor(deps, this.records, this.talkback);
    this.waits = new UsageWaits(deps, this.records, (id, f) => this.supervisor.enqueue(id, f));
    this.supervisor.onFailure = (coder, error, code) => this.waits.enter(coder, error, code);
    this.attaches = new Attaches(deps, this.records, (c) => this.stop(c));
    this.checker = new Checker(deps, this.records);
    this.supervisor.afterCompleted = (id, end) => checkOnCompletion(this.ctl, id, end);
    this.reviews = new Reviews({ deps, now: () => this.records.now(), create: (i) => this.create(i) });
    this.bus.subscribe((e) => this.reviews.onEvent(e), { logs: false });
  }

  /** What coders' own MCP endpoints call (progress, heartbeat, questions). */
  get coderSide(): CoderSideApi {
    return this.talkback;
  }

  /** Re-adopts live coders, queues queued ones and starts the scheduler. */
  async start(): Promise<void> {
    await reconcileCreates(this.deps, this.records);
    await ops.reconcile(this.ops());
    await this.supervisor.recover();
    this.waits.recover();
    this.attaches.recover();
    for (const c of this.deps.store.codersInStates(['checking'])) {
      await endCoderProcesses(this.deps, this.records, this.supervisor.kills, c);
      await this.checker.resume(c);
    }
    this.reviews.recover();
  }

  /**
   * Stops watching; agent processes keep running and are re-adopted by the next daemon. Creates and
   * merges in flight finish first (a stop never leaves a half-made worktree or a half-moved checkout);
   * new ones are refused meanwhile.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inflight]);
    this.talkback.shutdown();
    this.waits.close();
    this.attaches.close();
    await this.checker.shutdown();
    await this.supervisor.shutdown();
    this.records.flushOutput();
  }

  private closing = false;
  private readonly inflight = new Set<Promise<unknown>>();

  /** Runs a change that must not be cut short by a graceful stop (shutdown waits for it). */
  private inFlight<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.closing) {
      return Promise.reject(
        new AicoderError('conflict', `the daemon is stopping; ${what} again once it is back`),
      );
    }
    const p = work();
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** config.json was reloaded (values changed in place): a higher max_concurrent starts queued coders. */
  configChanged(): void {
    this.supervisor.schedule();
  }

  async create(input: CreateCoderInput): Promise<Coder> {
    if (input.agents !== undefined) {
      throw new AicoderError(
        'invalid_input',
        'agents makes a group: create it with createGroup (POST /api/groups)',
        {
          field: 'agents',
        },
      );
    }
    const coder = await this.inFlight('create', () => createCoder(this.deps, this.records, input));
    if (coder.state === 'queued') this.supervisor.enqueue(coder.id);
    return this.records.get(coder.id) ?? coder;
  }

  list(input: ListInput): ListCodersPage {
    return listCoders(this.deps, input);
  }

  /** The record; kept background processes that have ended meanwhile are dropped from `processes`. */
  get(idOrPrefix: string): Coder {
    const coder = resolvePrefix(idOrPrefix, (p) => this.deps.store.findByIdPrefix(p, 5));
    return refreshProcesses(this.deps, this.records, coder);
  }

  async control(idOrPrefix: string, input: ControlInput): Promise<ControlResult> {
    return controlCoder(this.ctl, this.get(idOrPrefix), input);
  }

  /** `aicoder attach` begins (core/attach.ts). */
  attach(idOrPrefix: string, holder: AttachHolder): Promise<AttachPlan> {
    return this.attaches.begin(this.get(idOrPrefix), holder);
  }

  /** `aicoder attach` ends (the person quit the agent's UI). */
  detach(idOrPrefix: string, input: DetachInput): Promise<Coder> {
    return this.attaches.end(this.get(idOrPrefix), input);
  }

  private stop(coder: Coder, reason: StopReason = 'stop'): Promise<void> {
    return stopCoder(this.ctl, coder, reason);
  }

  private message(coder: Coder, message: string | undefined): void {
    messageCoder(this.ctl, coder, message);
  }

  private remove(coder: Coder, force: boolean, keepBranch: boolean): Promise<ControlResult> {
    return removeCoder(this.ctl, coder, force, keepBranch);
  }

  /** The parts control actions use (core/manager-control.ts). */
  private get ctl(): ControlContext {
    return {
      deps: this.deps,
      records: this.records,
      supervisor: this.supervisor,
      waits: this.waits,
      talkback: this.talkback,
      checker: this.checker,
      get: (id) => this.get(id),
      ops: () => this.ops(),
      pick: (id, input) => this.pick(id, input),
    };
  }

  // ---------------------------------------------------------------- groups (best of N)

  private groupCtx(): groups.GroupContext {
    return groupContext(this.ctl, (id, input) => this.control(id, input));
  }

  /** Makes a group: one coder per agent, all from one base commit (see core/group-ops.ts). */
  createGroup(input: groups.CreateGroupInput): Promise<GroupView> {
    return this.inFlight('create', () => groups.createGroup(this.groupCtx(), input));
  }

  getGroup(idOrPrefix: string): GroupView {
    return groups.getGroup(this.deps, idOrPrefix);
  }

  listGroups(input: { repo?: string; limit?: number } = {}): GroupView[] {
    return groups.listGroups(this.deps, input);
  }

  controlGroup(
    idOrPrefix: string,
    input: { action: groups.GroupAction; force?: boolean; keep_branch?: boolean },
  ): Promise<groups.GroupControlResult> {
    return groups.controlGroup(this.groupCtx(), idOrPrefix, input);
  }

  /** Merges a group member into the base and removes the other members' worktrees (core/pick.ts). */
  pick(idOrPrefix: string, input: PickInput = {}): Promise<PickResult> {
    return this.inFlight('pick', () => pickMember(this.ctl, idOrPrefix, input));
  }

  /** The members side by side, ranked (core/compare.ts). */
  compareGroup(idOrPrefix: string): Promise<CompareResult> {
    return compareGroup(this.deps, idOrPrefix);
  }

  waitGroup(
    idOrPrefix: string,
    input: { timeout_ms: number; signal?: AbortSignal; onProgress?: (c: Coder) => void },
  ): Promise<{ group: GroupView; timed_out: boolean }> {
    const each = (id: string, ms: number) =>
      this.wait(id, {
        for: 'terminal',
        timeout_ms: ms,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      });
    return groups.waitGroup(this.deps, each, idOrPrefix, input.timeout_ms);
  }

  logs(idOrPrefix: string, input: LogsInput): LogsResult {
    checkLogKinds(input.kinds);
    const coder = this.get(idOrPrefix);
    return readLogs(this.deps, coder, this.supervisor.isLive(coder.id), input);
  }

  logText(idOrPrefix: string, seq: number, input: LogTextInput = {}): LogText {
    return readLogText(this.deps, this.get(idOrPrefix), seq, input);
  }

  async followLogs(idOrPrefix: string, input: FollowInput): Promise<LogsResult> {
    checkLogKinds(input.kinds);
    const coder = this.get(idOrPrefix);
    return followLogs(this, this.bus, this.deps.clock, coder.id, input);
  }

  wait(idOrPrefix: string, input: WaitInput): Promise<WaitResult> {
    const coder = this.get(idOrPrefix);
    return waitForState(this, this.bus, this.deps.clock, coder.id, input);
  }

  diff(idOrPrefix: string): Promise<string> {
    const c = this.get(idOrPrefix);
    return this.deps.git.diff(c.workspace, c.base_commit);
  }

  changes(idOrPrefix: string, page?: PageQuery): Promise<ChangesPage> {
    const c = this.get(idOrPrefix);
    return this.deps.git.changes(c.workspace, c.base_commit, page);
  }

  files(idOrPrefix: string, page?: PageQuery): Promise<FilesPage> {
    return this.deps.workspace.list(this.get(idOrPrefix).workspace, page);
  }

  readFile(
    idOrPrefix: string,
    path: string,
    opts: { max_bytes: number; offset: number },
  ): Promise<ReadResult> {
    return this.deps.workspace.read(this.get(idOrPrefix).workspace, path, opts);
  }

  providers(): ProviderInfo[] {
    return providerInfos(this.deps);
  }

  providerReport(): Promise<ProviderReport> {
    return providerReport(this.deps);
  }

  roles(): RolesAnswer {
    if (!this.deps.roles) throw new AicoderError('not_supported', 'this daemon was started without roles');
    return listRoles(this.deps.roles);
  }

  // ---------------------------------------------------------------- worktree lifecycle

  private ops(): ops.OpsContext {
    return {
      deps: this.deps,
      records: this.records,
      get: (id) => this.get(id),
      isLive: (id) => this.supervisor.isLive(id),
      remove: (c, force, keepBranch) => this.remove(c, force, keepBranch),
    };
  }

  commit(idOrPrefix: string, input: { message?: string }): Promise<CommitResult & { coder_id: string }> {
    return ops.commit(this.ops(), idOrPrefix, input);
  }

  merge(
    idOrPrefix: string,
    input: { strategy?: MergeStrategy; message?: string },
  ): Promise<MergeResult & { coder_id: string }> {
    return this.inFlight('merge', () => ops.merge(this.ops(), idOrPrefix, input));
  }

  conflicts(input: { repo?: string; coder?: string }): Promise<ConflictReport[]> {
    return ops.conflicts(this.ops(), input);
  }

  gc(input: GcInput): Promise<GcResult> {
    return ops.gc(this.ops(), input);
  }

  disk(ids: readonly string[]): Promise<DiskUsage[]> {
    return ops.disk(this.ops(), ids);
  }

  subscribe(fn: (e: AicoderEvent) => void): () => void {
    return this.bus.subscribe(fn);
  }

  replay(cursor: string, limit: number): { events: AicoderEvent[]; complete: boolean } {
    return replayEvents(this.deps.store, parseCursor(cursor), limit);
  }

  cursor(): string {
    return formatCursor({ event: this.deps.store.lastEventId(), log: this.deps.store.lastLogId() });
  }
}
