/**
 * Big trees, a running coder: the worktree's watcher costs O(changes), not O(tree). A coder runs in a
 * worktree with AICODER_WATCH_FILES (default 50,000; 200,000 measured) untracked files, writes three files and waits;
 * the watcher sees them (files_changed counts them while the agent still runs), /health keeps
 * answering under 100 ms (p95) the whole time, and the daemon's RSS stays far from the 1.3 GB the
 * recursive chokidar watcher took. Latencies and peak RSS are printed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { makeHome, startDaemon } from '../helpers/daemon.js';
import { generateFiles, percentile, tempOnTmpfs } from '../helpers/big-tree.js';

// 50,000 in the normal suite (about 20 s); AICODER_WATCH_FILES=200000 for the full figure.
const FILES = Number(process.env.AICODER_WATCH_FILES ?? 50_000);
const PER_DIR = 1000;

// The home and daemon a test makes end when it finishes (test/helpers/daemon.ts).
afterAll(cleanupTemp);

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

describe('big trees', () => {
  it(
    `big tree watcher: a coder running in ${FILES} untracked files; its changes are seen, /health stays under 100 ms, RSS stays low`,
    async () => {
      tempOnTmpfs();
      const h = await makeHome({
        providers: [
          {
            name: 'writer',
            description: 'writes three files, then waits',
            command: ['bash', '-c', 'for i in 1 2 3; do echo $i > late$i.txt; done; exec sleep 600'],
            parser: 'text',
          },
        ],
        config: { default_provider: 'writer' },
      });
      const d = await startDaemon(h);
      const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
      const repo = makeRepo({ 'README.md': '# big\n' });
      const c = await client.create({ task: 'write', repo, autostart: false });
      await generateFiles(c.workspace, FILES, PER_DIR);
      const rssBefore = rssMiB(d.pid);

      const latencies: number[] = [];
      let rssPeak = rssBefore;
      let stop = false;
      const sampler = (async () => {
        while (!stop) {
          const t0 = performance.now();
          await (await fetch(`${h.baseUrl}/health`)).text();
          latencies.push(performance.now() - t0);
          rssPeak = Math.max(rssPeak, rssMiB(d.pid));
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      try {
        const t0 = performance.now();
        await client.control(c.id, { action: 'start' });
        await waitFor(
          async () => {
            const s = await client.get(c.id);
            if (s.state !== 'running') throw new Error(`coder ended: ${s.state} ${s.error ?? ''}`);
            return s.stats.files_changed === FILES + 3;
          },
          {
            what: 'files_changed counting the agent files while it runs',
            timeoutMs: 240_000,
            intervalMs: 250,
          },
        );
        console.log(
          `big tree watcher: the running coder's files_changed was right after ${(performance.now() - t0).toFixed(0)} ms`,
        );
      } finally {
        stop = true;
        await sampler;
      }
      await client.control(c.id, { action: 'stop' });

      const p95 = percentile(latencies, 95);
      console.log(
        `big tree watcher: ${FILES} files, ${latencies.length} /health samples, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p95 ${p95.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; daemon RSS ${rssBefore.toFixed(0)} MiB before, ` +
          `peak ${rssPeak.toFixed(0)} MiB`,
      );
      expect(latencies.length).toBeGreaterThan(10);
      // 100 ms on a machine that is not overloaded; at a load of 25 on 2 cores even a bare server's
      // answers queue behind other processes, so the bound scales with the load (the fault this guards
      // against was a 25 s freeze of the event loop).
      expect(p95).toBeLessThan(scaled(100));
      expect(rssPeak).toBeLessThan(600);
      await client.control(c.id, { action: 'remove', force: true });
    },
    scaled(400_000),
  );
});
