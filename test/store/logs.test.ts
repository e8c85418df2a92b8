import { afterAll, describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import type { CoderStore, NewLogEntry, RunRecord } from '../../src/core/ports.js';
import { cleanupTemp } from '../helpers/env.js';
import { freshStore, makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

function entry(text: string, kind = 'text', stream: NewLogEntry['stream'] = 'stdout'): NewLogEntry {
  return { ts: '2025-01-01T00:00:00.000Z', stream, kind, text };
}

function run(coderId: string, runNo = 1): RunRecord {
  return {
    coder_id: coderId,
    run_no: runNo,
    pid: 1000 + runNo,
    pgid: 1000 + runNo,
    start_time: '98765',
    run_dir: `/tmp/runs/${coderId}/run-${runNo}`,
    offsets: { stdout: 0, stderr: 0 },
  };
}

function setup(): { store: CoderStore; id: string } {
  const { store } = freshStore();
  const c = makeCoder();
  store.insertCoder(c);
  return { store, id: c.id };
}

describe('appendLogs', () => {
  it('assigns strictly increasing seqs per coder and global ids across coders', () => {
    const { store, id } = setup();
    const other = makeCoder();
    store.insertCoder(other);
    expect(store.lastSeq(id)).toBe(0);
    expect(store.lastLogId()).toBe(0);

    const a = store.appendLogs(id, [entry('a1'), entry('a2'), entry('a3')]);
    const b = store.appendLogs(other.id, [entry('b1')]);
    const batchSizes = [1, 7, 8, 9, 33, 128, 200, 0];
    const more = batchSizes.flatMap((n, k) =>
      store.appendLogs(
        id,
        Array.from({ length: n }, (_, i) => entry(`m${k}-${i}`)),
      ),
    );
    expect(a.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(b.map((e) => e.seq)).toEqual([1]);
    const seqs = [...a, ...more].map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(store.lastSeq(id)).toBe(seqs.length);

    // Returned entries are exactly what is stored, global ids strictly increasing.
    const all = store.logsAfter(0, 10_000);
    expect(all).toEqual([...a, ...b, ...more]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.id).toBeGreaterThan(all[i - 1]!.id);
    expect(store.lastLogId()).toBe(all.at(-1)!.id);
    expect(store.logsAfter(a[2]!.id, 2)).toEqual([b[0], more[0]]);
    store.close();
  });

  it('writes entries, run offsets and stats in one transaction', () => {
    const { store, id } = setup();
    store.saveRun(run(id, 1));
    store.appendLogs(
      id,
      [entry('x'), entry('y', 'text', 'stderr')],
      { run_no: 1, offsets: { stdout: 2, stderr: 2 } },
      {
        turns: 1,
        tokens_in: 10,
        tokens_out: 5,
        cost_usd: 0.25,
        last_message: 'first',
      },
    );
    store.appendLogs(
      id,
      [entry('z')],
      { run_no: 1, offsets: { stdout: 4, stderr: 2 } },
      {
        turns: 2,
        tokens_in: 1,
        cost_usd: 0.5,
        files_changed: 3,
      },
    );
    expect(store.getRun(id)!.offsets).toEqual({ stdout: 4, stderr: 2 });
    expect(store.getCoder(id)!.stats).toEqual({
      turns: 3,
      tokens_in: 11,
      tokens_out: 5,
      cost_usd: 0.75,
      cost_estimated: false,
      files_changed: 3,
      last_message: 'first',
    });
    store.appendLogs(id, [], undefined, { files_changed: 1, last_message: null });
    expect(store.getCoder(id)!.stats).toMatchObject({ files_changed: 1, last_message: null, turns: 3 });
    store.close();
  });

  it('a failure mid-batch leaves nothing partial: no entries, offsets or stats', () => {
    const { store, id } = setup();
    store.saveRun(run(id, 1));
    store.appendLogs(id, [entry('ok-1')], { run_no: 1, offsets: { stdout: 5, stderr: 0 } }, { turns: 1 });
    const before = { logs: store.readLogs(id, {}), run: store.getRun(id), coder: store.getCoder(id) };

    // 300 entries, one of them bad: none is stored.
    const batch = Array.from({ length: 300 }, (_, i) => entry(`line ${i}`));
    batch[280] = { ...entry('bad'), stream: 'bogus' as NewLogEntry['stream'] };
    expect(() =>
      store.appendLogs(
        id,
        batch,
        { run_no: 1, offsets: { stdout: 9999, stderr: 9 } },
        { turns: 5, cost_usd: 1 },
      ),
    ).toThrow(/stream must be/);
    const nullText = [entry('fine'), { ...entry('x'), text: null as unknown as string }];
    expect(() => store.appendLogs(id, nullText, { run_no: 1, offsets: { stdout: 9999, stderr: 9 } })).toThrow(
      /text must be/,
    );
    // Offsets for a run that does not exist: the entries already inserted are rolled back too.
    let err: unknown;
    try {
      store.appendLogs(id, [entry('orphan')], { run_no: 7, offsets: { stdout: 1, stderr: 1 } }, { turns: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AicoderError);
    expect((err as AicoderError).code).toBe('not_found');

    expect(store.readLogs(id, {})).toEqual(before.logs);
    expect(store.getRun(id)).toEqual(before.run);
    expect(store.getCoder(id)).toEqual(before.coder);
    expect(store.lastSeq(id)).toBe(1);
    // The next good batch continues right after the last committed seq.
    expect(store.appendLogs(id, [entry('ok-2')])[0]!.seq).toBe(2);
    store.close();
  });

  it('refuses entries for an unknown coder', () => {
    const { store } = setup();
    expect(() => store.appendLogs('nope', [entry('x')])).toThrow(/no coder with id nope/);
    expect(store.lastLogId()).toBe(0);
    store.close();
  });
});

describe('readLogs', () => {
  function seeded() {
    const { store, id } = setup();
    const kinds = ['text', 'tool_use', 'assistant', 'text', 'error'];
    store.appendLogs(
      id,
      Array.from({ length: 50 }, (_, i) => entry(`l${i + 1}`, kinds[i % kinds.length])),
    );
    return { store, id };
  }
  const seqs = (xs: { seq: number }[]) => xs.map((e) => e.seq);

  it('since_seq, limit (default 1000) and oldest-first order', () => {
    const { store, id } = seeded();
    const all = store.readLogs(id, {});
    expect(seqs(all)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(all[0]).toEqual({
      coder_id: id,
      seq: 1,
      ts: '2025-01-01T00:00:00.000Z',
      stream: 'stdout',
      kind: 'text',
      text: 'l1',
    });
    expect(seqs(store.readLogs(id, { since_seq: 45 }))).toEqual([46, 47, 48, 49, 50]);
    expect(seqs(store.readLogs(id, { since_seq: 10, limit: 3 }))).toEqual([11, 12, 13]);
    expect(store.readLogs(id, { since_seq: 50 })).toEqual([]);
    expect(store.readLogs('unknown', {})).toEqual([]);

    const many = setup();
    many.store.appendLogs(
      many.id,
      Array.from({ length: 1200 }, (_, i) => entry(`x${i}`)),
    );
    expect(many.store.readLogs(many.id, {})).toHaveLength(1000);
    many.store.close();
    store.close();
  });

  it('tail returns the last N after filters, oldest first, ignoring limit', () => {
    const { store, id } = seeded();
    expect(seqs(store.readLogs(id, { tail: 3 }))).toEqual([48, 49, 50]);
    expect(seqs(store.readLogs(id, { tail: 3, limit: 1 }))).toEqual([48, 49, 50]);
    expect(seqs(store.readLogs(id, { tail: 100 }))).toHaveLength(50);
    expect(store.readLogs(id, { tail: 0 })).toEqual([]);
    expect(seqs(store.readLogs(id, { tail: 2, kinds: ['error'] }))).toEqual([45, 50]);
    expect(seqs(store.readLogs(id, { tail: 4, since_seq: 48 }))).toEqual([49, 50]);
    store.close();
  });

  it('kinds filter, alone and combined with since_seq', () => {
    const { store, id } = seeded();
    const tools = store.readLogs(id, { kinds: ['tool_use'] });
    expect(tools.every((e) => e.kind === 'tool_use')).toBe(true);
    expect(seqs(tools)).toEqual([2, 7, 12, 17, 22, 27, 32, 37, 42, 47]);
    expect(seqs(store.readLogs(id, { kinds: ['tool_use', 'error'], since_seq: 40 }))).toEqual([
      42, 45, 47, 50,
    ]);
    expect(store.readLogs(id, { kinds: ['nothing'] })).toEqual([]);
    expect(store.readLogs(id, { kinds: [] })).toHaveLength(50); // empty filter = no filter
    store.close();
  });

  it('rejects negative or fractional numbers with invalid_input', () => {
    const { store, id } = seeded();
    for (const q of [{ tail: -1 }, { limit: 0 }, { since_seq: 1.5 }]) {
      expect(() => store.readLogs(id, q)).toThrow(AicoderError);
    }
    store.close();
  });
});

describe('bulk ingestion', () => {
  it('ingests 200k lines in batches of 1000 with offsets, all retrievable in order', () => {
    const { store, id } = setup();
    store.saveRun(run(id, 1));
    const total = 200_000;
    const batch = 1000;
    const pad = 'x'.repeat(80);
    let offset = 0;
    let bytes = 0;
    const t0 = process.hrtime.bigint();
    for (let b = 0; b < total / batch; b++) {
      const entries: NewLogEntry[] = new Array<NewLogEntry>(batch);
      for (let i = 0; i < batch; i++) {
        const n = b * batch + i + 1;
        const text = `line ${n} ${pad}`;
        bytes += text.length + 1;
        entries[i] = { ts: '2025-01-01T00:00:00.000Z', stream: 'stdout', kind: 'text', text };
      }
      offset = bytes;
      const stored = store.appendLogs(
        id,
        entries,
        { run_no: 1, offsets: { stdout: offset, stderr: 0 } },
        { turns: 1 },
      );
      if (stored.length !== batch || stored[0]!.seq !== b * batch + 1) throw new Error(`bad batch ${b}`);
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(
      `store ingest: ${total} lines (${(bytes / 1e6).toFixed(1)} MB) in ${secs.toFixed(2)} s = ` +
        `${Math.round(total / secs)} lines/s, ${(bytes / 1e6 / secs).toFixed(1)} MB/s`,
    );

    expect(store.lastSeq(id)).toBe(total);
    expect(store.getRun(id)!.offsets).toEqual({ stdout: bytes, stderr: 0 });
    expect(store.getCoder(id)!.stats.turns).toBe(total / batch);
    expect(store.readLogs(id, { tail: 2 }).map((e) => e.text)).toEqual([
      `line ${total - 1} ${pad}`,
      `line ${total} ${pad}`,
    ]);
    // Every line present exactly once, in order: walk the whole log in pages.
    let since = 0;
    let count = 0;
    for (;;) {
      const page = store.readLogs(id, { since_seq: since, limit: 5000 });
      if (page.length === 0) break;
      for (const e of page) {
        count += 1;
        if (e.seq !== count || e.text !== `line ${count} ${pad}`) throw new Error(`mismatch at ${count}`);
      }
      since = page.at(-1)!.seq;
    }
    expect(count).toBe(total);
    const ids = store.logsAfter(0, total + 10).map((e) => e.id);
    expect(ids).toHaveLength(total);
    expect(ids.at(-1)! - ids[0]!).toBe(total - 1);
    store.close();
  });
});
