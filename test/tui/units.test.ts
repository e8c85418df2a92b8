/** Pure parts of the TUI: the batcher, layout arithmetic, the bindings table, text helpers. */
import { describe, expect, test } from 'vitest';
import type { Key } from 'ink';
import {
  BINDINGS,
  bindingsMarkdown,
  helpSections,
  keyHints,
  matchBinding,
  type Context,
} from '../../src/tui/bindings.js';
import { EventBatcher } from '../../src/tui/event-batcher.js';
import { fitWidth } from '../../src/term/width.js';
import { formatAge, formatCost, matchesFilter, oneLine, parseFilter } from '../../src/tui/format.js';
import { computeLayout, listColumns, MARKER } from '../../src/tui/layout.js';
import { windowStart } from '../../src/tui/components/coder-list.js';
import { visibleEntries } from '../../src/tui/components/log-pane.js';
import { diffLineKind } from '../../src/tui/diff.js';
import { makeKey } from '../../src/tui/keys.js';
import { editText } from '../../src/tui/text-edit.js';
import { waitFor } from '../helpers/env.js';
import { makeCoder } from '../helpers/memory-client.js';

const k = (over: Partial<Key> = {}): Key => makeKey(over);

describe('EventBatcher', () => {
  test('a burst is delivered as one batch; the next batch waits for the interval', async () => {
    const batches: { n: number; at: number }[] = [];
    const b = new EventBatcher<number>(
      (items) => batches.push({ n: items.length, at: performance.now() }),
      50,
    );
    for (let i = 0; i < 10_000; i++) b.push(i);
    await waitFor(() => batches.length === 1, { what: 'first batch' });
    expect(batches[0]!.n).toBe(10_000);
    b.push(1);
    b.push(2);
    await waitFor(() => batches.length === 2, { what: 'second batch' });
    expect(batches[1]!.n).toBe(2);
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(45);
    b.close();
  });

  test('hold keeps items queued until release; close drops them', async () => {
    const got: number[][] = [];
    const b = new EventBatcher<number>((items) => got.push(items), 10);
    b.hold();
    b.push(1);
    b.flush();
    expect(got).toEqual([]);
    expect(b.pending).toBe(1);
    b.release();
    await waitFor(() => got.length === 1, { what: 'released' });
    expect(got[0]).toEqual([1]);
    b.close();
    b.push(2);
    b.flush();
    expect(got.length).toBe(1);
  });
});

describe('layout', () => {
  test.each([
    [80, 24],
    [100, 30],
    [120, 40],
    [200, 60],
    [60, 12],
  ])('%ix%i: panes add up to the screen, one row spare', (cols, rows) => {
    const l = computeLayout(cols, rows);
    expect(l.height).toBe(rows - 1);
    expect(l.mainRows + 2).toBe(l.height);
    expect(l.listRows + 2 + l.bottomRows).toBe(l.mainRows);
    expect(l.listRows).toBeGreaterThanOrEqual(1);
    expect(l.logRows).toBeGreaterThanOrEqual(1);
    if (l.sideBySide) {
      expect(l.detailWidth + 1 + l.logWidth).toBe(cols);
      expect(l.detailRows + 1).toBe(l.bottomRows);
    } else {
      expect((l.detailRows ? l.detailRows + 1 : 0) + l.logRows + 1).toBe(l.bottomRows);
    }
  });

  test('list columns fill the width exactly, dropping the least useful when narrow', () => {
    for (let w = 40; w <= 220; w++) {
      const cols = listColumns(w);
      expect(MARKER + cols.reduce((n, c) => n + c.width + 1, 0)).toBe(w);
      expect(cols.map((c) => c.key)).toContain('state');
    }
    expect(listColumns(80).map((c) => c.key)).toEqual([
      'id',
      'name',
      'provider',
      'state',
      'branch',
      'age',
      'turns',
      'cost',
      'files',
    ]);
    expect(listColumns(50).map((c) => c.key)).not.toContain('branch');
  });

  test('the list window moves only as far as needed', () => {
    expect(windowStart(0, 0, 500, 10)).toBe(0);
    expect(windowStart(0, 9, 500, 10)).toBe(0);
    expect(windowStart(0, 10, 500, 10)).toBe(1);
    expect(windowStart(40, 45, 500, 10)).toBe(40);
    expect(windowStart(40, 39, 500, 10)).toBe(39);
    expect(windowStart(495, 499, 500, 10)).toBe(490);
    expect(windowStart(7, 3, 5, 10)).toBe(0);
  });

  test('the log window is the last rows before the scroll position', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({
      coder_id: 'a',
      seq: i + 1,
      ts: '',
      stream: 'stdout' as const,
      kind: 'text',
      text: '',
    }));
    expect(visibleEntries(entries, 0, 5).map((e) => e.seq)).toEqual([96, 97, 98, 99, 100]);
    expect(visibleEntries(entries, 10, 3).map((e) => e.seq)).toEqual([88, 89, 90]);
    expect(visibleEntries(entries, 99, 3).map((e) => e.seq)).toEqual([1]);
  });
});

describe('bindings table', () => {
  test('no key is bound twice in one context', () => {
    const contexts: Context[] = ['list', 'logs', 'diff', 'help', 'confirm', 'form', 'prompt'];
    for (const ctx of contexts) {
      const seen = new Map<string, string>();
      for (const b of BINDINGS.filter((x) => x.contexts.includes(ctx))) {
        for (const key of b.keys) {
          expect(seen.get(key), `${ctx}: ${key} bound to ${seen.get(key)} and ${b.action}`).toBeUndefined();
          seen.set(key, b.action);
        }
      }
    }
  });

  test('the list binds its movement, action, group and attach keys', () => {
    const want: [string, Partial<Key>, string][] = [
      ['', { upArrow: true }, 'select-prev'],
      ['', { downArrow: true }, 'select-next'],
      ['j', {}, 'select-next'],
      ['k', {}, 'select-prev'],
      ['\r', { return: true }, 'focus-logs'],
      ['', { tab: true }, 'switch-pane'],
      ['n', {}, 'new'],
      ['p', {}, 'pause'],
      ['r', {}, 'resume'],
      ['s', {}, 'stop'],
      ['R', { shift: true }, 'restart'],
      ['m', {}, 'message'],
      ['d', {}, 'diff'],
      ['x', {}, 'remove'],
      ['/', {}, 'filter'],
      ['?', {}, 'help'],
      ['q', {}, 'quit'],
      ['c', { ctrl: true }, 'quit'],
      ['', { pageUp: true }, 'page-up'],
      ['', { pageDown: true }, 'page-down'],
      [' ', {}, 'fold'],
      ['c', {}, 'check'],
      ['C', { shift: true }, 'compare'],
      ['P', { shift: true }, 'pick'],
      ['A', { shift: true }, 'attach'],
    ];
    for (const [input, key, action] of want)
      expect(matchBinding('list', input, k(key))?.action, action).toBe(action);
    expect(matchBinding('logs', 'j', k())?.action).toBe('scroll-down');
    expect(matchBinding('list', 'z', k())).toBeUndefined();
    expect(matchBinding('form', '', k({ tab: true, shift: true }))?.action).toBe('field-prev');
  });

  test('help sections, key hints and the markdown table come from the table', () => {
    const rows = helpSections().flatMap((s) => s.rows);
    expect(rows.length).toBe(BINDINGS.length);
    expect(keyHints()).toContain('? help');
    const md = bindingsMarkdown();
    for (const b of BINDINGS) expect(md).toContain(b.help);
  });
});

describe('text helpers', () => {
  test('terminal safety: oneLine drops colours and shows every other control sequence inert', () => {
    expect(oneLine('\x1b[31mred\x1b[0m\tx\r\ny\x07')).toBe('red  x ⏎ y␇');
    expect(oneLine('\x1b]0;title\x07ok')).toBe('␛]0;title␇ok');
    expect(oneLine('a'.repeat(5000), 10)).toBe('a'.repeat(10));
  });

  test('ages, costs, fit', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(formatAge('2026-01-01T23:59:30Z', now)).toBe('30s');
    expect(formatAge('2026-01-01T23:00:00Z', now)).toBe('1h');
    expect(formatAge('2025-12-28T00:00:00Z', now)).toBe('5d');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(1.234)).toBe('$1.23');
    expect(fitWidth('abcdef', 4)).toBe('abc…');
    expect(fitWidth('ab', 4)).toBe('ab  ');
  });

  test('filter: state words, state: prefix, text words (all must match)', () => {
    expect(parseFilter('running state:paused login')).toEqual({
      states: ['running', 'paused'],
      words: ['login'],
    });
    const c = makeCoder({ id: 'ab12', name: 'Fix Login', state: 'paused' });
    expect(matchesFilter(c, parseFilter('login'))).toBe(true);
    expect(matchesFilter(c, parseFilter('LOGIN paused'))).toBe(true);
    expect(matchesFilter(c, parseFilter('login running'))).toBe(false);
    expect(matchesFilter(c, parseFilter('ab12 fix'))).toBe(true);
    expect(matchesFilter(c, parseFilter('fix nope'))).toBe(false);
  });

  test('diff line kinds', () => {
    expect(['diff --git a b', '+++ b/x', '@@ -1 +1 @@', '+a', '-b', ' c'].map(diffLineKind)).toEqual([
      'meta',
      'meta',
      'hunk',
      'add',
      'del',
      'context',
    ]);
  });

  test('text editing: typing, paste, backspace, ctrl-u, ctrl-w; control keys are not edits', () => {
    expect(editText('ab', 'c', k())).toBe('abc');
    expect(editText('ab', 'pasted text', k())).toBe('abpasted text');
    expect(editText('abc', '', k({ delete: true }))).toBe('ab');
    expect(editText('abc', '', k({ backspace: true }))).toBe('ab');
    expect(editText('two words', 'w', k({ ctrl: true }))).toBe('two ');
    expect(editText('abc', 'u', k({ ctrl: true }))).toBe('');
    expect(editText('abc', '', k({ return: true }))).toBeNull();
    expect(editText('abc', '', k({ upArrow: true }))).toBeNull();
    expect(editText('abc', '\x1b[31m', k())).toBeNull();
  });
});
