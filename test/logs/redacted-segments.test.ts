/**
 * What is stored is redacted: a secret from the daemon's environment that an agent prints is in no
 * segment file, is served as [redacted], and the raw output files (which hold it) are removed once
 * every line is stored.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder, LogEntry } from '../../src/core/coder.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';
import { api } from '../reliability/suite.js';

const SECRET = 'sk-live-5f3a9c1e7b2d4f6a8c0e';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  cleanupTemp();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('redacted log segments', () => {
  it('stores and serves agent output without the secret, and drops the raw output at the end', async () => {
    const base = await makeHome({
      providers: [
        {
          name: 'leaky',
          description: 'prints its API key, on stdout and stderr, and many other lines',
          command: [
            'bash',
            '-c',
            'for i in $(seq 1 2000); do echo "line $i"; done; echo "key=$MY_API_KEY"; echo "err $MY_API_KEY" >&2; echo "tail $MY_API_KEY tail"',
          ],
          parser: 'text',
        },
      ],
    });
    h = { ...base, env: { ...base.env, MY_API_KEY: SECRET } };
    d = await startDaemon(h);
    const c = await api<Coder>(h, 'POST', '/api/coders', {
      task: 'leak',
      repo: makeRepo(),
      provider: 'leaky',
    });
    const end = await api<{ coder: Coder }>(
      h,
      'GET',
      `/api/coders/${c.id}/wait?for=terminal&timeout_ms=50000`,
    );
    expect(end.coder.state).toBe('completed');

    // Every entry: stdout and stderr are read by separate tailers, so the stderr line may be stored
    // before the stdout batch that ends with `line 2000` (seqs follow the order of ingestion).
    const { entries: all } = await api<{ entries: LogEntry[] }>(
      h,
      'GET',
      `/api/coders/${c.id}/logs?tail=3000`,
    );
    const texts = (stream: string) => all.filter((e) => e.stream === stream).map((e) => e.text);
    expect(texts('stdout').slice(-3)).toEqual(['line 2000', 'key=[redacted]', 'tail [redacted] tail']);
    expect(texts('stderr')).toEqual(['err [redacted]']);
    expect(end.coder.stats.last_message).toBe('tail [redacted] tail');

    const segments = filesUnder(join(h.home, 'logs', c.id));
    expect(segments.length).toBeGreaterThan(0);
    for (const f of segments) {
      const bytes = readFileSync(f);
      expect(bytes.includes(SECRET)).toBe(false);
      expect(bytes.includes('[redacted]')).toBe(true);
    }
    const runDir = join(h.home, 'coders', c.id, 'run-1');
    expect(existsSync(join(runDir, 'stdout.log'))).toBe(false);
    expect(existsSync(join(runDir, 'stderr.log'))).toBe(false);
    // Nothing else under the home holds it either (the database, events, segments).
    for (const f of filesUnder(h.home)) expect(readFileSync(f).includes(SECRET), f).toBe(false);
  });
});
