/** A damaged or read-only database refuses to open with a clear error instead of starting half-working. */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';
import { damageLogsPages } from '../reliability/damaged-db.js';
import { makeCoder } from './fixtures.js';

afterAll(cleanupTemp);

/** A store with one coder and enough log lines that the logs table spans pages of its own. */
function filledStore(dir: string): string {
  const path = join(dir, 'aicoder.db');
  const store = openStore(path);
  const c = makeCoder();
  store.insertCoder(c);
  for (let i = 0; i < 20; i++) {
    store.appendLogs(
      c.id,
      Array.from({ length: 100 }, (_, k) => ({
        ts: '2025-01-01T00:00:00.000Z',
        stream: 'stdout' as const,
        kind: 'raw',
        text: `line ${i * 100 + k} ${'x'.repeat(60)}`,
      })),
    );
  }
  store.close();
  return path;
}

describe('opening the database', () => {
  it('refuses a database whose logs pages hold random bytes, naming the file and what to do', () => {
    const path = filledStore(tempDir());
    expect(damageLogsPages(path)).toBeGreaterThan(0);
    expect(() => openStore(path)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^the database .*aicoder\.db is damaged .*Move it aside/),
      }),
    );
  });

  it('refuses a file that is not a database', () => {
    const path = join(tempDir(), 'aicoder.db');
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.from('this is not sqlite'.repeat(300)));
    closeSync(fd);
    expect(() => openStore(path)).toThrow(/is damaged/);
  });

  it('refuses a read-only database (read-only filesystem as root, modes otherwise)', () => {
    const dir = tempDir();
    const mnt = join(dir, 'ro');
    mkdirSync(mnt);
    const root = process.getuid?.() === 0;
    if (root) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    try {
      const path = filledStore(mnt);
      if (root) execFileSync('mount', ['-o', 'remount,ro', mnt]);
      else {
        chmodSync(path, 0o444);
        chmodSync(mnt, 0o555);
      }
      expect(() => openStore(path)).toThrow(
        expect.objectContaining({ message: expect.stringMatching(/^the database .* cannot be written \(/) }),
      );
    } finally {
      if (root) execFileSync('umount', [mnt]);
      else chmodSync(mnt, 0o755);
    }
  });

  it('opens a sound database as before', () => {
    const path = filledStore(tempDir());
    const store = openStore(path);
    expect(store.listCoders({}).coders ?? store.listCoders({})).toBeTruthy();
    store.close();
  });
});
