/**
 * The segment store: chunks written past the committed end (a failed or interrupted transaction)
 * are never read and are overwritten, tail and pages read only what they need, kind filters, the
 * per-entry cut and slices of a whole text.
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogText, NewLogEntry, RunRecord } from '../../src/core/ports.js';
import { openStore } from '../../src/store/index.js';
import { cleanupTemp } from '../helpers/env.js';
import { freshStore, makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

const TS = '2025-01-01T00:00:00.000Z';
const e = (text: string, kind = 'text', stream: NewLogEntry['stream'] = 'stdout'): NewLogEntry => ({
  ts: TS,
  stream,
  kind,
  text,
});

function run(coderId: string): RunRecord {
  return {
    coder_id: coderId,
    run_no: 1,
    pid: 1,
    pgid: 1,
    start_time: '1',
    run_dir: '/tmp/x',
    offsets: { stdout: 0, stderr: 0 },
  };
}

describe('log segments', () => {
  it('bytes written by a transaction that did not commit are never read, and are overwritten', () => {
    const { store, dir } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    store.saveRun(run(c.id));
    store.appendLogs(c.id, [e('a1'), e('a2')], { run_no: 1, offsets: { stdout: 6, stderr: 0 } });
    const seg = join(dir, 'nested', 'logs', c.id, '000001.seg');
    const committed = statSync(seg).size;
    // The segment write happens, then the transaction fails (no run 9): nothing of it is visible.
    expect(() =>
      store.appendLogs(c.id, [e('lost-1'), e('lost-2'), e('lost-3')], {
        run_no: 9,
        offsets: { stdout: 1, stderr: 0 },
      }),
    ).toThrow(/no run 9/);
    expect(statSync(seg).size).toBeGreaterThan(committed);
    expect(store.readLogs(c.id, {}).map((x) => x.text)).toEqual(['a1', 'a2']);
    expect(store.getRun(c.id)!.offsets.stdout).toBe(6);
    // The retry writes at the committed end.
    store.appendLogBlock(c.id, {
      ts: TS,
      stream: 'stdout',
      kind: 'text',
      text: Buffer.from('b1\nb2\r\n\nb4'),
    });
    expect(store.readLogs(c.id, {}).map((x) => [x.seq, x.text])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'b1'],
      [4, 'b2'],
      [5, ''],
      [6, 'b4'],
    ]);
    store.close();
  });

  it('a restarted store cuts garbage left past the committed end (kill -9 between write and commit)', () => {
    const { store, dbPath, dir } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    store.appendLogs(c.id, [e('one')]);
    store.close();
    const seg = join(dir, 'nested', 'logs', c.id, '000001.seg');
    const committed = statSync(seg).size;
    appendFileSync(seg, '\x1e{"seq":2,"n":500,"mode":"lines"}\ngarbage that was never indexed\n'.repeat(50));
    const again = openStore(dbPath);
    expect(again.readLogs(c.id, {}).map((x) => x.text)).toEqual(['one']);
    again.appendLogs(c.id, [e('two')]);
    expect(again.readLogs(c.id, {}).map((x) => [x.seq, x.text])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(statSync(seg).size).toBeLessThan(committed + 200);
    again.close();
  });

  it('tail, pages and kind filters across many chunks; structured entries keep line breaks', () => {
    const { store } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    let n = 0;
    for (let k = 0; k < 200; k++) {
      const lines = Array.from({ length: 50 }, () => `line ${++n}`).join('\n') + '\n';
      store.appendLogBlock(c.id, { ts: TS, stream: 'stdout', kind: 'text', text: Buffer.from(lines) });
      if (k % 40 === 0) store.appendLogs(c.id, [e(`call ${k}\nsecond line`, 'tool_call', 'stdout')]);
    }
    const total = n + 5;
    expect(store.lastSeq(c.id)).toBe(total);
    const tail = store.readLogs(c.id, { tail: 3 });
    expect(tail.map((x) => x.text)).toEqual([`line ${n - 2}`, `line ${n - 1}`, `line ${n}`]);
    expect(tail.at(-1)!.seq).toBe(total);
    const calls = store.readLogs(c.id, { kinds: ['tool_call'] });
    expect(calls.map((x) => x.text)).toEqual([0, 40, 80, 120, 160].map((k) => `call ${k}\nsecond line`));
    expect(store.readLogs(c.id, { kinds: ['tool_call'], tail: 2 }).map((x) => x.text)).toEqual([
      'call 120\nsecond line',
      'call 160\nsecond line',
    ]);
    const page = store.readLogPage(c.id, { since_seq: 4000, limit: 7 });
    expect(page.entries.map((x) => x.seq)).toEqual([4001, 4002, 4003, 4004, 4005, 4006, 4007]);
    expect(page.more).toBe(true);
    expect(store.readLogs(c.id, { kinds: ['nothing'] })).toEqual([]);
    store.close();
  });

  it('cuts long texts at a character boundary, and serves the whole text in slices', () => {
    const { store } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    const long = 'é'.repeat(20_000) + 'END'; // 40,003 bytes
    store.appendLogBlock(c.id, { ts: TS, stream: 'stdout', kind: 'text', text: Buffer.from(`${long}\n`) });
    store.appendLogs(c.id, [e(long, 'message')]);
    for (const entry of store.readLogs(c.id, {})) {
      expect(entry.cut).toEqual({ total_bytes: 40_003, next_offset: 16_384 });
      expect(entry.text.startsWith('é'.repeat(8192))).toBe(true);
      expect(entry.text).toContain(
        `…[cut: 16384 of 40003 bytes shown; the rest of entry ${entry.seq} from byte 16384]`,
      );
      let whole = '';
      for (let off: number | null = 0; off !== null;) {
        const s: LogText = store.readLogText(c.id, entry.seq, off, 10_001)!; // odd size: slices end mid-character
        expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(10_001);
        whole += s.text;
        off = s.next_offset;
      }
      expect(whole).toBe(long);
    }
    // A small answer budget still returns one entry, cut to it.
    const one = store.readLogPage(c.id, { max_bytes: 100 });
    expect(one.entries).toHaveLength(1);
    expect(one.more).toBe(true);
    expect(store.readLogText(c.id, 99, 0, 10)).toBeUndefined();
    store.close();
  });

  it('removing a coder removes its segments', () => {
    const { store, dir } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    store.appendLogs(c.id, [e('x')]);
    expect(existsSync(join(dir, 'nested', 'logs', c.id))).toBe(true);
    store.deleteCoder(c.id);
    expect(existsSync(join(dir, 'nested', 'logs', c.id))).toBe(false);
    expect(store.readLogs(c.id, {})).toEqual([]);
    store.close();
  });
});
