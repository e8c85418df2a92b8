import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import type { RunRecord } from '../../src/core/ports.js';
import { openStore } from '../../src/store/index.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';
import { freshStore, makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

function run(coderId: string, runNo: number, pid = 100 + runNo): RunRecord {
  return {
    coder_id: coderId,
    run_no: runNo,
    pid,
    pgid: pid,
    start_time: `${5000 + runNo}`,
    run_dir: `/tmp/r/${coderId}/run-${runNo}`,
    offsets: { stdout: runNo * 10, stderr: runNo },
  };
}

describe('runs', () => {
  it('saves, upserts, returns the latest run and deletes', () => {
    const { store } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    expect(store.getRun(c.id)).toBeUndefined();
    store.saveRun(run(c.id, 2));
    store.saveRun(run(c.id, 1));
    expect(store.getRun(c.id)).toEqual(run(c.id, 2));
    const moved = { ...run(c.id, 2, 777), offsets: { stdout: 123456789012, stderr: 5 } };
    store.saveRun(moved);
    expect(store.getRun(c.id)).toEqual(moved);
    store.deleteRuns(c.id);
    expect(store.getRun(c.id)).toBeUndefined();

    let err: unknown;
    try {
      store.saveRun(run('missing', 1));
    } catch (e) {
      err = e;
    }
    expect((err as AicoderError).code).toBe('not_found');
    store.close();
  });
});

describe('events', () => {
  it('appends with increasing ids, clock timestamps and JSON payloads; reads after an id', () => {
    const dir = tempDir();
    let t = Date.parse('2025-06-01T12:00:00.000Z');
    const store = openStore(join(dir, 'a.db'), { clock: { now: () => new Date((t += 1000)) } });
    expect(store.lastEventId()).toBe(0);
    const e1 = store.appendEvent('coder.created', 'c1', { coder: { id: 'c1', n: [1, 2], x: null } });
    const e2 = store.appendEvent('coder.state', 'c1', { from: 'created' });
    const e3 = store.appendEvent('coder.removed', 'gone', undefined);
    expect(e1).toEqual({
      id: e1.id,
      type: 'coder.created',
      coder_id: 'c1',
      payload: { coder: { id: 'c1', n: [1, 2], x: null } },
      ts: '2025-06-01T12:00:01.000Z',
    });
    expect(e2.id).toBeGreaterThan(e1.id);
    expect(e3.payload).toBeNull();
    expect(store.eventsAfter(0, 100)).toEqual([e1, e2, e3]);
    expect(store.eventsAfter(e1.id, 1)).toEqual([e2]);
    expect(store.eventsAfter(e3.id, 10)).toEqual([]);
    expect(store.lastEventId()).toBe(e3.id);
    expect(() => store.eventsAfter(0, 0)).toThrow(AicoderError);
    store.close();
  });
});

describe('concurrent access', () => {
  it('a second connection on the same file reads and continues what the first wrote', () => {
    const { store: a, dbPath } = freshStore();
    const b = openStore(dbPath);
    const c = makeCoder();
    a.insertCoder(c);
    expect(b.getCoder(c.id)).toEqual(c);

    const line = (text: string) => ({ ts: 't', stream: 'stdout' as const, kind: 'text', text });
    for (let i = 0; i < 20; i++) {
      (i % 2 === 0 ? a : b).appendLogs(c.id, [line(`l${i}a`), line(`l${i}b`)]);
    }
    for (const s of [a, b]) {
      const logs = s.readLogs(c.id, {});
      expect(logs.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(logs[2]!.text).toBe('l1a');
    }
    b.saveCoder({ ...c, state: 'running', pid: 99 });
    expect(a.getCoder(c.id)!.state).toBe('running');
    b.deleteCoder(c.id);
    expect(a.getCoder(c.id)).toBeUndefined();
    a.close();
    b.close();
  });

  it('waits for another process holding the write lock (busy_timeout) instead of failing', async () => {
    const { store, dbPath, dir } = freshStore();
    const release = join(dir, 'release');
    const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');
    // The child holds the write lock until told to let go, then 250 ms more (while we wait on it).
    const script = `
      const fs = require('node:fs');
      const Database = require(${JSON.stringify(sqlitePath)});
      const db = new Database(${JSON.stringify(dbPath)});
      const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO events (type, coder_id, payload, ts) VALUES ('held', 'x', 'null', 't')").run();
      process.stdout.write('locked\\n');
      const deadline = Date.now() + 15000;
      while (!fs.existsSync(${JSON.stringify(release)}) && Date.now() < deadline) pause(5);
      pause(250);
      db.exec('COMMIT');
      db.close();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('locked')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited before locking: ${out}`)));
    });

    const impatient = openStore(dbPath, { busyTimeoutMs: 0 });
    expect(() => impatient.appendEvent('mine', 'x', null)).toThrow(/locked|busy/i);
    impatient.close();

    writeFileSync(release, '');
    const started = Date.now();
    const mine = store.appendEvent('mine', 'x', null); // blocks until the child commits
    expect(Date.now() - started).toBeGreaterThan(100);
    expect(await exited).toBe(0);
    expect(store.eventsAfter(0, 10).map((e) => e.type)).toEqual(['held', 'mine']);
    expect(mine.id).toBe(store.lastEventId());
    store.close();
  });
});
