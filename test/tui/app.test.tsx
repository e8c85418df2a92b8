/**
 * Component tests of the TUI over the in-memory client: keys go in through stdin, assertions are on
 * lastFrame() and on the client's data; every wait is a deadline-bound poll on frames.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { BINDINGS, keysLabel } from '../../src/tui/bindings.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { waitFor } from '../helpers/env.js';
import { KEY, NOW, frame, has, press, renderApp, resize, rowOf, type Rendered } from './render.js';

afterEach(() => cleanup());

const T0 = NOW - 5 * 60_000;

function seeded(): MemoryClient {
  const c = new MemoryClient({ now: () => T0 });
  c.add({
    id: 'c0000001',
    name: 'fix login',
    state: 'completed',
    created_at: new Date(T0 - 3000).toISOString(),
  });
  c.add({
    id: 'c0000002',
    name: 'add tests',
    state: 'running',
    provider: 'codex',
    branch: 'aicoder/add-tests',
    created_at: new Date(T0 - 2000).toISOString(),
    stats: {
      turns: 7,
      cost_usd: 1.25,
      cost_estimated: false,
      files_changed: 4,
      tokens_in: 0,
      tokens_out: 0,
      last_message: 'wrote 3 tests',
    },
  });
  c.add({ id: 'c0000003', name: 'docs', state: 'paused', created_at: new Date(T0 - 1000).toISOString() });
  return c;
}

/** Waits until the list shows `id` as the selected row. */
async function selectedIs(r: Rendered, id: string): Promise<string> {
  return frame(r, (f) => rowOf(f, id)?.startsWith('>') === true, `${id} selected`);
}

/** Selects `id` of the seeded list (newest first: c0000003, c0000002, c0000001) with j presses. */
async function select(r: Rendered, id: string): Promise<void> {
  await selectedIs(r, 'c0000003');
  const steps = ['c0000003', 'c0000002', 'c0000001'].indexOf(id);
  for (let i = 0; i < steps; i++) press(r, 'j');
  await selectedIs(r, id);
}

describe('TUI', () => {
  test('list renders every column: id, name, provider, state symbol + name, branch, age, turns, cost, files', async () => {
    const r = renderApp(seeded(), { columns: 120, rows: 30 });
    const f = await frame(r, has('c0000001'), 'list');
    const row = rowOf(f, 'c0000002')!;
    expect(row).toMatch(/c0000002 +add tests +codex +● running +aicoder\/add-tests +5m +7 +\$1\.25 +4/);
    expect(rowOf(f, 'c0000003')).toContain('‖ paused');
    expect(rowOf(f, 'c0000001')).toContain('✓ completed');
    expect(f).toContain('Coders 3');
    expect(f).toContain('memory://aicoder');
    expect(f).toMatch(/● 1 running +‖ 1 paused +✓ 1 completed/);
  });

  test('j/k and ↓/↑ move the selection; the detail pane follows it', async () => {
    const r = renderApp(seeded());
    await selectedIs(r, 'c0000003'); // newest first
    press(r, 'j');
    let f = await selectedIs(r, 'c0000002');
    expect(f).toContain('wrote 3 tests'); // detail: last message
    press(r, KEY.down);
    await selectedIs(r, 'c0000001');
    press(r, 'j'); // stays on the last row
    press(r, 'k');
    f = await selectedIs(r, 'c0000002');
    press(r, KEY.up);
    f = await selectedIs(r, 'c0000003');
    expect(f).toContain('task of docs');
  });

  test('p pauses the selected coder: the client state changes and the frame shows paused', async () => {
    const c = seeded();
    const r = renderApp(c);
    await select(r, 'c0000002');
    press(r, 'p');
    const f = await frame(r, (x) => rowOf(x, 'c0000002')?.includes('‖ paused') === true, 'paused row');
    expect(c.coders.get('c0000002')!.state).toBe('paused');
    expect(f).toContain('paused c0000002');
    press(r, 'r');
    await frame(r, (x) => rowOf(x, 'c0000002')?.includes('● running') === true, 'running again');
    press(r, 's');
    await frame(r, (x) => rowOf(x, 'c0000002')?.includes('■ stopped') === true, 'stopped');
    press(r, 'R');
    await frame(r, (x) => rowOf(x, 'c0000002')?.includes('● running') === true, 'restarted');
    expect(c.controls.map((x) => x.input.action)).toEqual(['pause', 'resume', 'stop', 'restart']);
  });

  test('an action error shows in the status bar and the TUI keeps working', async () => {
    const c = seeded();
    const r = renderApp(c);
    await select(r, 'c0000001'); // completed: cannot pause
    press(r, 'p');
    const f = await frame(r, has('error: pause c0000001'), 'error line');
    expect(f).toMatch(/cannot pause coder c0000001: it is completed/);
    expect(c.coders.get('c0000001')!.state).toBe('completed');
    press(r, 'k');
    await selectedIs(r, 'c0000002');
  });

  test('x asks to confirm; n cancels, y removes', async () => {
    const c = seeded();
    const r = renderApp(c);
    await select(r, 'c0000001');
    press(r, 'x');
    await frame(r, has('Remove coder c0000001'), 'confirm dialog');
    press(r, 'n');
    await frame(r, (f) => !f.includes('Remove coder') && rowOf(f, 'c0000001') !== undefined, 'cancelled');
    expect(c.coders.has('c0000001')).toBe(true);
    press(r, 'x');
    await frame(r, has('Remove coder c0000001'), 'confirm dialog again');
    press(r, 'y');
    await frame(r, (f) => rowOf(f, 'c0000001') === undefined && f.includes('removed c0000001'), 'row gone');
    expect(c.coders.has('c0000001')).toBe(false);
  });

  test('x on a guarded coder: the refusal is shown and force is offered; y forces the removal', async () => {
    const c = seeded();
    c.guards.set('c0000001', 'dirty_worktree');
    const r = renderApp(c);
    await select(r, 'c0000001');
    press(r, 'x');
    await frame(r, has('Remove coder c0000001'), 'confirm dialog');
    press(r, 'y');
    const f = await frame(r, has('Remove refused'), 'force offer');
    expect(f).toContain('uncommitted changes');
    expect(f).toContain('Force the removal of c0000001?');
    expect(c.coders.has('c0000001')).toBe(true);
    press(r, 'y');
    await frame(r, (x) => rowOf(x, 'c0000001') === undefined, 'row gone');
    expect(c.coders.has('c0000001')).toBe(false);
    expect(c.controls.at(-1)!.input).toEqual({ action: 'remove', force: true });
  });

  test('n opens the form: repo defaults to the cwd repo, provider from the registry; Enter creates', async () => {
    const c = seeded();
    const r = renderApp(c, { cwdRepo: '/work/myrepo' });
    await frame(r, has('c0000001'), 'list');
    press(r, 'n');
    await frame(
      r,
      (f) => f.includes('New coder') && f.includes('/work/myrepo') && f.includes('◀ claude ▶'),
      'form',
    );
    for (const ch of 'write the docs') press(r, ch);
    await frame(r, has('write the docs'), 'typed task');
    press(r, KEY.up); // model
    press(r, KEY.up); // provider
    press(r, KEY.right);
    await frame(r, has('◀ codex ▶'), 'provider codex');
    press(r, KEY.down); // model
    for (const ch of 'gpt-5') press(r, ch);
    await frame(r, has('gpt-5'), 'typed model');
    press(r, KEY.down); // task
    press(r, KEY.enter);
    const f = await frame(r, (x) => x.includes('created ') && !x.includes('New coder'), 'created');
    const made = [...c.coders.values()].find((x) => x.task === 'write the docs')!;
    expect(made).toMatchObject({ provider: 'codex', model: 'gpt-5', repo: '/work/myrepo', state: 'running' });
    expect(rowOf(f, made.id)?.startsWith('>')).toBe(true);
  });

  test('n form: a create error stays in the form and shows in the status bar; Esc cancels', async () => {
    const c = seeded();
    const r = renderApp(c);
    await frame(r, has('c0000001'), 'list');
    press(r, 'n');
    await frame(r, has('New coder'), 'form');
    press(r, KEY.enter); // empty task
    await frame(
      r,
      (f) => f.includes('error: create: task must not be empty') && f.includes('New coder'),
      'error',
    );
    press(r, KEY.esc);
    await frame(r, (f) => !f.includes('New coder'), 'closed');
    expect(c.coders.size).toBe(3);
  });

  test('/ filters by text or by state; Esc restores, Enter keeps it', async () => {
    const r = renderApp(seeded());
    await frame(r, has('c0000001'), 'list');
    press(r, '/');
    await frame(r, has('filter (text or state):'), 'prompt');
    for (const ch of 'paused') press(r, ch);
    let f = await frame(
      r,
      (x) => rowOf(x, 'c0000002') === undefined && rowOf(x, 'c0000003') !== undefined,
      'state',
    );
    expect(rowOf(f, 'c0000001')).toBeUndefined();
    press(r, KEY.esc);
    await frame(r, (x) => rowOf(x, 'c0000001') !== undefined && !x.includes('filter:'), 'restored');
    press(r, '/');
    await frame(r, has('filter (text or state):'), 'prompt again');
    for (const ch of 'login') press(r, ch);
    press(r, KEY.enter);
    f = await frame(
      r,
      (x) => x.includes('Coders 1/3 · filter: login') && !x.includes('(text or state)'),
      'kept',
    );
    expect(rowOf(f, 'c0000001')?.startsWith('>')).toBe(true);
    expect(rowOf(f, 'c0000002')).toBeUndefined();
  });

  test('? shows every binding of the bindings table; Esc closes', async () => {
    const r = renderApp(seeded(), { columns: 120, rows: 50 });
    await frame(r, has('c0000001'), 'list');
    press(r, '?');
    const f = await frame(r, has('Help'), 'help');
    for (const b of BINDINGS) {
      const line = f.split('\n').find((l) => l.includes(`${keysLabel(b).padEnd(16)}${b.help}`));
      expect(line, `${keysLabel(b)} ${b.help}`).toBeDefined();
    }
    press(r, KEY.esc);
    await frame(r, (x) => !x.includes('Help ·'), 'closed');
  });

  test('help scrolls at 80x24 so every binding can be reached', async () => {
    const r = renderApp(seeded(), { columns: 80, rows: 24 });
    await frame(r, has('c0000001'), 'list');
    press(r, '?');
    await frame(r, has('Help'), 'help');
    const seen = new Set<string>();
    const bottom = `Esc             ${BINDINGS.at(-1)!.help}`;
    for (let i = 0; i < 80; i++) {
      const prev = r.lastFrame()!;
      for (const l of prev.split('\n')) seen.add(l.trim());
      if (prev.includes(bottom)) break;
      press(r, 'j');
      await frame(r, (f) => f !== prev, 'scrolled one line');
    }
    for (const b of BINDINGS) {
      expect(
        [...seen].some((l) => l.startsWith(keysLabel(b)) && l.endsWith(b.help)),
        b.help,
      ).toBe(true);
    }
  });

  test('reconnecting… shows while the connection is down; a stream reset refetches', async () => {
    const c = seeded();
    const r = renderApp(c);
    await frame(r, has('c0000001'), 'list');
    c.setStatus('reconnecting');
    await frame(r, has('reconnecting…'), 'reconnecting');
    // Changes made while away (no events reach the TUI) appear after the reset's refetch.
    c.coders.set('c0000009', { ...c.coders.get('c0000001')!, id: 'c0000009', name: 'made while away' });
    c.coders.delete('c0000003');
    c.setStatus('connected');
    await frame(r, (f) => !f.includes('reconnecting'), 'connected');
    expect(rowOf(r.lastFrame()!, 'c0000009')).toBeUndefined();
    c.reset();
    const f = await frame(r, (x) => rowOf(x, 'c0000009') !== undefined, 'refetched');
    expect(rowOf(f, 'c0000003')).toBeUndefined();
  });

  test('daemon unreachable at start: the error shows; once connected the list loads', async () => {
    const c = seeded();
    c.down = true;
    c.setStatus('reconnecting');
    const r = renderApp(c);
    await frame(
      r,
      (f) => f.includes('error: list: cannot reach the daemon') && f.includes('reconnecting…'),
      'error',
    );
    c.down = false;
    c.setStatus('connected');
    await frame(r, (f) => rowOf(f, 'c0000001') !== undefined && !f.includes('reconnecting'), 'loaded');
  });

  test('Ctrl-C quits from a dialog too', async () => {
    const c = seeded();
    const r = renderApp(c);
    await frame(r, has('c0000001'), 'list');
    press(r, 'n');
    await frame(r, has('New coder'), 'form');
    press(r, KEY.ctrlC);
    await waitFor(() => c.subscriberCount === 0, { what: 'quit' });
  });

  test('live events: created, state and removed coders appear without a keypress', async () => {
    const c = seeded();
    const r = renderApp(c);
    await frame(r, has('c0000001'), 'list');
    c.add({ id: 'c0000004', name: 'live one', created_at: new Date(T0).toISOString() });
    await frame(r, (f) => rowOf(f, 'c0000004') !== undefined, 'created');
    c.update('c0000004', { state: 'completed' });
    await frame(r, (f) => rowOf(f, 'c0000004')?.includes('✓ completed') === true, 'state');
    await c.control('c0000004', { action: 'remove' });
    await frame(r, (f) => rowOf(f, 'c0000004') === undefined, 'removed');
  });

  test('the log pane follows new entries, batched: 2000 lines cause a few frames, not 2000', async () => {
    const c = seeded();
    const r = renderApp(c);
    await selectedIs(r, 'c0000003');
    await frame(r, has('no output yet'), 'empty log');
    const before = r.frames.length;
    c.appendLogs(
      'c0000003',
      Array.from({ length: 2000 }, (_, i) => `line ${i + 1}`),
    );
    const f = await frame(r, has('line 2000'), 'last line');
    expect(f).toContain('following');
    expect(r.frames.length - before).toBeLessThanOrEqual(3);
  });

  test('PgUp scrolls back (new lines do not move the view), End follows; older entries load on demand', async () => {
    const c = seeded();
    c.appendLogs(
      'c0000003',
      Array.from({ length: 3000 }, (_, i) => `entry ${i + 1}`),
      { silent: true },
    );
    const r = renderApp(c);
    await frame(r, (f) => f.includes('entry 3000') && f.includes('#2501–3000'), 'tail loaded');
    press(r, KEY.pageUp);
    let f = await frame(r, (x) => /\d+ back/.test(x), 'scrolled back');
    const shown = f.split('\n').filter((l) => l.includes(' entry '));
    c.appendLogs('c0000003', ['entry 3001']);
    f = await frame(r, has('#2501–3001'), 'new entry loaded');
    expect(f.split('\n').filter((l) => l.includes(' entry '))).toEqual(shown);
    press(r, KEY.enter); // focus logs
    const firstLoaded = (x: string): number => Number(/#(\d+)–/.exec(x)?.[1] ?? NaN);
    for (let i = 0; i < 10 && firstLoaded(r.lastFrame()!) > 1; i++) {
      const before = firstLoaded(r.lastFrame()!);
      press(r, 'g'); // to the oldest loaded entry: the pane fetches the page before it
      await frame(r, (x) => firstLoaded(x) < before, 'older page');
    }
    press(r, 'g');
    f = await frame(r, (x) => x.includes('#1–3001') && x.includes(' entry 1\n'), 'oldest entry');
    expect(f).not.toContain('more above');
    press(r, 'G');
    await frame(r, (x) => x.includes('following') && x.includes('entry 3001'), 'following again');
  });

  test('m sends a follow-up message through control {action: message}', async () => {
    const c = seeded();
    const r = renderApp(c);
    await select(r, 'c0000001');
    press(r, 'm');
    await frame(r, has('message to c0000001:'), 'prompt');
    for (const ch of 'now add docs') press(r, ch);
    await frame(r, has('now add docs'), 'typed');
    press(r, KEY.enter);
    await frame(r, (f) => rowOf(f, 'c0000001')?.includes('● running') === true, 'running');
    expect(c.controls.at(-1)).toEqual({
      id: 'c0000001',
      input: { action: 'message', message: 'now add docs' },
    });
  });

  test('d shows the diff; Esc closes', async () => {
    const c = seeded();
    c.diffs.set('c0000003', 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old line\n+new line\n');
    const r = renderApp(c);
    await selectedIs(r, 'c0000003');
    press(r, 'd');
    const f = await frame(r, has('+new line'), 'diff');
    expect(f).toContain('Diff c0000003');
    expect(f).toContain('-old line');
    press(r, KEY.esc);
    await frame(r, (x) => !x.includes('Diff c0000003') && x.includes('Coders 3'), 'closed');
  });

  test('500 coders: only the visible rows are rendered; G jumps to the last', async () => {
    const c = new MemoryClient({ now: () => T0 });
    for (let i = 0; i < 500; i++) {
      c.add({ id: `d${String(i).padStart(7, '0')}`, created_at: new Date(T0 - i * 1000).toISOString() });
    }
    const r = renderApp(c, { columns: 100, rows: 24 });
    const f = await frame(r, has('Coders 500'), 'list');
    expect(f.split('\n').filter((l) => /^[> ] d\d{7}/.test(l)).length).toBeLessThanOrEqual(10);
    press(r, 'G');
    await selectedIs(r, 'd0000499');
  });

  test('80x24 after a resize: no line is wider than 80 columns and the screen fits 24 rows', async () => {
    const c = seeded();
    c.appendLogs('c0000003', ['x'.repeat(300), `\x1b[31mred\x1b[0m\tand\ttabs`]);
    c.update('c0000003', { error: 'e'.repeat(200) });
    const r = renderApp(c, { columns: 140, rows: 40 });
    await frame(r, has('tabs'), 'wide');
    resize(r, 80, 24);
    const check = (f: string): boolean => {
      const lines = f.split('\n');
      return lines.length <= 24 && lines.every((l) => [...l].length <= 80);
    };
    const f = await frame(r, (x) => check(x) && x.includes('Coders 3 ──'), '80x24');
    expect(f).not.toContain('\x1b');
    const main = (x: string): boolean => x.includes('Coders 3 ──') && x.includes('? help');
    for (const [key, shown] of [
      ['?', has('Help')],
      [KEY.esc, main],
      ['n', has('New coder')],
      [KEY.esc, main],
      ['x', has('Remove coder')],
      ['n', main],
      ['d', has('Diff c0000003')],
      [KEY.esc, main],
    ] as const) {
      press(r, key);
      expect(check(await frame(r, shown, String(key)))).toBe(true);
    }
  });

  test('q quits: the subscription closes and nothing is stopped', async () => {
    const c = seeded();
    const r = renderApp(c);
    await frame(r, has('c0000001'), 'list');
    expect(c.subscriberCount).toBe(1);
    press(r, 'q');
    await waitFor(() => c.subscriberCount === 0, { what: 'unsubscribed' });
    expect(c.controls).toEqual([]);
    expect(c.coders.get('c0000002')!.state).toBe('running');
  });
});
