/**
 * A small in-memory ManagerApi for the MCP unit tests: plain data, the real state machine, id
 * resolution, validation and event bus from src/core. The test drives state changes and log output
 * (setState, appendLog) the way the real manager would announce them.
 */
import type {
  ControlInput,
  ControlResult,
  CreateCoderInput,
  FollowInput,
  ListInput,
  LogsInput,
  LogsResult,
  ManagerApi,
  ProviderInfo,
  WaitInput,
  WaitResult,
} from '../../src/core/api.js';
import { ACTIVE_STATES, CODER_STATES, emptyStats, emptyTalk, isTerminal } from '../../src/core/coder.js';
import type { Coder, CoderState, LogEntry } from '../../src/core/coder.js';
import { AicoderError } from '../../src/core/errors.js';
import { EventBus, type AicoderEvent } from '../../src/core/events.js';
import { builtinRolesDir, loadRoleCatalog } from '../../src/core/roles-catalog.js';
import { listRoles, type RolesAnswer } from '../../src/core/roles-listing.js';
import { defaultBranch, defaultName, newCoderId, resolvePrefix } from '../../src/core/ids.js';
import type {
  ChangesPage,
  FileChange,
  FilesPage,
  ListCodersPage,
  LogText,
  ReadResult,
} from '../../src/core/ports.js';
import { assertAction, assertTransition } from '../../src/core/state-machine.js';
import { checkRelativePath, validateCreate } from '../../src/core/validate.js';

export class MemoryManager implements ManagerApi {
  readonly bus = new EventBus();
  readonly coders = new Map<string, Coder>();
  readonly logsOf = new Map<string, LogEntry[]>();
  /** Files per coder worktree: path → content. */
  readonly filesOf = new Map<string, Map<string, string>>();
  diffText = '';
  private eventId = 0;
  private clock = Date.parse('2025-01-01T00:00:00Z');

  constructor(private readonly providerNames: string[] = ['lines', 'claude']) {}

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  create(input: CreateCoderInput): Promise<Coder> {
    validateCreate(input);
    const provider = input.provider ?? 'lines';
    if (!this.providerNames.includes(provider)) {
      throw new AicoderError('unknown_provider', `unknown provider '${provider}'`, { field: 'provider' });
    }
    const id = newCoderId();
    const ts = this.now();
    const name = input.name ?? defaultName(input.task);
    const coder: Coder = {
      id,
      name,
      task: input.task,
      provider,
      model: input.model ?? null,
      repo: input.repo ?? '/repo',
      base_ref: input.base_ref ?? 'main',
      base_commit: 'a'.repeat(40),
      branch: input.branch ?? defaultBranch(id, name),
      workspace: `/wt/${id}`,
      state: input.autostart === false ? 'created' : 'queued',
      pid: null,
      exit_code: null,
      session_id: null,
      error: null,
      created_at: ts,
      started_at: null,
      updated_at: ts,
      ended_at: null,
      stats: emptyStats(),
      ...emptyTalk(),
    };
    this.coders.set(id, coder);
    this.logsOf.set(id, []);
    this.filesOf.set(id, new Map([['README.md', '# hello\n']]));
    this.bus.emit({ type: 'coder.created', event_id: ++this.eventId, coder });
    return Promise.resolve(coder);
  }

  list(input: ListInput): ListCodersPage {
    const wanted = new Set<CoderState>();
    for (const f of input.states ?? ['all']) {
      if (f === 'all') CODER_STATES.forEach((s) => wanted.add(s));
      else if (f === 'active') ACTIVE_STATES.forEach((s) => wanted.add(s));
      else wanted.add(f);
    }
    const all = [...this.coders.values()]
      .filter((c) => wanted.has(c.state) && (input.repo === undefined || c.repo === input.repo))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    const start = input.cursor ? Number(input.cursor) : 0;
    const limit = input.limit ?? 20;
    const coders = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : null;
    return { coders, total: all.length, next_cursor: next };
  }

  get(idOrPrefix: string): Coder {
    return resolvePrefix(idOrPrefix, (p) => [...this.coders.values()].filter((c) => c.id.startsWith(p)));
  }

  /** Test driver: a state change as the manager would make and announce it. */
  setState(id: string, to: CoderState, patch: Partial<Coder> = {}): Coder {
    const cur = this.get(id);
    assertTransition(cur, to);
    const next: Coder = { ...cur, ...patch, state: to, updated_at: this.now() };
    if (isTerminal(to)) next.ended_at = next.updated_at;
    this.coders.set(cur.id, next);
    this.bus.emit({ type: 'coder.state', event_id: ++this.eventId, coder: next, from: cur.state });
    return next;
  }

  /** Test driver: a record update without a state change. */
  update(id: string, patch: Partial<Coder>): Coder {
    const cur = this.get(id);
    const next: Coder = { ...cur, ...patch, updated_at: this.now() };
    this.coders.set(cur.id, next);
    this.bus.emit({ type: 'coder.updated', event_id: ++this.eventId, coder: next });
    return next;
  }

  /** Test driver: new output lines. */
  appendLog(id: string, text: string, kind = 'text'): LogEntry {
    const list = this.logsOf.get(id)!;
    const entry: LogEntry = {
      coder_id: id,
      seq: list.length + 1,
      ts: this.now(),
      stream: 'stdout',
      kind,
      text,
    };
    list.push(entry);
    this.bus.emit({ type: 'coder.log', log_id: entry.seq, entry });
    return entry;
  }

  async control(idOrPrefix: string, input: ControlInput): Promise<ControlResult> {
    const c = this.get(idOrPrefix);
    if (input.action === 'message') {
      if (c.state !== 'running' && c.state !== 'paused') {
        throw new AicoderError('illegal_transition', `cannot message coder ${c.id}: it is ${c.state}`, {
          field: 'action',
          details: { action: 'message', state: c.state },
        });
      }
      return Promise.resolve({ coder: c, removed: false });
    }
    assertAction(c, input.action);
    switch (input.action) {
      case 'remove':
        this.coders.delete(c.id);
        this.bus.emit({ type: 'coder.removed', event_id: ++this.eventId, id: c.id });
        return { coder: c, removed: true };
      case 'start':
      case 'restart':
        return { coder: this.setState(c.id, 'queued'), removed: false };
      case 'pause':
        return { coder: this.setState(c.id, 'paused'), removed: false };
      case 'resume':
        return { coder: this.setState(c.id, 'running'), removed: false };
      case 'stop':
        return await Promise.resolve({ coder: this.setState(c.id, 'stopped'), removed: false });
      case 'answer':
        return { coder: this.setState(c.id, 'running'), removed: false };
      case 'check':
        return { coder: this.setState(c.id, 'checking'), removed: false };
      case 'pick':
        throw new AicoderError('not_supported', 'the memory manager has no groups');
    }
  }

  logs(idOrPrefix: string, input: LogsInput): LogsResult {
    const c = this.get(idOrPrefix);
    const all = this.logsOf.get(c.id) ?? [];
    let entries = all.filter(
      (e) =>
        (input.since_seq === undefined || e.seq > input.since_seq) &&
        (input.kinds === undefined || input.kinds.includes(e.kind)),
    );
    if (input.tail !== undefined) entries = entries.slice(-input.tail);
    const last = all.length ? all[all.length - 1]!.seq : 0;
    const next = entries.length ? entries[entries.length - 1]!.seq : Math.max(input.since_seq ?? 0, last);
    return { entries, next_seq: next, done: isTerminal(c.state) && next >= last };
  }

  logText(idOrPrefix: string, seq: number, input: { offset?: number; max_bytes?: number } = {}): LogText {
    const c = this.get(idOrPrefix);
    const e = (this.logsOf.get(c.id) ?? []).find((x) => x.seq === seq);
    if (!e) throw new AicoderError('not_found', `coder ${c.id} has no log entry ${seq}`, { field: 'seq' });
    const buf = Buffer.from(e.text);
    const start = Math.min(input.offset ?? 0, buf.length);
    const end = Math.min(buf.length, start + (input.max_bytes ?? 262144));
    return {
      coder_id: c.id,
      seq,
      offset: start,
      text: buf.toString('utf8', start, end),
      total_bytes: buf.length,
      next_offset: end >= buf.length ? null : end,
    };
  }

  followLogs(idOrPrefix: string, input: FollowInput): Promise<LogsResult> {
    const c = this.get(idOrPrefix);
    const now = (): LogsResult => this.logs(c.id, { since_seq: input.since_seq, kinds: input.kinds });
    const first = now();
    if (first.entries.length || first.done) return Promise.resolve(first);
    return new Promise((resolve) => {
      const finish = (): void => {
        unsub();
        clearTimeout(timer);
        input.signal?.removeEventListener('abort', finish);
        resolve(now());
      };
      const unsub = this.bus.subscribe((e) => {
        if (e.type === 'coder.log' && e.entry.coder_id === c.id) {
          input.onEntry?.(e.entry);
          finish();
        } else if (e.type === 'coder.state' && e.coder.id === c.id && isTerminal(e.coder.state)) finish();
      });
      const timer = setTimeout(finish, input.timeout_ms);
      input.signal?.addEventListener('abort', finish);
    });
  }

  wait(idOrPrefix: string, input: WaitInput): Promise<WaitResult> {
    const c = this.get(idOrPrefix);
    const hit = (s: CoderState): boolean =>
      input.for === 'terminal' ? isTerminal(s) : input.for.includes(s);
    if (hit(c.state)) return Promise.resolve({ coder: c, timed_out: false });
    return new Promise((resolve) => {
      const finish = (coder: Coder, timedOut: boolean): void => {
        unsub();
        clearTimeout(timer);
        resolve({ coder, timed_out: timedOut });
      };
      const unsub = this.bus.subscribe((e) => {
        if ((e.type === 'coder.state' || e.type === 'coder.updated') && e.coder.id === c.id) {
          input.onProgress?.(e.coder);
          if (hit(e.coder.state)) finish(e.coder, false);
        }
      });
      const timer = setTimeout(() => finish(this.coders.get(c.id) ?? c, true), input.timeout_ms);
      input.signal?.addEventListener('abort', () => finish(this.coders.get(c.id) ?? c, true));
    });
  }

  diff(idOrPrefix: string): Promise<string> {
    this.get(idOrPrefix);
    return Promise.resolve(this.diffText);
  }

  changes(idOrPrefix: string): Promise<ChangesPage> {
    this.get(idOrPrefix);
    const changes: FileChange[] = [{ path: 'README.md', status: 'modified', insertions: 1, deletions: 0 }];
    return Promise.resolve({ changes, total: 1, next_cursor: null });
  }

  files(idOrPrefix: string): Promise<FilesPage> {
    const c = this.get(idOrPrefix);
    const files = [...this.filesOf.get(c.id)!.entries()].map(([path, content]) => ({
      path,
      size: Buffer.byteLength(content),
      tracked: true,
    }));
    return Promise.resolve({ files, total: files.length, next_cursor: null });
  }

  readFile(
    idOrPrefix: string,
    path: string,
    opts: { max_bytes: number; offset: number },
  ): Promise<ReadResult> {
    const c = this.get(idOrPrefix);
    checkRelativePath('path', path);
    const content = this.filesOf.get(c.id)!.get(path);
    if (content === undefined) {
      throw new AicoderError('not_found', `no file '${path}' in coder ${c.id}'s worktree`, { field: 'path' });
    }
    const buf = Buffer.from(content);
    const piece = buf.subarray(opts.offset, opts.offset + opts.max_bytes);
    const end = opts.offset + piece.length;
    return Promise.resolve({
      path,
      size: buf.length,
      offset: opts.offset,
      content: piece.toString('utf8'),
      binary: false,
      truncated: end < buf.length,
      next_offset: end < buf.length ? end : null,
    });
  }

  providers(): ProviderInfo[] {
    return this.providerNames.map((name) => ({
      name,
      description: `${name} provider`,
      parser: 'text',
      command: [name],
      source: 'memory',
    }));
  }

  providerReport(): Promise<{ providers: ProviderInfo[]; errors: { source: string; message: string }[] }> {
    return Promise.resolve({ providers: this.providers(), errors: [] });
  }

  /** The shipped roles (templates/roles), as the daemon lists them. */
  roles(): RolesAnswer {
    const dirs = { shipped: builtinRolesDir(), user: '/nonexistent/aicoder-memory/roles' };
    return listRoles(loadRoleCatalog({ builtinDir: dirs.shipped, userDir: dirs.user }));
  }

  subscribe(fn: (e: AicoderEvent) => void): () => void {
    return this.bus.subscribe(fn);
  }

  replay(): { events: AicoderEvent[]; complete: boolean } {
    return { events: [], complete: true };
  }

  cursor(): string {
    return `${this.eventId}:0`;
  }
}
