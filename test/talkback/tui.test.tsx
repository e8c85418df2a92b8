/**
 * The TUI side of talk-back over the in-memory client: a needs_input coder is marked in the list and
 * shows its question; `a` answers it through control {action: answer}; the bell rings when a coder
 * comes to need attention.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { attentionWatch } from '../../src/tui/attention.js';
import { emptyStats, emptyTalk, type Coder } from '../../src/core/coder.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { KEY, NOW, frame, has, press, renderApp, rowOf } from '../tui/render.js';

afterEach(() => cleanup());

describe('TUI talk-back', () => {
  test('a needs_input coder is marked, shows its question, and `a` answers it', async () => {
    const c = new MemoryClient({ now: () => NOW });
    c.add({ id: 'c0000001', name: 'ask me', state: 'needs_input', question: 'Keep the old API?' });
    const r = renderApp(c);
    const f = await frame(r, (x) => rowOf(x, 'c0000001')?.includes('? needs_inpu') === true, 'marked');
    expect(f).toMatch(/asks +Keep the old API\?/);
    press(r, 'a');
    await frame(r, has('answer c0000001 (Keep the old API?):'), 'prompt');
    for (const ch of 'yes') press(r, ch);
    await frame(r, has('yes'), 'typed');
    press(r, KEY.enter);
    await frame(r, (x) => rowOf(x, 'c0000001')?.includes('● running') === true, 'running');
    expect(c.controls.at(-1)).toEqual({ id: 'c0000001', input: { action: 'answer', message: 'yes' } });
  });

  test('a stalled coder is marked with ! and says so in the detail pane', async () => {
    const c = new MemoryClient({ now: () => NOW });
    c.add({
      id: 'c0000002',
      name: 'quiet',
      state: 'running',
      stalled: true,
      progress: { message: 'building', percent: 40, ts: '' },
    });
    const r = renderApp(c);
    const f = await frame(r, (x) => rowOf(x, 'c0000002')?.includes('! running') === true, 'stalled mark');
    expect(f).toMatch(/doing +40% building/);
    expect(f).toMatch(/stalled +no output/);
  });

  test('the bell rings for needs_input, completed, failed and a new stall, once each', () => {
    const watch = attentionWatch();
    const base: Coder = {
      ...({} as Coder),
      id: 'x',
      state: 'running',
      stats: emptyStats(),
      ...emptyTalk(),
    };
    const state = (s: Coder['state'], extra: Partial<Coder> = {}) => ({
      type: 'coder.state' as const,
      event_id: 1,
      from: 'running' as const,
      coder: { ...base, ...extra, state: s },
    });
    const upd = (extra: Partial<Coder>) => ({
      type: 'coder.updated' as const,
      event_id: 1,
      coder: { ...base, ...extra },
    });
    expect(watch(state('needs_input'))).toBe(true);
    expect(watch(state('running'))).toBe(false);
    expect(watch(upd({ stalled: true }))).toBe(true);
    expect(watch(upd({ stalled: true }))).toBe(false);
    expect(watch(upd({ stalled: false }))).toBe(false);
    expect(watch(state('completed'))).toBe(true);
    expect(watch(state('failed'))).toBe(true);
    expect(watch(state('paused'))).toBe(false);
  });
});
