/** The daemon's own log: JSON lines appended to AICODER_HOME/daemon.log. */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger, LogLevel } from '../core/ports.js';

export interface FileLogger {
  log: Logger;
  close(): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function serializable(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = v instanceof Error ? { message: v.message, stack: v.stack } : v;
  }
  return out;
}

/** Synchronous appends: every line is on disk before the call returns, so a crash loses nothing. */
export function createFileLogger(path: string, opts: { minLevel?: LogLevel } = {}): FileLogger {
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | null = openSync(path, 'a');
  const min = ORDER[opts.minLevel ?? 'info'];
  const log: Logger = (level, msg, data) => {
    if (fd === null || ORDER[level] < min) return;
    let line: string;
    try {
      line = JSON.stringify({
        ts: new Date().toISOString(),
        level,
        msg,
        ...(data ? serializable(data) : {}),
      });
    } catch {
      line = JSON.stringify({ ts: new Date().toISOString(), level, msg, data: '[unserializable]' });
    }
    try {
      writeSync(fd, line + '\n');
    } catch {
      /* the log is best effort; never crash the daemon over it */
    }
  };
  return {
    log,
    close() {
      if (fd !== null) {
        closeSync(fd);
        fd = null;
      }
    },
  };
}
