import { afterAll, describe, expect, it } from 'vitest';
import type { Coder, CoderState } from '../../src/core/coder.js';
import { AicoderError } from '../../src/core/errors.js';
import type { CoderStore, ListCodersQuery } from '../../src/core/ports.js';
import { cleanupTemp } from '../helpers/env.js';
import { freshStore, makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof AicoderError) return e.code;
    throw e;
  }
  return undefined;
}

describe('coders', () => {
  it('keeps warnings (worktree warnings: git-lfs missing, submodule not cloned) in order', () => {
    const { store } = freshStore();
    const c = makeCoder({ warnings: ['git-lfs is not installed', 'submodule vendor/lib: 日本 ✅'] });
    store.insertCoder(c);
    expect(store.getCoder(c.id)!.warnings).toEqual(c.warnings);
    expect(store.saveCoder({ ...c, warnings: [] }).warnings).toEqual([]);
    expect(store.getCoder(c.id)!.warnings).toEqual([]);
  });

  it('inserts, gets, saves and deletes plain records (nulls stay null)', () => {
    const { store } = freshStore();
    const c = makeCoder({ model: null, pid: null });
    store.insertCoder(c);
    const got = store.getCoder(c.id);
    expect(got).toEqual(c);
    expect(got!.model).toBeNull();
    expect(got!.stats.last_message).toBeNull();
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);

    const updated: Coder = {
      ...c,
      state: 'running',
      pid: 4242,
      model: 'sonnet',
      session_id: 'sess-1',
      started_at: '2025-01-01T00:01:00.000Z',
      updated_at: '2025-01-01T00:01:00.000Z',
      stats: {
        turns: 3,
        tokens_in: 100,
        tokens_out: 50,
        cost_usd: 0.125,
        cost_estimated: false,
        files_changed: 2,
        last_message: 'hi',
      },
    };
    expect(store.saveCoder(updated)).toEqual(updated);
    expect(store.getCoder(c.id)).toEqual(updated);

    expect(codeOf(() => store.insertCoder(c))).toBe('conflict');
    expect(codeOf(() => store.saveCoder(makeCoder()))).toBe('not_found');
    expect(codeOf(() => store.insertCoder(makeCoder({ state: 'bogus' as CoderState })))).toBe(
      'invalid_input',
    );

    store.deleteCoder(c.id);
    expect(store.getCoder(c.id)).toBeUndefined();
    store.deleteCoder(c.id); // unknown id: no-op
    store.close();
  });

  it('deleteCoder removes logs and runs but keeps events', () => {
    const { store } = freshStore();
    const a = makeCoder();
    const b = makeCoder();
    store.insertCoder(a);
    store.insertCoder(b);
    store.saveRun({
      coder_id: a.id,
      run_no: 1,
      pid: 10,
      pgid: 10,
      start_time: '123',
      run_dir: '/tmp/r1',
      offsets: { stdout: 0, stderr: 0 },
    });
    const line = { ts: 't', stream: 'stdout' as const, kind: 'text', text: 'x' };
    store.appendLogs(a.id, [line, line]);
    store.appendLogs(b.id, [line]);
    store.appendEvent('coder.created', a.id, { id: a.id });

    store.deleteCoder(a.id);
    expect(store.getCoder(a.id)).toBeUndefined();
    expect(store.readLogs(a.id, {})).toEqual([]);
    expect(store.lastSeq(a.id)).toBe(0);
    expect(store.getRun(a.id)).toBeUndefined();
    expect(store.readLogs(b.id, {})).toHaveLength(1);
    expect(store.eventsAfter(0, 10).map((e) => e.coder_id)).toEqual([a.id]);
    store.close();
  });

  it('finds by id prefix: unique, ambiguous, none, with LIKE metacharacters taken literally', () => {
    const { store } = freshStore();
    for (const id of ['abc123', 'abd456', 'abd789', 'x%_y', 'xyz']) store.insertCoder(makeCoder({ id }));
    expect(store.findByIdPrefix('abc').map((c) => c.id)).toEqual(['abc123']);
    expect(store.findByIdPrefix('abd').map((c) => c.id)).toEqual(['abd456', 'abd789']);
    expect(store.findByIdPrefix('ab').map((c) => c.id)).toEqual(['abc123', 'abd456']); // default limit 2
    expect(store.findByIdPrefix('ab', 10)).toHaveLength(3);
    expect(store.findByIdPrefix('abe')).toEqual([]);
    expect(store.findByIdPrefix('abc1234')).toEqual([]);
    expect(store.findByIdPrefix('abc123').map((c) => c.id)).toEqual(['abc123']);
    expect(store.findByIdPrefix('x%').map((c) => c.id)).toEqual(['x%_y']);
    expect(store.findByIdPrefix('x_')).toEqual([]);
    store.close();
  });

  it('codersInStates returns matches oldest first', () => {
    const { store } = freshStore();
    const made = (['queued', 'running', 'queued', 'completed', 'paused'] as const).map((state) =>
      makeCoder({ state }),
    );
    for (const c of made) store.insertCoder(c);
    expect(store.codersInStates(['queued', 'paused']).map((c) => c.id)).toEqual(
      [made[0]!, made[2]!, made[4]!].map((c) => c.id),
    );
    expect(store.codersInStates([])).toEqual([]);
    store.close();
  });
});

describe('listCoders pagination', () => {
  const states: CoderState[] = ['running', 'completed', 'queued'];
  function seed(store: CoderStore, n: number): Coder[] {
    const out: Coder[] = [];
    for (let i = 0; i < n; i++) {
      const c = makeCoder({ state: states[i % 3]!, repo: i % 2 === 0 ? '/repo/a' : '/repo/b' });
      store.insertCoder(c);
      out.push(c);
    }
    return out;
  }

  /** Walks every page, inserting `between` new coders after each page. */
  function walk(store: CoderStore, q: ListCodersQuery, between: () => void) {
    const ids: string[] = [];
    const totals: number[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = store.listCoders({ ...q, ...(cursor === undefined ? {} : { cursor }) });
      ids.push(...page.coders.map((c) => c.id));
      totals.push(page.total);
      if (page.next_cursor === null) return { ids, totals };
      cursor = page.next_cursor;
      between();
    }
    throw new Error('pagination did not end');
  }

  it('pages 45 coders newest first with stable cursors while new coders arrive', () => {
    const { store } = freshStore();
    const seeded = seed(store, 45);
    const first = store.listCoders({});
    expect(first.coders).toHaveLength(20); // default limit
    expect(first.total).toBe(45);

    const { ids, totals } = walk(store, { limit: 10 }, () =>
      store.insertCoder(makeCoder({ state: 'running' })),
    );
    expect(ids).toEqual(seeded.map((c) => c.id).reverse());
    expect(totals[0]).toBe(45);
    expect(totals.at(-1)).toBe(49); // four inserted between five pages

    // The same cursor gives the same page again.
    const p1 = store.listCoders({ limit: 7 });
    const p2a = store.listCoders({ limit: 7, cursor: p1.next_cursor! });
    store.insertCoder(makeCoder());
    const p2b = store.listCoders({ limit: 7, cursor: p1.next_cursor! });
    expect(p2b.coders).toEqual(p2a.coders);
    store.close();
  });

  it('filters by states and repo, with total counting the filtered set', () => {
    const { store } = freshStore();
    const seeded = seed(store, 45);
    const q: ListCodersQuery = { states: ['running', 'queued'], repo: '/repo/a', limit: 4 };
    const expected = seeded
      .filter((c) => (c.state === 'running' || c.state === 'queued') && c.repo === '/repo/a')
      .map((c) => c.id)
      .reverse();
    const { ids, totals } = walk(store, q, () => {
      store.insertCoder(makeCoder({ state: 'queued', repo: '/repo/a' }));
      store.insertCoder(makeCoder({ state: 'completed', repo: '/repo/a' }));
    });
    expect(ids).toEqual(expected);
    expect(totals[0]).toBe(expected.length);
    expect(totals.at(-1)).toBe(expected.length + totals.length - 1);

    expect(store.listCoders({ states: ['completed'] }).total).toBe(15 + totals.length - 1);
    expect(store.listCoders({ repo: '/repo/b', limit: 100 }).coders.every((c) => c.repo === '/repo/b')).toBe(
      true,
    );
    expect(store.listCoders({ states: [] })).toEqual({ coders: [], total: 0, next_cursor: null });
    expect(store.listCoders({ repo: '/nope' })).toEqual({ coders: [], total: 0, next_cursor: null });
    store.close();
  });

  it('rejects bad cursors and limits with invalid_input naming the field', () => {
    const { store } = freshStore();
    seed(store, 3);
    for (const cursor of ['', 'not a cursor', Buffer.from('-1').toString('base64url'), 'YWJj']) {
      let err: unknown;
      try {
        store.listCoders({ cursor });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AicoderError);
      expect((err as AicoderError).field).toBe('cursor');
    }
    expect(codeOf(() => store.listCoders({ limit: 0 }))).toBe('invalid_input');
    expect(codeOf(() => store.listCoders({ limit: 1.5 }))).toBe('invalid_input');
    store.close();
  });
});
