/**
 * The coder cache (store/coder-cache.ts) answers exactly what SQL answers: a cached store and an
 * uncached store on the same file run the same reads after every write of a random sequence (through
 * the cached store, and some through a third connection, which the cache learns of by data_version).
 */
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CODER_STATES, type Coder, type CoderState } from '../../src/core/coder.js';
import type { CoderStore, ListCodersQuery } from '../../src/core/ports.js';
import { openStore } from '../../src/store/index.js';
import { cleanupTemp } from '../helpers/env.js';
import { freshStore, makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

/** A small deterministic PRNG (mulberry32), so a failure repeats. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPOS = ['/r/one', '/r/two', '/r/ünï 😀'];
const GROUPS = [null, 'g1', 'g2'];

/** Every read the cache answers, as one comparable value. */
function reads(s: CoderStore, ids: readonly string[]): unknown {
  const out: unknown[] = [];
  const stateSets: (readonly CoderState[] | undefined)[] = [
    undefined,
    [],
    ['running'],
    ['created', 'failed', 'needs_input'],
    [...CODER_STATES],
  ];
  for (const states of stateSets) {
    for (const repo of [undefined, ...REPOS, '/r/none']) {
      for (const limit of [undefined, 1, 3, 100]) {
        const q: ListCodersQuery = {
          ...(states ? { states } : {}),
          ...(repo !== undefined ? { repo } : {}),
          ...(limit !== undefined ? { limit } : {}),
        };
        // Walk every page by cursor.
        for (let page = s.listCoders(q), n = 0; ; n++) {
          out.push(page);
          if (page.next_cursor === null || n > 200) break;
          page = s.listCoders({ ...q, cursor: page.next_cursor });
        }
      }
    }
  }
  for (const id of [...ids, 'nope']) out.push(s.getCoder(id) ?? null);
  for (const p of ['', 'c', ids[0]?.slice(0, 4) ?? 'x', ids.at(-1) ?? 'y', 'zz']) {
    out.push(s.findByIdPrefix(p, 5));
  }
  out.push(s.codersInStates(['created', 'running']), s.codersInStates([...CODER_STATES]));
  for (const g of GROUPS) if (g !== null) out.push(s.groupMembers(g));
  return out;
}

describe('coder cache', () => {
  it('answers every list, get, prefix, state and group read exactly like SQL after random writes', () => {
    const { store: cached, dbPath } = freshStore();
    const sql = openStore(dbPath, { coderCache: false });
    const other = openStore(dbPath, { coderCache: false });
    const rnd = prng(16);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    const ids: string[] = [];
    const live = (): string | undefined => (ids.length ? pick(ids) : undefined);
    let checks = 0;
    for (let step = 0; step < 300; step++) {
      const r = rnd();
      // Through the cached store mostly, through another connection sometimes.
      const w = rnd() < 0.2 ? other : cached;
      const id = live();
      if (r < 0.3 || id === undefined) {
        const c = makeCoder({
          repo: pick(REPOS),
          state: pick(CODER_STATES),
          group_id: pick(GROUPS),
          warnings: rnd() < 0.3 ? ['w'] : [],
        });
        w.insertCoder(c);
        ids.push(c.id);
      } else if (r < 0.5) {
        const cur = sql.getCoder(id)!;
        w.saveCoder({
          ...cur,
          state: pick(CODER_STATES),
          repo: rnd() < 0.2 ? pick(REPOS) : cur.repo,
          group_id: rnd() < 0.2 ? pick(GROUPS) : cur.group_id,
          question: rnd() < 0.3 ? 'which one?' : null,
          updated_at: new Date(1_700_000_000_000 + step).toISOString(),
        });
      } else if (r < 0.75) {
        // The log transaction's SQL-side stats arithmetic.
        w.appendLogs(id, [{ ts: 't', stream: 'stdout', kind: 'text', text: `line ${step}` }], undefined, {
          turns: 1,
          tokens_in: Math.floor(rnd() * 100),
          cost_usd: rnd() / 10,
          ...(rnd() < 0.2 ? { cost_estimated: true } : {}),
          ...(rnd() < 0.3 ? { files_changed: Math.floor(rnd() * 9) } : {}),
          ...(rnd() < 0.5 ? { last_message: `said ${step}` } : {}),
        });
      } else if (r < 0.85) {
        w.deleteCoder(id);
        ids.splice(ids.indexOf(id), 1);
      } else if (r < 0.9) {
        // Failed writes change nothing: a duplicate insert, an update or stats of an unknown coder.
        expect(() => w.insertCoder(makeCoder({ id }))).toThrow(/already exists/);
        expect(() => w.saveCoder(makeCoder({ id: 'gone-1' }))).toThrow(/no coder/);
        expect(() => w.appendLogs('gone-2', [], undefined, { turns: 1 })).toThrow(/no coder/);
      } else {
        expect(() => cached.listCoders({ cursor: 'not a cursor' })).toThrow(/cursor must be/);
      }
      if (step % 10 === 9 || step < 12) {
        expect(reads(cached, ids)).toEqual(reads(sql, ids));
        checks += 1;
      }
    }
    expect(checks).toBeGreaterThan(35);
    expect(ids.length).toBeGreaterThan(20);
    for (const s of [cached, sql, other]) s.close();
  });

  it('hands out copies: changing a returned record changes nothing stored', () => {
    const { store } = freshStore();
    const c = makeCoder({ warnings: ['first'], repo: '/r/copy' });
    store.insertCoder(c);
    const mutate = (x: Coder): void => {
      x.state = 'failed';
      x.stats.turns = 99;
      x.warnings.push('added');
      x.limits.max_turns = 5;
      x.sandbox.mode = 'bwrap';
    };
    mutate(store.getCoder(c.id)!);
    mutate(store.listCoders({}).coders[0]!);
    mutate(store.findByIdPrefix(c.id)[0]!);
    mutate(store.codersInStates(['created'])[0]!);
    mutate(store.saveCoder(c));
    expect(store.getCoder(c.id)).toEqual(c);
    expect(store.listCoders({ repo: '/r/copy', states: ['failed'] }).total).toBe(0);
    store.close();
  });

  it('sees a write by another process at once (data_version), and not before it commits', () => {
    const { store, dbPath } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    expect(store.getCoder(c.id)!.state).toBe('created');
    const raw = new Database(dbPath);
    raw.prepare("UPDATE coders SET state = 'running', turns = 7 WHERE id = ?").run(c.id);
    expect(store.getCoder(c.id)).toMatchObject({ state: 'running', stats: { turns: 7 } });
    expect(store.listCoders({ states: ['running'] }).total).toBe(1);
    raw.exec('BEGIN IMMEDIATE');
    raw.prepare("UPDATE coders SET state = 'failed' WHERE id = ?").run(c.id);
    expect(store.getCoder(c.id)!.state).toBe('running');
    raw.exec('COMMIT');
    expect(store.getCoder(c.id)!.state).toBe('failed');
    raw.prepare('DELETE FROM coders WHERE id = ?').run(c.id);
    expect(store.getCoder(c.id)).toBeUndefined();
    expect(store.listCoders({}).coders).toEqual([]);
    raw.close();
    store.close();
  });
});
