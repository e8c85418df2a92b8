import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import { latestVersion, migrate, MIGRATIONS, openStore, type Migration } from '../../src/store/index.js';
import { cleanupTemp } from '../helpers/env.js';
import { freshStore, makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

function tables(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
  } finally {
    db.close();
  }
}

function pragma(dbPath: string, name: string): unknown {
  const db = new Database(dbPath);
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('creates the schema on a fresh file (and its parent dir) in WAL mode', () => {
    const { store, dbPath } = freshStore();
    store.close();
    expect(existsSync(dbPath)).toBe(true);
    expect(tables(dbPath)).toEqual(
      expect.arrayContaining(['coders', 'events', 'log_chunks', 'log_ids', 'runs']),
    );
    expect(pragma(dbPath, 'user_version')).toBe(latestVersion());
    expect(pragma(dbPath, 'journal_mode')).toBe('wal');
  });

  it('reopening is idempotent and keeps the data', () => {
    const { store, dbPath } = freshStore();
    const c = makeCoder();
    store.insertCoder(c);
    store.close();

    const again = openStore(dbPath);
    expect(again.getCoder(c.id)).toEqual(c);
    again.close();

    const raw = new Database(dbPath);
    expect(migrate(raw)).toEqual([]);
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion());
    raw.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const { store, dbPath } = freshStore();
    store.close();
    const raw = new Database(dbPath);
    raw.pragma('user_version = 99');
    raw.close();

    let err: unknown;
    try {
      openStore(dbPath);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AicoderError);
    expect((err as AicoderError).code).toBe('not_supported');
    expect((err as AicoderError).message).toMatch(
      new RegExp(`schema version 99, newer than this aicoder supports \\(${latestVersion()}\\)`),
    );
    expect(pragma(dbPath, 'user_version')).toBe(99);
  });

  it('applies only pending migrations, each atomically with its version bump', () => {
    const { store, dbPath } = freshStore();
    store.close();
    const db = new Database(dbPath);
    const next = latestVersion() + 1;
    const m2: Migration = { version: next, up: (d) => d.exec('CREATE TABLE extra (x INTEGER)') };
    const bad: Migration = {
      version: next + 1,
      up: (d) => {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom in migration 3');
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, m2, bad])).toThrow(/boom in migration 3/);
    expect(db.pragma('user_version', { simple: true })).toBe(next);
    const names = (
      db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]
    ).map((r) => r.name);
    expect(names).toContain('extra');
    expect(names).not.toContain('half_done');
    expect(migrate(db, [...MIGRATIONS, m2])).toEqual([]);
    db.close();
  });

  it('rejects a migration list that is not numbered 1, 2, 3, …', () => {
    const { store, dbPath } = freshStore();
    store.close();
    const db = new Database(dbPath);
    const gap: Migration = { version: latestVersion() + 2, up: () => {} };
    expect(() => migrate(db, [...MIGRATIONS, gap])).toThrow(/versions must be 1, 2, 3/);
    db.close();
  });
});
