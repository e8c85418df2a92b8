/**
 * Crash: kill -9 the daemon while coders are writing, restart it, and check every coder ends and every
 * log line is stored exactly once, in order.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coder } from '../../src/core/coder.js';
import { makeHome, startDaemon, cleanupHome, type RunningDaemon } from '../helpers/daemon.js';
import { makeRepo, waitFor } from '../helpers/env.js';
import { RELIABILITY_PROVIDERS, allStdout, api, checkLines, say } from './suite.js';

export interface CrashFigures {
  coders: number;
  lines_per_coder: number;
  lines_before_kill: number;
  completed: number;
  lost: number;
  duplicated: number;
  out_of_order: number;
  restart_ms: number;
}

export async function crashScenario(opts: {
  coders: number;
  lines: number;
  delay: number;
}): Promise<CrashFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS, config: { max_concurrent: 64 } });
  let d: RunningDaemon | undefined;
  try {
    d = await startDaemon(h);
    const repo = makeRepo();
    const ids: string[] = [];
    const worktrees: string[] = [];
    // Each coder stops at its gate (half its lines) until the test lets it go, so that however slow
    // the machine, no coder has finished when the daemon is killed, and all of them are writing.
    const gate = Math.floor(opts.lines / 2);
    for (let i = 0; i < opts.coders; i++) {
      const c = await api<Coder>(h, 'POST', '/api/coders', {
        task: `${opts.lines} ${opts.delay} ${gate}`,
        repo,
        provider: 'lines',
      });
      ids.push(c.id);
      worktrees.push(c.workspace);
    }
    const before = await waitFor(
      async () => {
        const counts = await Promise.all(ids.map(async (id) => (await allStdout(h, id)).length));
        return counts.every((n) => n >= gate) ? counts.reduce((a, b) => a + b, 0) : 0;
      },
      { what: 'every coder at its gate', timeoutMs: 30_000 },
    );
    for (const w of worktrees) writeFileSync(join(w, 'go'), '');
    d.proc.kill('SIGKILL');
    await new Promise((r) => d!.proc.once('exit', r));

    const t0 = Date.now();
    d = await startDaemon(h);
    const restartMs = Date.now() - t0;
    const ended = await Promise.all(
      ids.map((id) =>
        api<{ coder: Coder }>(h, 'GET', `/api/coders/${id}/wait?for=terminal&timeout_ms=50000`),
      ),
    );
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    for (const id of ids) {
      const r = checkLines(await allStdout(h, id), opts.lines);
      lost += r.lost;
      duplicated += r.duplicated;
      outOfOrder += r.outOfOrder;
    }
    const figures: CrashFigures = {
      coders: opts.coders,
      lines_per_coder: opts.lines,
      lines_before_kill: before,
      completed: ended.filter((e) => e.coder.state === 'completed').length,
      lost,
      duplicated,
      out_of_order: outOfOrder,
      restart_ms: restartMs,
    };
    say('crash', { ...figures });
    return figures;
  } finally {
    await cleanupHome(h, d);
  }
}
