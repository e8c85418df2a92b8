/**
 * AICODER_HOME/daemon.json — who owns the home: {pid, port, started_at, version}. Written atomically
 * by the running daemon, removed on graceful shutdown; read by clients to find it. Plain files only,
 * so the client can import this without loading the daemon.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homeLayout } from '../core/paths.js';

/** The daemon's base URL on loopback for `port` (it binds 127.0.0.1 only). */
export function baseUrlFor(port: number): string {
  return `http://127.0.0.1:${port}`;
}

export interface DaemonInfo {
  pid: number;
  port: number;
  started_at: string;
  version: string;
}

export function readDaemonInfo(home: string): DaemonInfo | null {
  try {
    const v = JSON.parse(readFileSync(homeLayout(home).daemonInfo, 'utf8')) as Partial<DaemonInfo>;
    if (typeof v.pid !== 'number' || typeof v.port !== 'number') return null;
    return {
      pid: v.pid,
      port: v.port,
      started_at: typeof v.started_at === 'string' ? v.started_at : '',
      version: typeof v.version === 'string' ? v.version : '',
    };
  } catch {
    return null;
  }
}

export function writeDaemonInfo(home: string, info: DaemonInfo): void {
  const file = homeLayout(home).daemonInfo;
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Removes daemon.json only when it still names this pid (a newer daemon may own the home). */
export function removeDaemonInfo(home: string, pid: number): void {
  const info = readDaemonInfo(home);
  if (info !== null && info.pid !== pid) return;
  rmSync(homeLayout(home).daemonInfo, { force: true });
}

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
