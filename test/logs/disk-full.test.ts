/**
 * A full disk: AICODER_HOME on a 3 MB tmpfs. While the disk is full the output cannot
 * be stored; the coder does not end `completed` with lines missing. Once space is back, the failed
 * batches are retried from the same offsets: every line is stored exactly once, and the coder ends.
 * Needs root (mount); skipped with the reason otherwise.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import {
  cleanupHome,
  makeHome,
  processesUnder,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { allStdout, api, checkLines } from '../reliability/suite.js';
import { scaled } from '../helpers/load.js';

const LINES = 3000;

function tryMount(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}

const mnt = tempDir('aicoder-tmpfs-');
const whyNot = tryMount(mnt);
if (whyNot !== null) console.warn(`[disk-full] skipped: cannot mount a 3 MB tmpfs (${whyNot})`);

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  if (whyNot === null) execFileSync('umount', ['-l', mnt]);
  cleanupTemp();
});

describe.skipIf(whyNot !== null)('disk full (3 MB tmpfs)', () => {
  it(
    'retries the failed batches from the same offsets once space is back: nothing skipped, no early end',
    async () => {
      const base = await makeHome({
        providers: [
          {
            name: 'burst',
            description: `waits for a file named go, then prints ${LINES} lines in one write`,
            command: [
              'bash',
              '-c',
              `seq -f 'line %g' 1 ${LINES} > "$TMPDIR/burst-$$"; until [ -e go ]; do sleep 0.02; done; cat "$TMPDIR/burst-$$"; rm -f "$TMPDIR/burst-$$"`,
            ],
            parser: 'text',
          },
        ],
      });
      // The same home, moved onto the small filesystem.
      const home = join(mnt, 'home');
      execFileSync('cp', ['-a', base.home, home]);
      h = { ...base, home, env: { ...base.env, AICODER_HOME: home, TMPDIR: tempDir('aicoder-burst-') } };
      d = await startDaemon(h);
      const repo = makeRepo();
      const c = await api<Coder>(h, 'POST', '/api/coders', { task: 'burst', repo, provider: 'burst' });
      await api(h, 'GET', `/api/coders/${c.id}/wait?for=running&timeout_ms=50000`);

      // Fill the disk, leaving room for the agent's output (written in one go) and little more.
      const out = Buffer.byteLength(Array.from({ length: LINES }, (_, i) => `line ${i + 1}\n`).join(''));
      const st = statfsSync(mnt);
      const free = st.bavail * st.bsize;
      const filler = join(mnt, 'filler');
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - out - 2 * st.bsize)));
      writeFileSync(join(c.workspace, 'go'), '');

      // The agent has printed everything and ended; the daemon cannot store it.
      await waitFor(() => processesUnder(c.workspace).length === 0, {
        what: 'the agent ended',
        timeoutMs: 60_000,
      });
      const during = await api<Coder>(h, 'GET', `/api/coders/${c.id}`);
      const storedDuring = (await allStdout(h, c.id)).length;
      expect(storedDuring).toBeLessThan(LINES);
      expect(during.state).toBe('running'); // not `completed` with lines missing

      // Space is back: everything arrives, once, in order, and the coder ends.
      rmSync(filler);
      const end = await api<{ coder: Coder }>(
        h,
        'GET',
        `/api/coders/${c.id}/wait?for=terminal&timeout_ms=50000`,
      );
      expect(end.coder.state).toBe('completed');
      const lines = await allStdout(h, c.id);
      expect(checkLines(lines, LINES)).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
      expect(lines).toHaveLength(LINES);
    },
    scaled(180_000),
  );
});
