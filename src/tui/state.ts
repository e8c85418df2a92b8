/**
 * The TUI's pure reducer over its state (the types are in state-types.ts): the coder list, the
 * selected coder, the loaded window of the selected coder's log, and the UI mode. Fed by
 * client.list/logs results and batches of events.
 */
import { CODER_STATES, type Coder, type LogEntry } from '../core/coder.js';
import type { AicoderEvent } from '../core/events.js';
import type { CompareResult } from '../core/compare.js';
import { matchesFilter, parseFilter } from './format.js';
import { isGroupRow, listRows } from './groups.js';
import type { LogView, CompareMode, TuiState, ErrorSource, Action } from './state-types.js';

/** At most this many log entries are kept in memory while following; older ones are fetched on demand. */
export const LOG_KEEP = 5000;

export type {
  LogView,
  RemoveStep,
  Ask,
  CompareMode,
  Mode,
  Pane,
  TuiState,
  ErrorSource,
  Action,
} from './state-types.js';

/**
 * The cursor on a new compare table: on the member it was on (the ranking may have changed, and P
 * picks the member under the cursor), else at the same row, within the table.
 */
function compareCursor(view: CompareMode, result: CompareResult): number {
  const was = view.result?.rows[view.cursor]?.coder_id;
  const at = was === undefined ? -1 : result.rows.findIndex((r) => r.coder_id === was);
  return at !== -1 ? at : Math.min(view.cursor, Math.max(0, result.rows.length - 1));
}

/** A fresh (to be fetched) log window for `coderId`, replacing `prev`. */
export function emptyLogs(coderId: string | null, prev?: LogView): LogView {
  return {
    coderId,
    entries: [],
    hasOlder: false,
    loading: coderId !== null,
    loadingOlder: false,
    scroll: 0,
    token: (prev?.token ?? 0) + 1,
  };
}

export function initialState(): TuiState {
  return {
    coders: new Map(),
    groups: new Map(),
    folded: new Set(),
    order: [],
    visible: [],
    selectedId: null,
    filter: '',
    focus: 'list',
    mode: { kind: 'normal' },
    logs: emptyLogs(null),
    connection: 'connecting',
    loaded: false,
    error: null,
    errorSource: null,
    notice: null,
  };
}

function newestFirst(a: Coder, b: Coder): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function sortIds(coders: ReadonlyMap<string, Coder>): string[] {
  return [...coders.values()].sort(newestFirst).map((c) => c.id);
}

/** The coder whose log the selection shows (a group row shows none). */
function logCoder(selectedId: string | null): string | null {
  return isGroupRow(selectedId) ? null : selectedId;
}

/** Recomputes the visible list and keeps a valid selection (the same coder, or the nearest row). */
function withVisible(s: TuiState, prevIndex?: number): TuiState {
  const f = parseFilter(s.filter);
  const filtering = s.filter.trim() !== '';
  const ids = filtering ? s.order.filter((id) => matchesFilter(s.coders.get(id)!, f)) : s.order;
  const groupMatch = (gid: string): boolean => {
    if (!filtering || f.states.length > 0 || f.words.length === 0) return false;
    const g = s.groups.get(gid);
    const hay = `${gid} ${g?.name ?? ''} ${g?.task ?? ''}`.toLowerCase();
    return f.words.every((w) => hay.includes(w));
  };
  const visible = listRows(ids, s.coders, s.folded, groupMatch);
  let selectedId = s.selectedId;
  if (selectedId === null || !visible.includes(selectedId)) {
    const i = Math.min(Math.max(prevIndex ?? 0, 0), visible.length - 1);
    selectedId = visible[i] ?? null;
  }
  const next = { ...s, visible, selectedId };
  const logId = logCoder(selectedId);
  return logId === s.logs.coderId ? next : { ...next, logs: emptyLogs(logId, s.logs) };
}

/** Applies one coder record unless it is older than the one held. */
function putCoder(map: Map<string, Coder>, c: Coder): boolean {
  const cur = map.get(c.id);
  if (cur && cur.updated_at > c.updated_at) return false;
  map.set(c.id, c);
  return cur === undefined;
}

function appendLogs(logs: LogView, fresh: LogEntry[]): LogView {
  // In seq order, each entry once (a replay after a reconnect may repeat some).
  let last = logs.entries.at(-1)?.seq ?? -Infinity;
  const add: LogEntry[] = [];
  for (const e of fresh) {
    if (e.seq <= last) continue;
    add.push(e);
    last = e.seq;
  }
  if (add.length === 0) return logs;
  let entries = logs.entries.concat(add);
  // Keep the view still while scrolled back; trim only entries far above it.
  const scroll = logs.scroll > 0 ? logs.scroll + add.length : 0;
  const keep = Math.max(LOG_KEEP, scroll + 1000);
  let hasOlder = logs.hasOlder;
  if (entries.length > keep) {
    entries = entries.slice(entries.length - keep);
    hasOlder = true;
  }
  return { ...logs, entries, scroll, hasOlder };
}

function applyEvents(s: TuiState, events: AicoderEvent[]): TuiState {
  let coders: Map<string, Coder> | null = null;
  let reorder = false;
  const fresh: LogEntry[] = [];
  const logId = s.logs.coderId;
  for (const e of events) {
    switch (e.type) {
      case 'coder.created':
      case 'coder.state':
      case 'coder.updated':
        coders ??= new Map(s.coders);
        if (putCoder(coders, e.coder)) reorder = true;
        break;
      case 'coder.removed':
        coders ??= new Map(s.coders);
        if (coders.delete(e.id)) reorder = true;
        break;
      case 'coder.log':
        if (e.entry.coder_id === logId) fresh.push(e.entry);
        break;
    }
  }
  let next = s;
  if (coders) {
    const prevIndex = s.selectedId === null ? 0 : s.visible.indexOf(s.selectedId);
    next = { ...s, coders, order: reorder ? sortIds(coders) : s.order };
    next = withVisible(next, prevIndex);
  }
  if (fresh.length > 0 && next.logs.coderId === logId) {
    next = { ...next, logs: appendLogs(next.logs, fresh) };
  }
  return next;
}

function maxScroll(logs: LogView, rows: number): number {
  return Math.max(0, logs.entries.length - Math.max(1, rows));
}

export function reducer(s: TuiState, a: Action): TuiState {
  switch (a.type) {
    case 'loaded': {
      const coders = new Map<string, Coder>();
      for (const c of a.coders) coders.set(c.id, c);
      const prevIndex = s.selectedId === null ? 0 : s.visible.indexOf(s.selectedId);
      const next = withVisible(
        { ...clearError(s, 'list'), coders, order: sortIds(coders), loaded: true },
        prevIndex,
      );
      // A refetch reloads the log of the selection too.
      const logId = logCoder(next.selectedId);
      return next.logs === s.logs && logId !== null ? { ...next, logs: emptyLogs(logId, s.logs) } : next;
    }
    case 'events':
      return a.events.length === 0 ? s : applyEvents(s, a.events);
    case 'upsert': {
      const coders = new Map(s.coders);
      const added = putCoder(coders, a.coder);
      const next: TuiState = { ...s, coders, order: added ? sortIds(coders) : s.order };
      return withVisible(a.select ? { ...next, selectedId: a.coder.id } : next);
    }
    case 'removed': {
      if (!s.coders.has(a.id)) return s;
      const coders = new Map(s.coders);
      coders.delete(a.id);
      const prevIndex = s.selectedId === null ? 0 : s.visible.indexOf(s.selectedId);
      return withVisible({ ...s, coders, order: sortIds(coders) }, prevIndex);
    }
    case 'select-delta':
    case 'select-index': {
      if (s.visible.length === 0) return s;
      const cur = s.selectedId === null ? 0 : Math.max(0, s.visible.indexOf(s.selectedId));
      const want = a.type === 'select-delta' ? cur + a.delta : a.index;
      const i = Math.min(Math.max(want, 0), s.visible.length - 1);
      const id = s.visible[i]!;
      if (id === s.selectedId) return s;
      const logId = logCoder(id);
      return { ...s, selectedId: id, logs: logId === s.logs.coderId ? s.logs : emptyLogs(logId, s.logs) };
    }
    case 'logs-loaded': {
      if (a.coderId !== s.logs.coderId) return s;
      // Entries that arrived as events while fetching continue the fetched window.
      const last = a.entries.at(-1)?.seq ?? 0;
      const later = s.logs.entries.filter((e) => e.seq > last);
      const entries = a.entries.concat(later);
      return {
        ...clearError(s, 'logs'),
        logs: { ...s.logs, entries, hasOlder: a.hasOlder, loading: false, scroll: 0 },
      };
    }
    case 'logs-loading-older':
      if (a.coderId !== s.logs.coderId) return s;
      return { ...s, logs: { ...s.logs, loadingOlder: true } };
    case 'logs-older': {
      if (a.coderId !== s.logs.coderId) return s;
      const first = s.logs.entries[0]?.seq ?? Infinity;
      const older = a.entries.filter((e) => e.seq < first);
      return {
        ...s,
        logs: { ...s.logs, entries: older.concat(s.logs.entries), hasOlder: a.hasOlder, loadingOlder: false },
      };
    }
    case 'logs-failed': {
      if (a.coderId !== s.logs.coderId) return s;
      const logs = { ...s.logs, loading: false, loadingOlder: false };
      // A coder removed meanwhile has no logs to show: that is no error (it would hide "removed …").
      if (!s.coders.has(a.coderId)) return { ...s, logs };
      return { ...s, logs, error: a.message, errorSource: 'logs', notice: null };
    }
    case 'log-scroll': {
      const scroll = Math.min(Math.max(s.logs.scroll - a.delta, 0), maxScroll(s.logs, a.rows));
      return scroll === s.logs.scroll ? s : { ...s, logs: { ...s.logs, scroll } };
    }
    case 'log-top':
      return { ...s, logs: { ...s.logs, scroll: maxScroll(s.logs, a.rows) } };
    case 'log-follow':
      return s.logs.scroll === 0 ? s : { ...s, logs: { ...s.logs, scroll: 0 } };
    case 'focus':
      return s.focus === a.pane ? s : { ...s, focus: a.pane };
    case 'mode':
      return { ...s, mode: a.mode };
    case 'diff-loaded':
      if (s.mode.kind !== 'diff' || s.mode.coderId !== a.coderId) return s;
      return { ...s, mode: { ...s.mode, text: a.text, scroll: 0 } };
    case 'view-scroll': {
      if (s.mode.kind !== 'diff' && s.mode.kind !== 'help') return s;
      const scroll = Math.min(Math.max(s.mode.scroll + a.delta, 0), Math.max(0, a.max));
      return { ...s, mode: { ...s.mode, scroll } };
    }
    case 'filter': {
      const prevIndex = s.selectedId === null ? 0 : s.visible.indexOf(s.selectedId);
      return withVisible({ ...s, filter: a.text }, prevIndex);
    }
    case 'groups-loaded': {
      const groups = new Map(s.groups);
      for (const g of a.groups) groups.set(g.id, g);
      return withVisible({ ...s, groups });
    }
    case 'fold': {
      const sel = s.selectedId === null ? undefined : s.coders.get(s.selectedId);
      const gid = isGroupRow(s.selectedId) ? s.selectedId : (sel?.group_id ?? null);
      if (gid === null) return s;
      const fold = a.folded ?? !s.folded.has(gid);
      if (fold === s.folded.has(gid)) return s;
      const folded = new Set(s.folded);
      if (fold) folded.add(gid);
      else folded.delete(gid);
      // Folding from a member selects its group's row (the member's row goes away).
      return withVisible({ ...s, folded, selectedId: fold ? gid : s.selectedId });
    }
    case 'compare-loaded': {
      // Also the table behind an open question about it (the view comes back on n/Esc).
      const view = s.mode.kind === 'ask' ? s.mode.back : s.mode;
      if (view?.kind !== 'compare' || view.groupId !== a.groupId) return s;
      const next = { ...view, result: a.result, cursor: compareCursor(view, a.result) };
      return { ...s, mode: s.mode.kind === 'ask' ? { ...s.mode, back: next } : next };
    }
    case 'compare-cursor': {
      if (s.mode.kind !== 'compare' || s.mode.result === null) return s;
      const last = Math.max(0, s.mode.result.rows.length - 1);
      const cursor = Math.min(Math.max(s.mode.cursor + a.delta, 0), last);
      return cursor === s.mode.cursor ? s : { ...s, mode: { ...s.mode, cursor } };
    }
    case 'connection':
      return s.connection === a.status ? s : { ...s, connection: a.status };
    case 'error':
      return { ...s, error: a.message, errorSource: a.source ?? 'action', notice: null };
    case 'action-ok':
      return clearError(s, 'action');
    case 'notice':
      return { ...s, notice: a.message, error: null, errorSource: null };
  }
}

/** `s` without its error when the error came from `source`. */
function clearError(s: TuiState, source: ErrorSource): TuiState {
  return s.error !== null && s.errorSource === source ? { ...s, error: null, errorSource: null } : s;
}

/** Counts of coders by state, in state-machine order, omitting zeros. */
export function countByState(coders: ReadonlyMap<string, Coder>): { state: Coder['state']; n: number }[] {
  const counts = new Map<Coder['state'], number>();
  for (const c of coders.values()) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  return CODER_STATES.filter((st) => counts.has(st)).map((st) => ({ state: st, n: counts.get(st)! }));
}
