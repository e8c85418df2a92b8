/**
 * The home lock: a daemon that does not answer (SIGSTOP) keeps its home; a second `daemon run` and
 * the CLI's autostart refuse or wait instead of taking it; after kill -9 the lock is free at once.
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome, runCli, startDaemon, cleanupHome, type RunningDaemon } from '../helpers/daemon.js';
import { RELIABILITY_PROVIDERS, say } from './suite.js';
import { scaled } from '../helpers/load.js';

export interface HomeLockFigures {
  /** Exit code and first stderr line of `daemon run` while the owner is stopped. */
  second_code: number;
  second_stderr: string;
  /** Whether the stopped owner still answered /health after SIGCONT (it kept its home). */
  owner_alive_after: boolean;
  /** ms from kill -9 of the owner to a new daemon answering /health. */
  takeover_ms: number;
}

export async function homeLockScenario(): Promise<HomeLockFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS });
  let d: RunningDaemon | undefined;
  try {
    d = await startDaemon(h);
    d.proc.kill('SIGSTOP');
    // An old lock file: an age- or /health-based lock would now call it stale and take it.
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(join(h.home, 'daemon.lock'), hourAgo, hourAgo);
    let second;
    try {
      second = await runCli(h, ['daemon', 'run'], { timeoutMs: 120_000 });
    } finally {
      d.proc.kill('SIGCONT');
    }
    const res = await fetch(`${h.baseUrl}/health`, { signal: AbortSignal.timeout(scaled(30_000)) }).catch(
      () => null,
    );
    const ownerAlive = res !== null && res.ok && ((await res.json()) as { pid: number }).pid === d.pid;
    d.proc.kill('SIGKILL');
    await new Promise((r) => d!.proc.once('exit', r));
    const t0 = Date.now();
    d = await startDaemon(h);
    const f: HomeLockFigures = {
      second_code: second.code,
      second_stderr: second.stderr.split('\n')[0] ?? '',
      owner_alive_after: ownerAlive,
      takeover_ms: Date.now() - t0,
    };
    say('home-lock', { ...f });
    return f;
  } finally {
    d?.proc.kill('SIGCONT');
    await cleanupHome(h, d);
  }
}
