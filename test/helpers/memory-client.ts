/**
 * An in-memory AicoderClient: a plain data store of coders and logs that emits the same events as the
 * daemon and applies the same state-machine rules (src/core/state-machine.ts). The TUI's component
 * tests and its keypress bench talk to it exactly as they would to the HTTP client — no module mocking.
 */
import type {
  AicoderClient,
  ConnectionStatus,
  EventSubscription,
  Health,
  SubscribeOptions,
} from '../../src/client/types.js';
import type {
  ControlInput,
  ControlResult,
  CreateCoderInput,
  ListInput,
  LogsInput,
  LogsResult,
  ProviderInfo,
  WaitResult,
  WaitTarget,
} from '../../src/core/api.js';
import {
  ACTIVE_STATES,
  CODER_STATES,
  emptyStats,
  emptyTalk,
  isTerminal,
  type Coder,
  type CoderState,
  type LogEntry,
  type LogStream,
} from '../../src/core/coder.js';
import { AicoderError } from '../../src/core/errors.js';
import type { AicoderEvent } from '../../src/core/events.js';
import type { ChangesPage, FilesPage, ListCodersPage, LogText, ReadResult } from '../../src/core/ports.js';
import { assertAction, assertTransition } from '../../src/core/state-machine.js';

const LOG_PAGE = 1000;

export type RemoveGuard = 'dirty_worktree' | 'unmerged_commits';

export const DEFAULT_PROVIDERS: ProviderInfo[] = [
  {
    name: 'claude',
    description: 'Claude Code',
    parser: 'claude',
    command: ['claude', '-p'],
    source: 'builtin',
  },
  {
    name: 'codex',
    description: 'OpenAI Codex CLI',
    parser: 'codex',
    command: ['codex', 'exec'],
    source: 'builtin',
  },
  { name: 'shell', description: 'any command', parser: 'text', command: ['sh', '-c'], source: 'builtin' },
];

export interface MemoryClientOptions {
  providers?: ProviderInfo[];
  /** providerReport's default_provider (the daemon's config). */
  defaultProvider?: string;
  /** Clock for created_at/updated_at (ms since epoch). */
  now?: () => number;
  baseUrl?: string;
}

/** A whole Coder with sensible defaults, for seeding the store. */
export function makeCoder(over: Partial<Coder> & { id: string }, nowMs = Date.now()): Coder {
  const ts = new Date(nowMs).toISOString();
  const name = over.name ?? `coder-${over.id}`;
  return {
    name,
    task: `task of ${name}`,
    provider: 'claude',
    model: null,
    repo: '/repo',
    base_ref: 'main',
    base_commit: '0'.repeat(40),
    branch: `aicoder/${name}`,
    workspace: `/home/.aicoder/worktrees/${over.id}`,
    state: 'running',
    pid: null,
    exit_code: null,
    session_id: null,
    error: null,
    created_at: ts,
    started_at: ts,
    updated_at: ts,
    ended_at: null,
    ...emptyTalk(),
    ...over,
    stats: { ...emptyStats(), ...over.stats },
  };
}

export class MemoryClient implements AicoderClient {
  readonly baseUrl: string;
  readonly coders = new Map<string, Coder>();
  readonly logStore = new Map<string, LogEntry[]>();
  readonly diffs = new Map<string, string>();
  readonly guards = new Map<string, RemoveGuard>();
  /** Every control call, in order (what the TUI asked for). */
  readonly controls: { id: string; input: ControlInput }[] = [];
  providerList: ProviderInfo[];
  /** While true every call fails with daemon_unreachable (as the HTTP client does with no daemon). */
  down = false;
  private readonly subs = new Set<SubscribeOptions>();
  private readonly now: () => number;
  private eventId = 0;
  private logId = 0;
  private nextId = 1;
  private status: ConnectionStatus = 'connected';
  private readonly defaultProvider: string | undefined;

  constructor(opts: MemoryClientOptions = {}) {
    this.providerList = opts.providers ?? DEFAULT_PROVIDERS;
    this.defaultProvider = opts.defaultProvider;
    this.now = opts.now ?? Date.now;
    this.baseUrl = opts.baseUrl ?? 'memory://aicoder';
  }

  // ------------------------------------------------------------ seeding and simulation

  /** Adds a coder (emits coder.created). */
  add(over: Partial<Coder> & { id?: string }): Coder {
    const id = over.id ?? this.freshId();
    const coder = makeCoder({ ...over, id }, this.now());
    this.coders.set(id, coder);
    this.logStore.set(id, this.logStore.get(id) ?? []);
    this.emit({ type: 'coder.created', event_id: ++this.eventId, coder });
    return coder;
  }

  /** Appends log lines to a coder (emits one coder.log per entry unless silent). */
  appendLogs(
    id: string,
    texts: readonly string[],
    opts: { stream?: LogStream; kind?: string; silent?: boolean } = {},
  ): LogEntry[] {
    const list = this.logStore.get(id);
    if (!list) throw new AicoderError('not_found', `no coder '${id}'`, { field: 'coder_id' });
    const ts = new Date(this.now()).toISOString();
    const added: LogEntry[] = [];
    let seq = list.at(-1)?.seq ?? 0;
    for (const text of texts) {
      const entry: LogEntry = {
        coder_id: id,
        seq: ++seq,
        ts,
        stream: opts.stream ?? 'stdout',
        kind: opts.kind ?? 'text',
        text,
      };
      list.push(entry);
      added.push(entry);
    }
    if (!opts.silent) {
      for (const entry of added) this.emit({ type: 'coder.log', log_id: ++this.logId, entry });
    }
    return added;
  }

  /** Replaces fields of a coder as the daemon would (emits coder.updated, or coder.state on a state change). */
  update(id: string, patch: Partial<Coder>): Coder {
    const cur = this.must(id);
    if (patch.state !== undefined && patch.state !== cur.state) assertTransition(cur, patch.state);
    const next: Coder = {
      ...cur,
      ...patch,
      stats: { ...cur.stats, ...patch.stats },
      updated_at: new Date(this.now()).toISOString(),
    };
    this.coders.set(id, next);
    if (next.state !== cur.state) {
      this.emit({ type: 'coder.state', event_id: ++this.eventId, coder: next, from: cur.state });
    } else {
      this.emit({ type: 'coder.updated', event_id: ++this.eventId, coder: next });
    }
    return next;
  }

  /** Tells subscribers the connection status changed (as the HTTP client does when the daemon goes away). */
  setStatus(s: ConnectionStatus): void {
    this.status = s;
    for (const sub of [...this.subs]) sub.onStatus?.(s);
  }

  /** Tells subscribers the stream could not be resumed: they must refetch. */
  reset(): void {
    for (const sub of [...this.subs]) sub.onReset?.();
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  // ------------------------------------------------------------ AicoderClient

  health(): Promise<Health> {
    return Promise.resolve({
      ok: true,
      pid: process.pid,
      port: 0,
      home: '/memory',
      version: '0.0.0-memory',
      started_at: new Date(this.now()).toISOString(),
    });
  }

  create(input: CreateCoderInput): Promise<Coder> {
    return this.run(() => {
      if (typeof input.task !== 'string' || input.task.trim() === '') {
        throw new AicoderError('invalid_input', 'task must not be empty', { field: 'task' });
      }
      const provider = input.provider ?? this.providerList[0]?.name ?? 'claude';
      if (!this.providerList.some((p) => p.name === provider)) {
        throw new AicoderError('unknown_provider', `provider '${provider}' is not configured`, {
          field: 'provider',
        });
      }
      const id = this.freshId();
      const name = input.name ?? input.task.trim().split(/\s+/).slice(0, 5).join(' ');
      const coder = this.add({
        id,
        name,
        task: input.task,
        provider,
        model: input.model ?? null,
        repo: input.repo ?? '/repo',
        branch: input.branch ?? `aicoder/${id}`,
        state: input.autostart === false ? 'created' : 'queued',
        started_at: null,
      });
      if (coder.state === 'queued') return this.launch(id);
      return coder;
    });
  }

  list(input: ListInput = {}): Promise<ListCodersPage> {
    return this.run(() => {
      const limit = input.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AicoderError('invalid_input', 'limit must be a whole number from 1 to 1000', {
          field: 'limit',
        });
      }
      const states = expandStates(input.states);
      const all = [...this.coders.values()]
        .filter((c) => (states ? states.includes(c.state) : true))
        .filter((c) => (input.repo !== undefined ? c.repo === input.repo : true))
        .sort(newestFirst);
      const start = input.cursor ? Number(input.cursor) : 0;
      const coders = all.slice(start, start + limit);
      const next = start + limit < all.length ? String(start + limit) : null;
      return { coders, total: all.length, next_cursor: next };
    });
  }

  get(id: string): Promise<Coder> {
    return this.run(() => this.resolve(id));
  }

  control(idOrPrefix: string, input: ControlInput): Promise<ControlResult> {
    return this.run(() => {
      const coder = this.resolve(idOrPrefix);
      const id = coder.id;
      this.controls.push({ id, input });
      switch (input.action) {
        case 'start':
          assertAction(coder, 'start');
          this.update(id, { state: 'queued' });
          this.launch(id);
          break;
        case 'pause':
          assertAction(coder, 'pause');
          this.update(id, { state: 'paused' });
          break;
        case 'resume':
          assertAction(coder, 'resume');
          this.update(id, { state: 'running' });
          break;
        case 'stop':
          assertAction(coder, 'stop');
          this.update(id, { state: 'stopped', ended_at: new Date(this.now()).toISOString(), pid: null });
          break;
        case 'check':
          assertAction(coder, 'check');
          this.update(id, { state: 'checking' });
          break;
        case 'pick':
          throw new AicoderError('not_supported', 'the memory client has no groups');
        case 'restart':
          if (!isTerminal(coder.state)) this.update(id, { state: 'stopped', pid: null });
          assertAction(this.must(id), 'restart');
          this.update(id, { state: 'queued', exit_code: null, error: null, ended_at: null });
          this.launch(id);
          break;
        case 'answer': {
          if (coder.question === null) {
            throw new AicoderError('illegal_transition', `cannot answer coder ${id}: it has asked nothing`, {
              field: 'action',
            });
          }
          assertAction(coder, 'answer');
          this.update(id, { state: 'running', question: null });
          break;
        }
        case 'message': {
          const msg = input.message;
          if (typeof msg !== 'string' || msg.trim() === '') {
            throw new AicoderError('invalid_input', 'message is required for action "message"', {
              field: 'message',
            });
          }
          if (!isTerminal(coder.state)) {
            throw new AicoderError(
              'illegal_transition',
              `cannot message coder ${id}: it is ${coder.state} (wait until it ends, or stop it)`,
              { field: 'action' },
            );
          }
          this.appendLogs(id, [msg], { stream: 'system', kind: 'user_message' });
          this.update(id, { state: 'queued', exit_code: null, error: null, ended_at: null });
          this.launch(id);
          break;
        }
        case 'remove':
          return this.remove(id, input.force === true);
      }
      return { coder: this.must(id), removed: false };
    });
  }

  logText(id: string, seq: number, input: { offset?: number; max_bytes?: number } = {}): Promise<LogText> {
    return this.run(() => {
      const coder = this.resolve(id);
      const e = (this.logStore.get(coder.id) ?? [])[seq - 1];
      if (!e)
        throw new AicoderError('not_found', `coder ${coder.id} has no log entry ${seq}`, { field: 'seq' });
      const buf = Buffer.from(e.text);
      const start = Math.min(input.offset ?? 0, buf.length);
      const end = Math.min(buf.length, start + (input.max_bytes ?? 262144));
      return {
        coder_id: coder.id,
        seq,
        offset: start,
        text: buf.toString('utf8', start, end),
        total_bytes: buf.length,
        next_offset: end >= buf.length ? null : end,
      };
    });
  }

  logs(id: string, input: LogsInput & { follow?: boolean; timeout_ms?: number } = {}): Promise<LogsResult> {
    return this.run(() => {
      const coder = this.resolve(id);
      const all = this.logStore.get(coder.id) ?? [];
      const since = input.since_seq ?? 0;
      const kinds = input.kinds && input.kinds.length ? new Set(input.kinds) : null;
      const last = all.at(-1)?.seq ?? 0;
      // Entries are stored with seq = index + 1, so "seq > since" starts at index `since`.
      let rows = all.slice(Math.max(0, since));
      if (kinds) rows = rows.filter((e) => kinds.has(e.kind));
      const entries =
        input.tail !== undefined
          ? rows.slice(Math.max(0, rows.length - input.tail))
          : rows.slice(0, LOG_PAGE);
      const fullPage = input.tail === undefined && entries.length >= LOG_PAGE;
      const lastRead = entries.at(-1)?.seq ?? since;
      const next = fullPage ? lastRead : Math.max(since, last, lastRead);
      return { entries, next_seq: next, done: isTerminal(coder.state) && next >= last };
    });
  }

  async wait(id: string, input: { for: WaitTarget; timeout_ms: number }): Promise<WaitResult> {
    const coder = this.resolve(id);
    const want = (c: Coder): boolean =>
      input.for === 'terminal' ? isTerminal(c.state) : input.for.includes(c.state);
    if (want(coder)) return { coder, timed_out: false };
    return new Promise((resolve) => {
      const sub = this.subscribe({
        onEvent: (e) => {
          if (
            (e.type === 'coder.state' || e.type === 'coder.updated') &&
            e.coder.id === coder.id &&
            want(e.coder)
          ) {
            clearTimeout(timer);
            sub.close();
            resolve({ coder: e.coder, timed_out: false });
          }
        },
      });
      const timer = setTimeout(() => {
        sub.close();
        resolve({ coder: this.must(coder.id), timed_out: true });
      }, input.timeout_ms);
    });
  }

  diff(id: string): Promise<string> {
    return this.run(() => this.diffs.get(this.resolve(id).id) ?? '');
  }

  changes(id: string): Promise<ChangesPage> {
    return this.run(() => {
      this.resolve(id);
      return { changes: [], total: 0, next_cursor: null };
    });
  }

  files(id: string): Promise<FilesPage> {
    return this.run(() => {
      this.resolve(id);
      return { files: [], total: 0, next_cursor: null };
    });
  }

  readFile(id: string, path: string): Promise<ReadResult> {
    return this.run(() => {
      this.resolve(id);
      throw new AicoderError('not_found', `no file '${path}' in the memory client`, { field: 'path' });
    });
  }

  providers(): Promise<ProviderInfo[]> {
    return Promise.resolve(this.providerList.map((p) => ({ ...p })));
  }

  async providerReport(): Promise<{
    providers: ProviderInfo[];
    errors: { source: string; message: string }[];
    default_provider?: string;
  }> {
    const providers = await this.providers();
    return {
      providers,
      errors: [],
      ...(this.defaultProvider !== undefined ? { default_provider: this.defaultProvider } : {}),
    };
  }

  subscribe(opts: SubscribeOptions): EventSubscription {
    this.subs.add(opts);
    const status = this.status;
    queueMicrotask(() => {
      if (this.subs.has(opts)) opts.onStatus?.(status);
    });
    return {
      close: () => {
        this.subs.delete(opts);
      },
    };
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  // ------------------------------------------------------------ internals

  private run<T>(fn: () => T): Promise<T> {
    if (this.down) {
      return Promise.reject(
        new AicoderError('daemon_unreachable', `cannot reach the daemon at ${this.baseUrl}`),
      );
    }
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private freshId(): string {
    for (;;) {
      const id = (0x10000000 + this.nextId++ * 7919).toString(16).slice(-8);
      if (!this.coders.has(id)) return id;
    }
  }

  private must(id: string): Coder {
    const c = this.coders.get(id);
    if (!c) throw new AicoderError('not_found', `no coder '${id}'`, { field: 'coder_id' });
    return c;
  }

  private resolve(prefix: string): Coder {
    const exact = this.coders.get(prefix);
    if (exact) return exact;
    const found = [...this.coders.values()].filter((c) => c.id.startsWith(prefix));
    if (found.length === 1) return found[0]!;
    if (found.length === 0)
      throw new AicoderError('not_found', `no coder '${prefix}'`, { field: 'coder_id' });
    throw new AicoderError('ambiguous_id', `coder id prefix '${prefix}' is ambiguous`, { field: 'coder_id' });
  }

  /** queued → starting → running, as the scheduler would (no real process). */
  private launch(id: string): Coder {
    this.update(id, { state: 'starting' });
    return this.update(id, { state: 'running', started_at: new Date(this.now()).toISOString() });
  }

  private remove(id: string, force: boolean): ControlResult {
    if (force && !isTerminal(this.must(id).state)) {
      this.update(id, { state: 'stopped', pid: null });
    }
    const cur = this.must(id);
    assertAction(cur, 'remove');
    const guard = this.guards.get(id);
    if (guard && !force) {
      throw guard === 'dirty_worktree'
        ? new AicoderError('dirty_worktree', `worktree ${cur.workspace} has uncommitted changes`)
        : new AicoderError('unmerged_commits', `branch ${cur.branch} has commits not in ${cur.base_ref}`);
    }
    this.coders.delete(id);
    this.logStore.delete(id);
    this.emit({ type: 'coder.removed', event_id: ++this.eventId, id });
    return { coder: cur, removed: true };
  }

  private emit(e: AicoderEvent): void {
    const id = `${this.eventId}:${this.logId}`;
    for (const sub of [...this.subs]) sub.onEvent(e, id);
  }
}

function expandStates(states: ListInput['states']): CoderState[] | null {
  if (!states || states.length === 0 || states.includes('all')) return null;
  const out = new Set<CoderState>();
  for (const s of states) {
    if (s === 'active') ACTIVE_STATES.forEach((a) => out.add(a));
    else if (s !== 'all' && (CODER_STATES as readonly string[]).includes(s)) out.add(s);
  }
  return [...out];
}

function newestFirst(a: Coder, b: Coder): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}
