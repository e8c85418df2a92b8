/**
 * Terminal safety and wide characters in the TUI: agent text goes through the same safeText as the
 * CLI, and every column is measured in terminal cells (string-width), so emoji/CJK names keep the
 * list aligned.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, has, renderApp, rowOf } from './render.js';

afterEach(() => cleanup());

// eslint-disable-next-line no-control-regex
const LIVE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const NAMES: [string, string][] = [
  ['a0000001', '✅✅✅ done ⚡⚡'],
  ['a0000002', '修复 登录 bug 🐛'],
  ['a0000003', '❤️ family 👨‍👩‍👧 and more words here'],
  ['a0000004', 'plain ascii name'],
];

function client(): MemoryClient {
  const c = new MemoryClient({ now: () => NOW - 60_000 });
  NAMES.forEach(([id, name], i) =>
    c.add({
      id,
      name,
      provider: 'claude',
      state: 'running',
      created_at: new Date(NOW - i * 1000).toISOString(),
    }),
  );
  return c;
}

describe('wide characters: TUI columns are measured in terminal cells', () => {
  for (const [cols, rows] of [
    [120, 30],
    [80, 24],
    [60, 15],
  ] as const) {
    test(`emoji, CJK, VS16 and ZWJ names keep every list column aligned at ${cols}x${rows}`, async () => {
      const r = renderApp(client(), { columns: cols, rows });
      // 60x15 has room for one row: select each in turn there.
      const f = await frame(r, (x) => rowOf(x, 'a0000001') !== undefined, 'the first row');
      const header = f.split('\n').find((l) => l.includes('ID') && l.includes('NAME'))!;
      const stateAt = stringWidth(header.slice(0, header.indexOf('STATE')));
      const shown = NAMES.filter(([id]) => rowOf(f, id) !== undefined);
      expect(shown.length).toBeGreaterThanOrEqual(rows >= 24 ? 4 : 1);
      for (const [id] of shown) {
        const row = rowOf(f, id)!;
        expect(stringWidth(row.slice(0, row.indexOf('● running'))), `${id}\n${f}`).toBe(stateAt);
        expect(stringWidth(row)).toBeLessThanOrEqual(cols);
      }
      for (const line of f.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(cols);
    });
  }
});

describe('terminal safety: the TUI shows agent control sequences inert', () => {
  test('names, tasks, errors and log lines with OSC/CSI/C0 controls are visible and inert', async () => {
    const c = new MemoryClient({ now: () => NOW - 60_000 });
    c.add({
      id: 'b0000001',
      name: 'evil\x1b]0;pwned\x07name',
      task: 'task \x1b[2J clears',
      error: 'boom \x1b]52;c;eA==\x07',
      state: 'failed',
    });
    c.appendLogs('b0000001', ['\x1b]52;c;cHduZWQ=\x07clip', 'nul\x00byte 50%\r100%', '\x1b[31mred\x1b[0m']);
    const r = renderApp(c, { columns: 120, rows: 30 });
    const f = await frame(r, has('red'), 'log lines');
    expect(LIVE_CONTROL.test(f), JSON.stringify(f)).toBe(false);
    expect(f).toContain('evil␛]0;pwned␇name');
    expect(f).toContain('task ␛[2J clears');
    expect(f).toContain('boom ␛]52;c;eA==␇');
    expect(f).toContain('␛]52;c;cHduZWQ=␇clip');
    expect(f).toContain('nul␀byte 50%␍100%');
  });
});
