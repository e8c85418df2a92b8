/** The reducer is pure: these drive it with plain actions and check the resulting state. */
import { describe, expect, test } from 'vitest';
import type { Coder, LogEntry } from '../../src/core/coder.js';
import type { AicoderEvent } from '../../src/core/events.js';
import {
  LOG_KEEP,
  countByState,
  initialState,
  reducer,
  type Action,
  type Ask,
  type CompareMode,
  type TuiState,
} from '../../src/tui/state.js';
import type { CompareResult } from '../../src/core/compare.js';
import { makeCoder } from '../helpers/memory-client.js';

const T = Date.parse('2026-01-01T00:00:00Z');
const coder = (id: string, i: number, over: Partial<Coder> = {}): Coder =>
  makeCoder({
    id,
    created_at: new Date(T + i * 1000).toISOString(),
    updated_at: new Date(T + i * 1000).toISOString(),
    ...over,
  });
const log = (id: string, seq: number): LogEntry => ({
  coder_id: id,
  seq,
  ts: new Date(T).toISOString(),
  stream: 'stdout',
  kind: 'text',
  text: `line ${seq}`,
});
const run = (s: TuiState, ...actions: Action[]): TuiState => actions.reduce(reducer, s);
const loaded = (...coders: Coder[]): TuiState => run(initialState(), { type: 'loaded', coders });
const events = (...es: AicoderEvent[]): Action => ({ type: 'events', events: es });

describe('reducer', () => {
  test('loaded: newest first, selects the first, starts a log fetch for it', () => {
    const s = loaded(coder('a', 1), coder('b', 3), coder('c', 2));
    expect(s.order).toEqual(['b', 'c', 'a']);
    expect(s.selectedId).toBe('b');
    expect(s.logs).toMatchObject({ coderId: 'b', loading: true, entries: [] });
    expect(s.loaded).toBe(true);
  });

  test('selection moves and clamps; each change starts a new log window', () => {
    let s = loaded(coder('a', 1), coder('b', 2), coder('c', 3));
    const t0 = s.logs.token;
    s = run(s, { type: 'select-delta', delta: 1 });
    expect(s.selectedId).toBe('b');
    expect(s.logs.token).toBe(t0 + 1);
    s = run(s, { type: 'select-delta', delta: 10 });
    expect(s.selectedId).toBe('a');
    const same = run(s, { type: 'select-delta', delta: 1 });
    expect(same).toBe(s); // nothing changed: same object, no redraw
    s = run(s, { type: 'select-index', index: 0 });
    expect(s.selectedId).toBe('c');
  });

  test('events: created/state/updated/removed apply in one batch; stale records are ignored', () => {
    let s = loaded(coder('a', 1), coder('b', 2));
    const newer = {
      ...s.coders.get('a')!,
      state: 'paused' as const,
      updated_at: new Date(T + 9000).toISOString(),
    };
    const older = { ...newer, state: 'running' as const, updated_at: new Date(T).toISOString() };
    s = run(
      s,
      events(
        { type: 'coder.created', event_id: 1, coder: coder('c', 5) },
        { type: 'coder.state', event_id: 2, coder: newer, from: 'running' },
        { type: 'coder.updated', event_id: 3, coder: older },
        { type: 'coder.removed', event_id: 4, id: 'b' },
      ),
    );
    expect(s.order).toEqual(['c', 'a']);
    expect(s.coders.get('a')!.state).toBe('paused');
    expect(s.selectedId).toBe('c'); // b was selected (newest) and removed: the row at its index
  });

  test('removing the selected coder selects the row that took its place', () => {
    let s = loaded(coder('a', 1), coder('b', 2), coder('c', 3));
    s = run(s, { type: 'select-delta', delta: 1 }, { type: 'removed', id: 'b' });
    expect(s.selectedId).toBe('a');
    s = run(s, { type: 'removed', id: 'a' }, { type: 'removed', id: 'c' });
    expect(s.selectedId).toBeNull();
    expect(s.logs.coderId).toBeNull();
  });

  test('logs: the fetched tail plus entries that arrived meanwhile; events for other coders ignored', () => {
    let s = loaded(coder('a', 1));
    s = run(
      s,
      events(
        { type: 'coder.log', log_id: 1, entry: log('a', 11) },
        { type: 'coder.log', log_id: 2, entry: log('z', 1) },
      ),
    );
    s = run(s, {
      type: 'logs-loaded',
      coderId: 'a',
      entries: [log('a', 9), log('a', 10), log('a', 11)],
      hasOlder: true,
    });
    expect(s.logs.entries.map((e) => e.seq)).toEqual([9, 10, 11]);
    s = run(
      s,
      events(
        { type: 'coder.log', log_id: 3, entry: log('a', 12) },
        { type: 'coder.log', log_id: 4, entry: log('a', 12) },
      ),
    );
    expect(s.logs.entries.map((e) => e.seq)).toEqual([9, 10, 11, 12]);
    expect(s.logs.loading).toBe(false);
    // A late answer for another coder does not land in this window.
    const same = run(s, { type: 'logs-loaded', coderId: 'z', entries: [log('z', 1)], hasOlder: false });
    expect(same).toBe(s);
  });

  test('scrolled back, new entries keep the view still; following trims to LOG_KEEP', () => {
    let s = loaded(coder('a', 1));
    const many = Array.from({ length: 100 }, (_, i) => log('a', i + 1));
    s = run(s, { type: 'logs-loaded', coderId: 'a', entries: many, hasOlder: false });
    s = run(s, { type: 'log-scroll', delta: -30, rows: 10 });
    expect(s.logs.scroll).toBe(30);
    s = run(s, events({ type: 'coder.log', log_id: 1, entry: log('a', 101) }));
    expect(s.logs.scroll).toBe(31);
    s = run(s, { type: 'log-scroll', delta: -1000, rows: 10 });
    expect(s.logs.scroll).toBe(91); // clamped: the oldest row at the top
    s = run(s, { type: 'log-follow' });
    expect(s.logs.scroll).toBe(0);
    const flood = Array.from(
      { length: LOG_KEEP + 500 },
      (_, i) => ({ type: 'coder.log', log_id: i, entry: log('a', 102 + i) }) as const,
    );
    s = run(s, { type: 'events', events: [...flood] });
    expect(s.logs.entries.length).toBe(LOG_KEEP);
    expect(s.logs.entries.at(-1)!.seq).toBe(101 + LOG_KEEP + 500);
    expect(s.logs.hasOlder).toBe(true);
  });

  test('older pages are prepended without moving the view', () => {
    let s = loaded(coder('a', 1));
    s = run(s, { type: 'logs-loaded', coderId: 'a', entries: [log('a', 5), log('a', 6)], hasOlder: true });
    s = run(s, { type: 'log-scroll', delta: -1, rows: 1 }, { type: 'logs-loading-older', coderId: 'a' });
    expect(s.logs.loadingOlder).toBe(true);
    s = run(s, {
      type: 'logs-older',
      coderId: 'a',
      entries: [1, 2, 3, 4, 5].map((n) => log('a', n)),
      hasOlder: false,
    });
    expect(s.logs.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.logs).toMatchObject({ scroll: 1, hasOlder: false, loadingOlder: false });
  });

  test('filter by text and by state; the selection stays valid', () => {
    let s = loaded(
      coder('a', 1, { name: 'fix login', state: 'paused' }),
      coder('b', 2, { name: 'docs' }),
      coder('c', 3, { name: 'login page' }),
    );
    s = run(s, { type: 'filter', text: 'login' });
    expect(s.visible).toEqual(['c', 'a']);
    s = run(s, { type: 'filter', text: 'login paused' });
    expect(s.visible).toEqual(['a']);
    expect(s.selectedId).toBe('a');
    s = run(s, { type: 'filter', text: 'state:running' });
    expect(s.visible).toEqual(['c', 'b']);
    s = run(s, { type: 'filter', text: 'nothing-matches' });
    expect(s.visible).toEqual([]);
    expect(s.selectedId).toBeNull();
    s = run(s, { type: 'filter', text: '' });
    expect(s.visible).toEqual(['c', 'b', 'a']);
  });

  test('a refetch keeps the selection and reloads its log', () => {
    let s = loaded(coder('a', 1), coder('b', 2));
    s = run(
      s,
      { type: 'select-delta', delta: 1 },
      { type: 'logs-loaded', coderId: 'a', entries: [log('a', 1)], hasOlder: false },
    );
    const token = s.logs.token;
    s = run(s, { type: 'loaded', coders: [coder('a', 1), coder('b', 2), coder('c', 3)] });
    expect(s.selectedId).toBe('a');
    expect(s.logs).toMatchObject({ coderId: 'a', loading: true, token: token + 1 });
  });

  test('diff and help views scroll within bounds; a late diff for another coder is dropped', () => {
    let s = loaded(coder('a', 1));
    s = run(s, { type: 'mode', mode: { kind: 'diff', coderId: 'a', text: null, scroll: 0 } });
    s = run(s, { type: 'diff-loaded', coderId: 'b', text: 'x' });
    expect(s.mode).toMatchObject({ text: null });
    s = run(s, { type: 'diff-loaded', coderId: 'a', text: 'x' }, { type: 'view-scroll', delta: 50, max: 7 });
    expect(s.mode).toMatchObject({ kind: 'diff', text: 'x', scroll: 7 });
    s = run(s, { type: 'view-scroll', delta: -Infinity, max: 7 });
    expect(s.mode).toMatchObject({ scroll: 0 });
  });

  test('errors and notices replace each other; counts follow the state machine order', () => {
    let s = loaded(
      coder('a', 1, { state: 'failed' }),
      coder('b', 2),
      coder('c', 3, { state: 'paused' }),
      coder('d', 4),
    );
    s = run(s, { type: 'error', message: 'boom' });
    expect([s.error, s.notice]).toEqual(['boom', null]);
    s = run(s, { type: 'notice', message: 'ok' });
    expect([s.error, s.notice]).toEqual([null, 'ok']);
    expect(countByState(s.coders)).toEqual([
      { state: 'running', n: 2 },
      { state: 'paused', n: 1 },
      { state: 'failed', n: 1 },
    ]);
  });

  test('a reloaded compare table keeps the cursor on its member, also behind the pick question', () => {
    const table = (...ids: string[]): CompareResult =>
      ({
        group_id: 'g1234567',
        rows: ids.map((coder_id, i) => ({ rank: i + 1, coder_id })),
      }) as CompareResult;
    let s = run(
      loaded(coder('a', 1), coder('b', 2)),
      { type: 'mode', mode: { kind: 'compare', groupId: 'g1234567', result: null, cursor: 0 } },
      { type: 'compare-loaded', groupId: 'g1234567', result: table('b', 'a') },
      { type: 'compare-cursor', delta: 1 },
    );
    expect(s.mode).toMatchObject({ kind: 'compare', cursor: 1 });
    // The checks reorder the members: the cursor follows 'a' to the first row.
    s = run(s, { type: 'compare-loaded', groupId: 'g1234567', result: table('a', 'b') });
    expect(s.mode).toMatchObject({ kind: 'compare', cursor: 0 });
    // A table for another group is dropped; one for a member that left keeps the row, within bounds.
    expect(run(s, { type: 'compare-loaded', groupId: 'g7654321', result: table('b') })).toBe(s);
    s = run(s, { type: 'compare-loaded', groupId: 'g1234567', result: table('b') });
    expect(s.mode).toMatchObject({ kind: 'compare', cursor: 0 });
    // Behind an open question, the table it goes back to is the one updated.
    const back = s.mode as CompareMode;
    s = run(s, { type: 'mode', mode: { kind: 'ask', ask: {} as Ask, back } });
    s = run(s, { type: 'compare-loaded', groupId: 'g1234567', result: table('c', 'b') });
    expect(s.mode).toMatchObject({ kind: 'ask', back: { kind: 'compare', cursor: 1 } });
    expect((s.mode as { back: CompareMode }).back.result?.rows.map((r) => r.coder_id)).toEqual(['c', 'b']);
  });
});
