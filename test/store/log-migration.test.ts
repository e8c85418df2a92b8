/**
 * LOG_SEGMENTS_VERSION moves log rows (one SQLite row per entry) into segment files with a chunk
 * index. A database written the way of the version before is migrated, and every entry reads back the same:
 * seq, global id, ts, stream, kind, text; new entries continue after the old ones.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/core/coder.js';
import { LOG_SEGMENTS_VERSION, MIGRATIONS } from '../../src/store/migrations.js';
import { migrate, openStore } from '../../src/store/index.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

interface OldRow extends LogEntry {
  id: number;
}

/** A database of the schema before segments, with coders and logs inserted as its LogTable did (multi-row INSERTs per batch). */
function rowsDb(dbPath: string): { rows: OldRow[]; coders: string[] } {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const before = MIGRATIONS.filter((m) => m.version < LOG_SEGMENTS_VERSION);
  migrate(db, before);
  expect(db.pragma('user_version', { simple: true })).toBe(LOG_SEGMENTS_VERSION - 1);
  const coders = ['c-one', 'c-two', 'c-gone'];
  const insertCoder = db.prepare(
    `INSERT INTO coders (id, name, task, provider, repo, base_ref, base_commit, branch, workspace, state,
       created_at, updated_at) VALUES (?, ?, 'task', 'claude', '/r', 'main', ?, ?, ?, 'completed', ?, ?)`,
  );
  for (const id of coders) {
    insertCoder.run(
      id,
      id,
      'a'.repeat(40),
      `aicoder/${id}`,
      `/wt/${id}`,
      '2025-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    );
  }
  const seqs = new Map<string, number>();
  const batch = db.transaction((coder: string, entries: Omit<LogEntry, 'coder_id' | 'seq'>[]) => {
    const base = seqs.get(coder) ?? 0;
    const values = entries.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
    db.prepare(`INSERT INTO logs (coder_id, seq, ts, stream, kind, text) VALUES ${values}`).run(
      entries.flatMap((e, i) => [coder, base + i + 1, e.ts, e.stream, e.kind, e.text]),
    );
    seqs.set(coder, base + entries.length);
  });
  const texts = [
    'plain',
    '',
    'with\nnewline',
    'ends with cr\r',
    'tab\tand "quotes" \\ and 修复 🐛',
    'x'.repeat(70_000),
  ];
  for (let b = 0; b < 40; b++) {
    for (const coder of coders) {
      const n = 1 + ((b * 7 + coder.length) % 30);
      batch(
        coder,
        Array.from({ length: n }, (_, i) => ({
          ts: `2025-01-01T00:00:${String(b % 60).padStart(2, '0')}.000Z`,
          stream: (['stdout', 'stderr', 'system'] as const)[(b + i) % 3]!,
          kind: (['text', 'tool_call', 'message'] as const)[(b * i) % 3]!,
          text: `${b}/${i} ${texts[(b + i) % texts.length]!}`,
        })),
      );
    }
  }
  // A removed coder leaves a gap in the global ids.
  db.prepare("DELETE FROM logs WHERE coder_id = 'c-gone'").run();
  db.prepare("DELETE FROM coders WHERE id = 'c-gone'").run();
  const rows = db
    .prepare('SELECT id, coder_id, seq, ts, stream, kind, text FROM logs ORDER BY id')
    .all() as OldRow[];
  db.close();
  return { rows, coders: coders.slice(0, 2) };
}

describe('log migration (rows → segments)', () => {
  it('moves every row of a database made before segments into segments without loss, keeping seqs and ids', () => {
    const dir = tempDir('aicoder-logmig-');
    const dbPath = join(dir, 'aicoder.db');
    const { rows, coders } = rowsDb(dbPath);
    expect(rows.length).toBeGreaterThan(1000);

    const store = openStore(dbPath);
    try {
      const db = new Database(dbPath, { readonly: true });
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      ).map((r) => r.name);
      db.close();
      expect(tables).not.toContain('logs');
      expect(readdirSync(join(dir, 'logs')).sort()).toEqual(coders);

      // Per coder, all entries, whole texts (no cut) through readLogText and the page reads.
      for (const coder of coders) {
        const mine = rows.filter((r) => r.coder_id === coder);
        const read: LogEntry[] = [];
        for (let since = 0; ;) {
          const page = store.readLogPage(coder, {
            since_seq: since,
            limit: 97,
            entry_max_bytes: 1 << 20,
            max_bytes: 1 << 30,
          });
          read.push(...page.entries);
          if (page.entries.length === 0) break;
          since = page.entries.at(-1)!.seq;
        }
        expect(read).toEqual(mine.map(({ id: _id, ...e }) => e));
        expect(store.lastSeq(coder)).toBe(mine.at(-1)!.seq);
        expect(store.readLogs(coder, { tail: 3 })).toEqual(
          mine
            .slice(-3)
            .map(({ id: _id, ...e }) =>
              e.text.length > 16384 ? { ...e, text: expect.any(String), cut: expect.any(Object) } : e,
            ),
        );
      }
      // Global ids are kept (SSE cursors stay valid); the big texts are served cut.
      const after = store.logsAfter(0, 100_000);
      expect(after.map((e) => [e.id, e.coder_id, e.seq])).toEqual(rows.map((r) => [r.id, r.coder_id, r.seq]));
      const big = rows.find((r) => r.text.length > 16384)!;
      const served = after.find((e) => e.id === big.id)!;
      expect(served.cut).toEqual({ total_bytes: Buffer.byteLength(big.text), next_offset: 16384 });
      expect(store.readLogText(big.coder_id, big.seq, 0, 1 << 20)!.text).toBe(big.text);
      expect(store.lastLogId()).toBeGreaterThanOrEqual(rows.at(-1)!.id);

      // New entries continue after the old ones.
      const added = store.appendLogs(coders[0]!, [
        { ts: '2025-02-01T00:00:00.000Z', stream: 'stdout', kind: 'text', text: 'new' },
      ]);
      expect(added[0]!.seq).toBe(store.lastSeq(coders[0]!));
      expect(added[0]!.seq).toBe(rows.filter((r) => r.coder_id === coders[0]).at(-1)!.seq + 1);
      expect(added[0]!.id).toBeGreaterThan(Math.max(...rows.map((r) => r.id)));
    } finally {
      store.close();
    }
    // Reopening does not migrate again.
    const again = openStore(dbPath);
    expect(again.lastSeq(coders[1]!)).toBe(rows.filter((r) => r.coder_id === coders[1]).at(-1)!.seq);
    again.close();
    expect(existsSync(join(dir, 'logs', coders[0]!, '000001.seg'))).toBe(true);
  });
});
