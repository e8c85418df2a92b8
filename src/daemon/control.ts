/**
 * Starting, finding and stopping a daemon from another process (`daemon start|stop|status` and the
 * clients' autostart). Light on purpose: plain files and fetch, no store or manager, so the client
 * and CLI can import it without loading the daemon.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { AicoderError } from '../core/errors.js';
import { homeLayout } from '../core/paths.js';
import type { Health } from '../client/types.js';
import { homeLockHolder } from './lock.js';
import { pidAlive, readDaemonInfo, removeDaemonInfo, type DaemonInfo } from './daemon-info.js';

export const START_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

type Env = Readonly<Record<string, string | undefined>>;

export function baseUrlFor(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export { lockPath } from './lock.js';

/** The entry script of this package (bin/aicoder.js), two levels up from src/daemon or dist/daemon. */
export function binPath(): string {
  return fileURLToPath(new URL('../../bin/aicoder.js', import.meta.url));
}

/** GET /health with a short deadline; null when nothing (or not an aicoder daemon) answers. */
export async function fetchHealth(port: number, timeoutMs = 2000): Promise<Health | null> {
  try {
    const res = await fetch(`${baseUrlFor(port)}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    const body = (await res.json()) as Partial<Health>;
    return body.ok === true && typeof body.pid === 'number' ? (body as Health) : null;
  } catch {
    return null;
  }
}

export interface RunningDaemon {
  info: DaemonInfo;
  health: Health;
}

/** The daemon that owns this home, when daemon.json names a live process that answers /health. */
export async function findRunningDaemon(home: string): Promise<RunningDaemon | null> {
  const info = readDaemonInfo(home);
  if (info === null || !pidAlive(info.pid)) return null;
  const health = await fetchHealth(info.port);
  if (health === null || health.pid !== info.pid || health.home !== home) return null;
  return { info, health };
}

/**
 * True while another process holds the home lock (a daemon is starting or running). Judged by the
 * lock itself (see lock.ts), never by /health or pid files.
 */
export function lockHeldByOther(home: string): boolean {
  const holder = homeLockHolder(home);
  return holder !== null && holder.pid !== process.pid;
}

function lastLogLine(home: string): string {
  try {
    const text = readFileSync(homeLayout(home).daemonLog, 'utf8');
    const lines = text.trimEnd().split('\n');
    const last = lines[lines.length - 1] ?? '';
    try {
      const j = JSON.parse(last) as { msg?: unknown; error?: unknown };
      if (typeof j.msg === 'string') return typeof j.error === 'string' ? `${j.msg}: ${j.error}` : j.msg;
    } catch {
      /* a plain line (the process's own stderr) */
    }
    return last.replace(/^aicoder: /, '');
  } catch {
    return '';
  }
}

export interface StartResult {
  health: Health;
  alreadyRunning: boolean;
}

/** `daemon start`: spawns `node bin/aicoder.js daemon run` detached, then waits until /health answers. */
export async function startDaemonInBackground(opts: {
  home: string;
  port: number;
  env?: Env;
  timeoutMs?: number;
}): Promise<StartResult> {
  const { home, port } = opts;
  const running = await findRunningDaemon(home);
  if (running !== null) return { health: running.health, alreadyRunning: true };

  const layout = homeLayout(home);
  mkdirSync(home, { recursive: true });
  const fd = openSync(layout.daemonLog, 'a');
  let exitCode: number | null | undefined;
  try {
    const child = spawn(process.execPath, [binPath(), 'daemon', 'run'], {
      cwd: home,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...(opts.env ?? process.env), AICODER_HOME: home, AICODER_PORT: String(port) },
    });
    child.on('exit', (code) => {
      exitCode = code;
    });
    child.on('error', () => {
      exitCode = -1;
    });
    child.unref();
  } finally {
    closeSync(fd);
  }

  const deadline = Date.now() + (opts.timeoutMs ?? START_TIMEOUT_MS);
  for (;;) {
    const health = await fetchHealth(port, 1000);
    if (health !== null && health.home === home) return { health, alreadyRunning: false };
    if (health !== null) {
      throw new AicoderError(
        'daemon_unreachable',
        `port ${port} is used by an aicoder daemon for another home (${health.home}); set AICODER_PORT`,
      );
    }
    // Our child lost a start race to another daemon: wait for that one instead.
    if (exitCode !== undefined && !lockHeldByOther(home)) {
      const again = await findRunningDaemon(home);
      if (again !== null) return { health: again.health, alreadyRunning: true };
      const why = lastLogLine(home);
      throw new AicoderError(
        'daemon_unreachable',
        `the daemon exited during startup (code ${exitCode ?? 'unknown'})${why ? `: ${why}` : ''} (log: ${layout.daemonLog})`,
      );
    }
    if (Date.now() > deadline) {
      throw new AicoderError(
        'daemon_unreachable',
        `the daemon did not answer on ${baseUrlFor(port)}/health within ${Math.round((opts.timeoutMs ?? START_TIMEOUT_MS) / 1000)} s (log: ${layout.daemonLog})`,
      );
    }
    await delay(POLL_MS);
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(POLL_MS);
  }
  return true;
}

function looksLikeDaemon(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('daemon') && argv.includes('run');
  } catch {
    return false;
  }
}

export interface StopResult {
  wasRunning: boolean;
  pid: number | null;
  /** SIGTERM was needed because the shutdown request did not end it. */
  signalled: boolean;
}

/** `daemon stop`: POST /api/shutdown, wait for the pid to exit; SIGTERM as a fallback. */
export async function stopDaemon(opts: { home: string; timeoutMs?: number }): Promise<StopResult> {
  const { home } = opts;
  const timeoutMs = opts.timeoutMs ?? STOP_TIMEOUT_MS;
  const info = readDaemonInfo(home);
  if (info === null || !pidAlive(info.pid)) {
    if (info !== null) removeDaemonInfo(home, info.pid);
    return { wasRunning: false, pid: null, signalled: false };
  }
  const health = await fetchHealth(info.port);
  const identified = health !== null && health.pid === info.pid;
  if (!identified && !looksLikeDaemon(info.pid)) {
    // daemon.json names a pid that now belongs to something else: stale.
    removeDaemonInfo(home, info.pid);
    return { wasRunning: false, pid: null, signalled: false };
  }
  if (identified) {
    try {
      await fetch(`${baseUrlFor(info.port)}/api/shutdown`, {
        method: 'POST',
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      /* fall back to the signal below */
    }
    if (await waitForExit(info.pid, timeoutMs)) return { wasRunning: true, pid: info.pid, signalled: false };
  }
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    /* gone meanwhile */
  }
  if (await waitForExit(info.pid, timeoutMs)) return { wasRunning: true, pid: info.pid, signalled: true };
  throw new AicoderError(
    'timeout',
    `the daemon (pid ${info.pid}) did not exit within ${Math.round((2 * timeoutMs) / 1000)} s`,
  );
}

/** Age of a file in ms (Infinity when missing). */
export function fileAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
