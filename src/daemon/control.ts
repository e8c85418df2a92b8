/**
 * Starting, finding and stopping a daemon from another process (`daemon start|stop|status` and the
 * clients' autostart). Light on purpose: plain files and fetch, no store or manager, so the client
 * and CLI can import it without loading the daemon.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { AicoderError } from '../core/errors.js';
import { homeLayout } from '../core/paths.js';
import { httpRequest } from '../local/http-request.js';
import { ownerAuthHeaders } from '../local/owner-token.js';
import type { Health } from '../protocol/health.js';
import { baseUrlFor, pidAlive, readDaemonInfo, removeDaemonInfo, type DaemonInfo } from './daemon-info.js';

// Defined beside daemon.json's reader, which the daemon loads before it listens (control.ts is not).
export { baseUrlFor };
import {
  newStartReportPath,
  readStartReport,
  removeStartReport,
  START_REPORT_ENV,
  type StartReport,
} from './start-report.js';

export const START_TIMEOUT_MS = 20_000;
export const STOP_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

type Env = Readonly<Record<string, string | undefined>>;

/** The entry script of this package (bin/aicoder.js), two levels up from src/daemon or dist/daemon. */
export function binPath(): string {
  return fileURLToPath(new URL('../../bin/aicoder.js', import.meta.url));
}

/** GET /health with a short deadline; null when nothing (or not an aicoder daemon) answers. */
export async function fetchHealth(port: number, timeoutMs = 2000): Promise<Health | null> {
  try {
    const res = await httpRequest(`${baseUrlFor(port)}/health`, { timeoutMs });
    if (!res.ok) return null;
    const body = JSON.parse(res.text) as Partial<Health>;
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

/**
 * What stands behind AICODER_HOME right now:
 * - `running`: daemon.json names a live process that answers /health for this home;
 * - `unresponsive`: the home lock (lock.ts) is held by the live process daemon.json names, which did
 *   not answer /health in time (its event loop is busy, or it is stopped: `stopped` is true for state
 *   T in /proc);
 * - `starting`: the home lock is held, but daemon.json does not name the holder yet (a daemon that is
 *   starting, usually launched by another command; pid from daemon.lock, null when not written yet);
 * - `absent`: nobody holds the home lock; a new daemon may be started.
 * Never answers `absent` for a live daemon that is merely slow: callers wait for it instead of
 * starting a second one.
 */
export type DaemonProbe =
  | { state: 'running'; info: DaemonInfo; health: Health }
  | { state: 'unresponsive'; pid: number; port: number; stopped: boolean }
  | { state: 'starting'; pid: number | null }
  | { state: 'absent' };

export async function probeDaemon(home: string, healthTimeoutMs = 2000): Promise<DaemonProbe> {
  const info = readDaemonInfo(home);
  const alive = info !== null && pidAlive(info.pid);
  if (info !== null && alive) {
    const health = await fetchHealth(info.port, healthTimeoutMs);
    if (health !== null && health.pid === info.pid && health.home === home) {
      return { state: 'running', info, health };
    }
  }
  // The home lock (an OS lock, see lock.ts) says whether a live daemon owns the home, whatever
  // /health says.
  // Loaded only here: the lock module brings better-sqlite3, which a CLI call to a running daemon skips.
  const { homeLockHolder } = await import('./lock.js');
  const holder = homeLockHolder(home);
  if (holder === null || holder.pid === process.pid) return { state: 'absent' };
  if (info !== null && alive && (holder.pid === null || holder.pid === info.pid)) {
    return { state: 'unresponsive', pid: info.pid, port: info.port, stopped: procState(info.pid) === 'T' };
  }
  return { state: 'starting', pid: holder.pid };
}

/** The one-letter process state from /proc (R, S, D, T, Z, …); '' where /proc is not available. */
function procState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
}

/**
 * How long a command waits for a live daemon that does not answer (busy or stopped) before giving
 * up: AICODER_CONNECT_TIMEOUT_S seconds, default 90.
 */
export function connectTimeoutMs(env: Env): number {
  const s = Number(env.AICODER_CONNECT_TIMEOUT_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 90_000;
}

/** The note a CLI prints while it waits for a daemon that is alive but not answering. */
export function waitingNote(p: Exclude<DaemonProbe, { state: 'running' } | { state: 'absent' }>): string {
  if (p.state === 'starting') return `the aicoder daemon (pid ${p.pid ?? '?'}) is starting; waiting for it…`;
  return p.stopped
    ? `the aicoder daemon (pid ${p.pid}) is stopped (SIGSTOP?) and not answering; waiting for it to continue…`
    : `the aicoder daemon (pid ${p.pid}) is busy and not answering yet; waiting…`;
}

/**
 * Waits while the daemon is `unresponsive` or `starting`. Resolves with the running daemon, or null
 * when it went away (the caller may start one). Throws `daemon_unreachable` after timeoutMs: the
 * daemon is alive but silent, and a second one must not be started.
 */
export async function waitForLiveDaemon(
  home: string,
  opts: { timeoutMs: number; onWaiting?: (note: string) => void },
): Promise<RunningDaemon | null> {
  const deadline = Date.now() + opts.timeoutMs;
  let noted = '';
  for (;;) {
    const p = await probeDaemon(home);
    if (p.state === 'running') return { info: p.info, health: p.health };
    if (p.state === 'absent') return null;
    const note = waitingNote(p);
    if (note !== noted) opts.onWaiting?.(note);
    noted = note;
    if (Date.now() > deadline) {
      const s = Math.round(opts.timeoutMs / 1000);
      throw new AicoderError(
        'daemon_unreachable',
        p.state === 'starting'
          ? `the aicoder daemon (pid ${p.pid ?? '?'}) has been starting for over ${s} s without answering (log: ${homeLayout(home).daemonLog})`
          : `the aicoder daemon (pid ${p.pid}) is running but has not answered on ${baseUrlFor(p.port)}/health for ${s} s` +
              `${p.stopped ? ' (it is stopped: SIGCONT resumes it)' : ''}; no second daemon was started. ` +
              `Wait, or end it with "aicoder daemon stop" (log: ${homeLayout(home).daemonLog})`,
      );
    }
    await delay(200);
  }
}

export interface StartResult {
  health: Health;
  alreadyRunning: boolean;
}

function startFailure(home: string, why: string): AicoderError {
  return new AicoderError(
    'daemon_unreachable',
    `the aicoder daemon could not start: ${why} (log: ${homeLayout(home).daemonLog})`,
  );
}

/**
 * `daemon start` and autostart: unless a daemon owns the home (running, busy or starting: then it
 * waits for that one), spawns `node bin/aicoder.js daemon run` detached and waits until /health
 * answers. Any startup failure is reported as soon as the daemon exits, with its own message (read
 * from the start report, see start-report.ts; else the exit status and the log's last line).
 * Errors: `daemon_unreachable` naming the cause.
 */
export async function startDaemonInBackground(opts: {
  home: string;
  port: number;
  env?: Env;
  timeoutMs?: number;
  /** Called before a new daemon is spawned. */
  onStarting?: () => void;
  /** Called with a note while waiting for a live daemon that does not answer yet. */
  onWaiting?: (note: string) => void;
}): Promise<StartResult> {
  const { home, port } = opts;
  const env = opts.env ?? process.env;
  const layout = homeLayout(home);
  for (let attempt = 0; ; attempt++) {
    const p = await probeDaemon(home);
    if (p.state === 'running') return { health: p.health, alreadyRunning: attempt === 0 };
    if (p.state !== 'absent') {
      const live = await waitForLiveDaemon(home, {
        timeoutMs: connectTimeoutMs(env),
        ...(opts.onWaiting ? { onWaiting: opts.onWaiting } : {}),
      });
      if (live !== null) return { health: live.health, alreadyRunning: true };
      continue;
    }
    if (attempt >= 3) throw startFailure(home, 'another daemon kept taking and leaving the home lock');
    opts.onStarting?.();
    const r = await spawnAndWait({ home, port, env, timeoutMs: opts.timeoutMs ?? START_TIMEOUT_MS, layout });
    if (r.health !== null) return { health: r.health, alreadyRunning: false };
    // It lost to another daemon (conflict): wait for that one on the next round, if it is there.
    if (r.report?.code === 'conflict' && (await probeDaemon(home)).state !== 'absent') continue;
    throw startFailure(home, r.why);
  }
}

async function spawnAndWait(o: {
  home: string;
  port: number;
  env: Env;
  timeoutMs: number;
  layout: ReturnType<typeof homeLayout>;
}): Promise<
  | { health: Health; report?: undefined; why?: undefined }
  | { health: null; report: StartReport | null; why: string }
> {
  const { home, port, layout } = o;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const reportPath = newStartReportPath(home);
  const fd = openSync(layout.daemonLog, 'a', 0o600); // private even under the CLI's umask
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, [binPath(), 'daemon', 'run'], {
      cwd: home,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...o.env, AICODER_HOME: home, AICODER_PORT: String(port), [START_REPORT_ENV]: reportPath },
    });
    pid = child.pid;
    child.on('exit', (code, signal) => (exit = { code, signal }));
    child.on('error', (e) => (spawnError = e));
    child.unref();
  } finally {
    closeSync(fd);
  }
  try {
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      if (spawnError !== undefined)
        return { health: null, report: null, why: `cannot run ${process.execPath}: ${spawnError.message}` };
      const report = readStartReport(reportPath);
      if (report !== null && !report.ok)
        return { health: null, report, why: report.message ?? 'unknown error' };
      const health = await fetchHealth(port, 1000);
      // `starting`: it listens but may still fail to load its manager; its report says how it ended.
      if (health !== null && health.home === home && health.starting !== true) return { health };
      if (health !== null && health.home !== home) {
        throw new AicoderError(
          'daemon_unreachable',
          `port ${port} is used by an aicoder daemon for another home (${health.home}); set AICODER_PORT`,
        );
      }
      if (exit !== undefined) {
        const late = readStartReport(reportPath);
        if (late !== null && !late.ok)
          return { health: null, report: late, why: late.message ?? 'unknown error' };
        const how =
          exit.signal !== null
            ? `it was killed by ${exit.signal}`
            : `it exited with code ${exit.code ?? '?'}`;
        const last = lastLogLine(home);
        return {
          health: null,
          report: null,
          why: `${how} during startup${last ? `; last log line: ${last}` : ''}`,
        };
      }
      if (Date.now() > deadline) {
        const last = lastLogLine(home);
        throw new AicoderError(
          'daemon_unreachable',
          `the aicoder daemon (pid ${pid ?? '?'}) started but did not answer on ${baseUrlFor(port)}/health within ${Math.round(o.timeoutMs / 1000)} s` +
            `${last ? `; last log line: ${last}` : ''} (log: ${layout.daemonLog})`,
        );
      }
      await delay(POLL_MS);
    }
  } finally {
    removeStartReport(reportPath);
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

/** Whether pid runs `… daemon run` (from /proc; true where /proc is not available, e.g. macOS). */
function looksLikeDaemon(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return !existsSync('/proc/self/cmdline');
  }
  const argv = cmdline.split('\0');
  return argv.includes('daemon') && argv.includes('run');
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
        headers: { 'content-type': 'application/json', ...ownerAuthHeaders(opts.home) },
        body: '{}',
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
