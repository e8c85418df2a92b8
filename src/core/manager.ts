/**
 * The Manager: the one implementation of ManagerApi. Every surface (HTTP for the CLI and TUI, MCP)
 * calls it; it owns no transport. Live handles are held by the Supervisor.
 */
import { reconcileCreates } from './create-intent.js';
import { checkSessionId } from './agent-values.js';
import { rm } from 'node:fs/promises';
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
import { ACTIVE_STATES, CODER_STATES, isTerminal, type Coder, type CoderState } from './coder.js';
import { AicoderError } from './errors.js';
import { EventBus, type AicoderEvent } from './events.js';
import { resolvePrefix } from './ids.js';
import type { ManagerDeps } from './manager-deps.js';
import { coderDir } from './paths.js';
import {
  LOG_ANSWER_MAX_BYTES,
  type ChangesPage,
  type FilesPage,
  type ListCodersPage,
  type LogText,
  type PageQuery,
  type ReadResult,
} from './ports.js';
import { Records } from './records.js';
import { assertAction } from './state-machine.js';
import { Supervisor, errMessage } from './supervisor.js';
import { UsageWaits } from './usage-waits.js';
import { Attaches, type AttachHolder, type AttachPlan, type DetachInput } from './attach.js';
import { endCoderProcesses, refreshProcesses } from './leftovers.js';
import type { StopReason } from './live-run.js';
import { checkLogKinds } from './log-kinds.js';
import { createCoder } from './create.js';
import { Checker } from './checks.js';
import * as groups from './group-ops.js';
import { compareGroup, type CompareResult } from './compare.js';
import { pick, type PickInput, type PickResult } from './pick.js';
import type { GroupView } from './group.js';
import { requireMessage } from './validate.js';
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

/** Log entries per page when no tail is asked for. */
const LOG_PAGE = 1000;

export class Manager implements ManagerApi, WorktreeApi, groups.GroupApi {
  private readonly bus: EventBus;
  private readonly records: Records;
  private readonly supervisor: Supervisor;
  private readonly talkback: Talkback;
  private readonly waits: UsageWaits;
  private readonly attaches: Attaches;
  private readonly checker: Checker;

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
    this.supervisor.afterCompleted = (id, end) => this.checkOnCompletion(id, end);
  }

  /** A run completed: the repo's checks run when it has some (true), else it is recorded as usual. */
  private async checkOnCompletion(id: string, end: Partial<Coder>): Promise<boolean> {
    const cur = this.records.get(id);
    if (!cur || !['running', 'needs_input', 'paused'].includes(cur.state)) return false;
    try {
      if ((await this.checker.commands(cur)).commands.length === 0) return false;
      await this.checker.start(cur, { trigger: 'completion', after: 'completed', patch: end });
      return true;
    } catch (err) {
      this.deps.log('warn', 'checks could not start', { id, error: errMessage(err) });
      return false;
    }
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
    const states = expandStates(input.states);
    if (
      input.limit !== undefined &&
      (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 1000)
    ) {
      throw new AicoderError('invalid_input', 'limit must be a whole number from 1 to 1000', {
        field: 'limit',
      });
    }
    return this.deps.store.listCoders({
      ...(states ? { states } : {}),
      ...(input.repo !== undefined ? { repo: input.repo } : {}),
      ...(input.limit !== undefined ? { limit: input.limit } : {}),
      ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
    });
  }

  /** The record; kept background processes that have ended meanwhile are dropped from `processes`. */
  get(idOrPrefix: string): Coder {
    const coder = resolvePrefix(idOrPrefix, (p) => this.deps.store.findByIdPrefix(p, 5));
    return refreshProcesses(this.deps, this.records, coder);
  }

  async control(idOrPrefix: string, input: ControlInput): Promise<ControlResult> {
    const coder = this.get(idOrPrefix);
    const { records, supervisor } = this;
    const id = coder.id;
    switch (input.action) {
      case 'start':
        assertAction(coder, 'start');
        records.transition(id, 'queued');
        supervisor.enqueue(id);
        break;
      case 'pause':
        assertAction(coder, 'pause');
        supervisor.pause(id);
        records.transition(id, 'paused');
        break;
      case 'resume':
        assertAction(coder, 'resume');
        if (coder.state === 'waiting') {
          this.waits.resumeNow(id);
          break;
        }
        supervisor.resume(id);
        records.transition(id, 'running');
        this.talkback.activity(id);
        break;
      case 'stop':
        assertAction(coder, 'stop');
        await this.stop(coder);
        break;
      case 'restart':
        if (!isTerminal(coder.state)) await this.stop(coder, 'restart');
        assertAction(this.get(id), 'restart');
        records.transition(id, 'queued', {
          exit_code: null,
          error: null,
          ended_at: null,
          pid: null,
          session_id: null,
          question: null,
          progress: null,
          stalled: false,
        });
        supervisor.enqueue(id);
        break;
      case 'message':
        this.message(coder, input.message);
        break;
      case 'answer':
        this.talkback.questions.answer(coder, input.message);
        break;
      case 'remove':
        return this.remove(coder, input.force === true, input.keep_branch === true);
      case 'check':
        assertAction(coder, 'check');
        await this.checker.start(coder, { trigger: 'demand', after: coder.state });
        break;
      case 'pick': {
        assertAction(coder, 'pick');
        const r = await this.pick(id, { drop_branches: input.drop_branches === true });
        return { coder: this.get(id), removed: false, pick: r };
      }
    }
    return { coder: this.get(id), removed: false };
  }

  /** `aicoder attach` begins (core/attach.ts). */
  attach(idOrPrefix: string, holder: AttachHolder): Promise<AttachPlan> {
    return this.attaches.begin(this.get(idOrPrefix), holder);
  }

  /** `aicoder attach` ends (the person quit the agent's UI). */
  detach(idOrPrefix: string, input: DetachInput): Promise<Coder> {
    return this.attaches.end(this.get(idOrPrefix), input);
  }

  private async stop(coder: Coder, reason: StopReason = 'stop'): Promise<void> {
    if (this.checker.isRunning(coder.id)) {
      await this.checker.cancel(coder.id); // back to the state it had; the agent's work stays
    } else if (this.supervisor.isLive(coder.id)) {
      await this.supervisor.stop(coder.id, reason);
    } else {
      this.supervisor.dequeue(coder.id);
      this.waits.cancel(coder.id);
      const cur = this.get(coder.id);
      if (cur.state === 'created' || cur.state === 'queued' || cur.state === 'waiting') {
        this.records.transition(coder.id, 'stopped', { ended_at: this.records.now() });
      }
    }
  }

  private message(coder: Coder, message: string | undefined): void {
    requireMessage(message, 'message is required for action "message"');
    const def = this.deps.providers.get(coder.provider);
    if (!def?.resume_command) {
      throw new AicoderError(
        'not_supported',
        `provider '${coder.provider}' cannot take follow-up messages (it has no resume_command)`,
        { field: 'action' },
      );
    }
    if (!isTerminal(coder.state)) {
      throw new AicoderError(
        'illegal_transition',
        `cannot message coder ${coder.id}: it is ${coder.state} (wait until it ends, or stop it)`,
        { field: 'action' },
      );
    }
    if (!coder.session_id) {
      throw new AicoderError('not_supported', `coder ${coder.id} has no agent session to continue`, {
        field: 'action',
      });
    }
    checkSessionId(coder.session_id);
    const budget = coder.limits.budget_usd;
    if (budget !== null && coder.stats.cost_usd > 0 && coder.stats.cost_usd >= budget) {
      throw new AicoderError(
        'conflict',
        `cannot message coder ${coder.id}: it has used $${coder.stats.cost_usd.toFixed(4)} of its budget_usd ${budget} (a follow-up would run over it)`,
        { field: 'budget_usd' },
      );
    }
    const stored = this.deps.store.appendLogs(coder.id, [
      { ts: this.records.now(), stream: 'system', kind: 'user_message', text: message },
    ]);
    this.records.announceLogs(stored);
    this.records.transition(coder.id, 'queued', { exit_code: null, error: null, ended_at: null, pid: null });
    this.supervisor.enqueue(coder.id, { message });
  }

  private async remove(coder: Coder, force: boolean, keepBranch: boolean): Promise<ControlResult> {
    if (force && !isTerminal(coder.state)) await this.stop(coder, 'remove');
    const cur = this.get(coder.id);
    assertAction(cur, 'remove');
    this.supervisor.dequeue(cur.id);
    this.waits.cancel(cur.id);
    await ops.teardown(this.ops(), cur, { guarded: !force && !keepBranch });
    // Nothing the coder started outlives it: kept servers, leftovers, setsid escapes in the worktree.
    await endCoderProcesses(this.deps, this.records, this.supervisor.kills, this.get(cur.id));
    const { notes } = await this.deps.git.removeWorktree({
      repo: cur.repo,
      path: cur.workspace,
      branch: cur.branch,
      base_ref: cur.base_ref,
      base_commit: cur.base_commit,
      force,
      keep_branch: keepBranch,
    });
    this.deps.store.deleteRuns(cur.id);
    this.records.removed(cur.id);
    if (cur.group_id !== null && this.deps.store.groupMembers(cur.group_id).length === 0) {
      this.deps.store.deleteGroup(cur.group_id); // its last member is gone
    }
    await rm(coderDir(this.deps.home, cur.id), { recursive: true, force: true });
    await ops.removeEmptyRepoDir(this.deps.home, cur.workspace);
    for (const note of notes) this.deps.log('warn', 'remove: ' + note, { id: cur.id });
    return notes.length > 0 ? { coder: cur, removed: true, notes } : { coder: cur, removed: true };
  }

  // ---------------------------------------------------------------- groups (best of N)

  private groupCtx(): groups.GroupContext {
    return {
      deps: this.deps,
      records: this.records,
      enqueue: (c) => {
        if (c.state === 'queued') this.supervisor.enqueue(c.id);
      },
      control: (id, input) => this.control(id, input),
      remove: (c, force, keepBranch) => this.remove(c, force, keepBranch),
    };
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
    return this.inFlight('pick', () =>
      pick(
        {
          deps: this.deps,
          get: (id) => this.get(id),
          commit: async (id, message) => ops.commit(this.ops(), id, message === undefined ? {} : { message }),
          merge: (id, mi) => ops.merge(this.ops(), id, mi),
          remove: (c, force, keepBranch) => this.remove(c, force, keepBranch),
          now: () => this.records.now(),
        },
        idOrPrefix,
        input,
      ),
    );
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
    // Order matters: the state first (once terminal, no more entries come), then the last seq, then
    // the entries (a snapshot at least as new as `last`), so next_seq never skips an entry.
    checkLogKinds(input.kinds);
    const coder = this.get(idOrPrefix);
    const ended = isTerminal(coder.state) && !this.supervisor.isLive(coder.id);
    const { store } = this.deps;
    const since = input.since_seq ?? 0;
    const last = store.lastSeq(coder.id);
    const kinds = input.kinds && input.kinds.length ? { kinds: input.kinds } : {};
    const budget = input.max_bytes !== undefined ? { max_bytes: input.max_bytes } : {};
    const { entries, more } =
      input.tail !== undefined
        ? store.readLogPage(coder.id, { since_seq: since, tail: input.tail, ...kinds, ...budget })
        : store.readLogPage(coder.id, { since_seq: since, limit: LOG_PAGE, ...kinds, ...budget });
    // A forward page stopped by its limit or its byte budget continues after its last entry.
    const fullPage = input.tail === undefined && more;
    const lastRead = entries.at(-1)?.seq ?? since;
    const next = fullPage ? lastRead : Math.max(since, last, lastRead);
    return { entries, next_seq: next, done: ended && next >= last };
  }

  logText(idOrPrefix: string, seq: number, input: LogTextInput = {}): LogText {
    const coder = this.get(idOrPrefix);
    const max = input.max_bytes ?? LOG_ANSWER_MAX_BYTES;
    if (!Number.isSafeInteger(max) || max < 1 || max > LOG_ANSWER_MAX_BYTES) {
      throw new AicoderError(
        'invalid_input',
        `max_bytes must be an integer from 1 to ${LOG_ANSWER_MAX_BYTES}`,
        {
          field: 'max_bytes',
        },
      );
    }
    const t = this.deps.store.readLogText(coder.id, seq, input.offset ?? 0, max);
    if (!t)
      throw new AicoderError('not_found', `coder ${coder.id} has no log entry ${seq}`, { field: 'seq' });
    return t;
  }

  async followLogs(idOrPrefix: string, input: FollowInput): Promise<LogsResult> {
    checkLogKinds(input.kinds);
    const coder = this.get(idOrPrefix);
    return followLogs(this, this.bus, coder.id, input);
  }

  wait(idOrPrefix: string, input: WaitInput): Promise<WaitResult> {
    const coder = this.get(idOrPrefix);
    return waitForState(this, this.bus, coder.id, input);
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
    return this.deps.providers.list().map((p) => ({
      name: p.name,
      description: p.description,
      parser: p.parser,
      command: [...p.command],
      source: p.source,
    }));
  }

  async providerReport(): Promise<ProviderReport> {
    const { probe, providers } = this.deps;
    const defs = providers.list();
    const infos = this.providers();
    if (probe) {
      const statuses = await Promise.all(
        defs.map((d) => probe.check(d, this.deps.config.provider_env?.[d.name])),
      );
      statuses.forEach((status, i) => (infos[i]!.status = status));
    }
    return {
      providers: infos,
      errors: this.deps.configErrors?.() ?? providers.errors?.() ?? [],
      default_provider: this.deps.config.default_provider,
    };
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

function expandStates(filters: ListInput['states']): CoderState[] | undefined {
  if (!filters || filters.length === 0 || filters.includes('all')) return undefined;
  const out = new Set<CoderState>();
  for (const f of filters) {
    if (f === 'active') ACTIVE_STATES.forEach((s) => out.add(s));
    else if ((CODER_STATES as readonly string[]).includes(f)) out.add(f as CoderState);
    else {
      throw new AicoderError(
        'invalid_input',
        `state must be one of ${CODER_STATES.join(', ')}, active or all (got '${String(f)}')`,
        { field: 'state' },
      );
    }
  }
  return [...out];
}
