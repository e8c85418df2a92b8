/**
 * Keys that arrive together: a terminal may deliver several keys in one read (key repeat, a slow
 * link, a fast typist). Every binding kind is tested with multi-key stdin writes: list moves, log
 * scrolling, views (help, diff), the confirm dialog, the new-coder form, prompts, quit, and bracketed
 * paste (text, never commands).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { Key } from 'ink';
import { KeySplitter } from '../../src/tui/keys.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { waitFor } from '../helpers/env.js';
import { KEY, NOW, frame, has, press, renderApp, rowOf, type Rendered } from './render.js';

afterEach(() => cleanup());

const IDS = ['k0000006', 'k0000005', 'k0000004', 'k0000003', 'k0000002', 'k0000001']; // newest first

function seeded(): MemoryClient {
  const c = new MemoryClient({ now: () => NOW - 60_000 });
  for (let i = 1; i <= 6; i++) {
    c.add({
      id: `k000000${i}`,
      name: `coder ${i}`,
      state: 'completed',
      created_at: new Date(NOW - (10 - i) * 1000).toISOString(),
    });
  }
  return c;
}

const selectedIs = (r: Rendered, id: string) =>
  frame(r, (f) => rowOf(f, id)?.startsWith('>') === true, `${id} selected`);

function flags(k: Key): string[] {
  return Object.entries(k)
    .filter(([, v]) => v === true)
    .map(([n]) => n);
}

describe('keys that arrive together: KeySplitter', () => {
  test('splits printable runs, C0 keys, escape sequences and modifiers in order', () => {
    const s = new KeySplitter();
    const keys = s.push('jj\x1b[B\r\t\x7f\x7f\x03\x1b[Z\x1b[5~\x1b[1;5A\x1bx\x1b\x1bG');
    expect(keys.map((k) => [k.input, flags(k.key).join('+')])).toEqual([
      ['j', ''],
      ['j', ''],
      ['', 'downArrow'],
      ['', 'return'],
      ['', 'tab'],
      ['', 'backspace'],
      ['', 'backspace'],
      ['c', 'ctrl'],
      ['', 'shift+tab'],
      ['', 'pageUp'],
      ['', 'upArrow+ctrl'],
      ['x', 'meta'],
      ['', 'escape+meta'],
      ['G', 'meta'], // ESC G is Alt+G (a terminal cannot tell Esc-then-G arriving together from it)
    ]);
    expect(keys.map((k) => k.raw).join('')).toBe(
      'jj\x1b[B\r\t\x7f\x7f\x03\x1b[Z\x1b[5~\x1b[1;5A\x1bx\x1b\x1bG',
    );
  });

  test('bracketed paste is one text key, even across reads and with control keys inside', () => {
    const s = new KeySplitter();
    expect(s.push('a\x1b[200~x\ry')).toHaveLength(1);
    const rest = s.push('q\x1b[201~b');
    expect(rest.map((k) => [k.input, k.paste === true])).toEqual([
      ['x\ryq', true],
      ['b', false],
    ]);
  });
});

describe('keys that arrive together: every binding kind', () => {
  test('list: jjj in one write moves three rows, Down Down two, kk back two, G and g', async () => {
    const r = renderApp(seeded());
    await selectedIs(r, IDS[0]!);
    press(r, 'jjj');
    await selectedIs(r, IDS[3]!);
    press(r, KEY.down + KEY.down);
    await selectedIs(r, IDS[5]!);
    press(r, 'kk');
    await selectedIs(r, IDS[3]!);
    press(r, 'gj');
    await selectedIs(r, IDS[1]!);
    press(r, 'Gk');
    await selectedIs(r, IDS[4]!);
  });

  test('log pane: Tab then kkk in one write focuses the logs and scrolls three lines', async () => {
    const c = seeded();
    c.appendLogs(
      IDS[0]!,
      Array.from({ length: 60 }, (_, i) => `log line ${i + 1}`),
    );
    const r = renderApp(c, { columns: 100, rows: 30 });
    await frame(r, has('log line 60'), 'logs');
    press(r, '\tkkk');
    await frame(r, has('3 back'), 'scrolled three back');
    press(r, 'jj');
    await frame(r, has('1 back'), 'two forward');
    press(r, 'G');
    await frame(r, has('following'), 'following again');
  });

  test('views: ? opens the help and Esc closes it, with keys after each in the same write', async () => {
    const c = seeded();
    c.diffs.set(IDS[0]!, Array.from({ length: 80 }, (_, i) => `+added ${i + 1}`).join('\n'));
    const r = renderApp(c, { columns: 100, rows: 24 });
    await selectedIs(r, IDS[0]!);
    press(r, '?jj');
    await frame(r, (f) => f.includes('Help') && !f.includes('Coder list'), 'help scrolled by two');
    // Esc is its own read (ESC j together is Alt+j on every terminal).
    press(r, KEY.esc);
    await frame(r, has('Coders 6'), 'help closed');
    press(r, 'jj');
    await selectedIs(r, IDS[2]!);
    press(r, 'kkd');
    await frame(r, has('+added 1'), 'diff');
    press(r, 'jjj');
    await frame(r, (f) => f.includes('4–') && !f.includes('+added 1\n'), 'diff scrolled three');
    press(r, 'qj');
    await selectedIs(r, IDS[1]!);
  });

  test('confirm dialog: x then y in one write removes; x then n cancels', async () => {
    const c = seeded();
    const r = renderApp(c);
    await selectedIs(r, IDS[0]!);
    press(r, 'xn');
    await frame(r, (f) => !f.includes('Remove coder') && rowOf(f, IDS[0]!) !== undefined, 'cancelled');
    expect(c.coders.has(IDS[0]!)).toBe(true);
    press(r, 'xy');
    await frame(r, (f) => rowOf(f, IDS[0]!) === undefined, 'removed');
    expect(c.coders.has(IDS[0]!)).toBe(false);
  });

  test('form: n, the task and Enter in one write create the coder; Backspace runs count', async () => {
    const c = seeded();
    const r = renderApp(c, { cwdRepo: '/work/repo' });
    await selectedIs(r, IDS[0]!);
    press(r, 'nwrite the docsXX\x7f\x7f\r');
    await frame(r, (f) => f.includes('created ') && !f.includes('New coder'), 'created');
    expect([...c.coders.values()].some((x) => x.task === 'write the docs')).toBe(true);
  });

  test('prompts: /text Enter filters, Ctrl-U Enter j clears and moves, m text Enter sends', async () => {
    const c = seeded();
    const r = renderApp(c);
    await selectedIs(r, IDS[0]!);
    press(r, '/coder 3\r');
    await frame(r, (f) => f.includes('filter: coder 3') && rowOf(f, 'k0000003') !== undefined, 'filtered');
    // Ctrl-U clears the prompt, Enter keeps the (empty) filter, j moves: all in one write.
    press(r, '/\x15\rj');
    await selectedIs(r, IDS[4]!);
    expect(r.lastFrame()).toContain('Coders 6');
    press(r, 'mgo on\r');
    await waitFor(() => c.controls.some((x) => x.input.action === 'message'), { what: 'message sent' });
    expect(c.controls.at(-1)).toEqual({ id: IDS[4], input: { action: 'message', message: 'go on' } });
  });

  test('quit: Ctrl-C after other keys in the same write quits, and so does q after j', async () => {
    for (const chunk of ['jj\x03', 'jq', 'n\x03']) {
      const c = seeded();
      const r = renderApp(c);
      await selectedIs(r, IDS[0]!);
      expect(c.subscriberCount).toBe(1);
      press(r, chunk);
      await waitFor(() => c.subscriberCount === 0, { what: `quit on ${JSON.stringify(chunk)}` });
      r.unmount();
    }
  });

  test('bracketed paste: pasted text never runs commands; in a prompt it is text', async () => {
    const c = seeded();
    const r = renderApp(c);
    await selectedIs(r, IDS[0]!);
    press(r, '\x1b[200~xyjjq\x1b[201~');
    press(r, 'j');
    await selectedIs(r, IDS[1]!);
    expect(r.lastFrame()).not.toContain('Remove coder');
    expect(c.coders.size).toBe(6);
    press(r, '/\x1b[200~coder\r5\x1b[201~\r');
    await frame(
      r,
      (f) => f.includes('filter: coder 5') && rowOf(f, 'k0000005') !== undefined,
      'pasted filter',
    );
  });
});
