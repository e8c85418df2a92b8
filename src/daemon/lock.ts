/**
 * AICODER_HOME/daemon.lock: one daemon per home. Created exclusively (O_EXCL) before anything is
 * opened; a lock whose pid is dead — or alive but silent for long (pid reuse after a crash) — is stale.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { AicoderError } from '../core/errors.js';
import { fetchHealth, fileAgeMs, lockPath } from './control.js';
import { pidAlive, readDaemonInfo } from './daemon-info.js';

const STALE_SILENT_MS = 30_000;

function holderPid(file: string): number | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    return typeof v.pid === 'number' ? v.pid : null;
  } catch {
    return null;
  }
}

/** Takes the lock or throws `conflict` naming the live holder. Returns the release function. */
export async function acquireHomeLock(home: string): Promise<() => void> {
  const file = lockPath(home);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, at: new Date().toISOString() }) + '\n');
      } finally {
        closeSync(fd);
      }
      return () => {
        if (holderPid(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = holderPid(file);
    if (pid !== null && pid !== process.pid && pidAlive(pid)) {
      const info = readDaemonInfo(home);
      const answering = info !== null && info.pid === pid && (await fetchHealth(info.port)) !== null;
      if (answering || fileAgeMs(file) < STALE_SILENT_MS) {
        const where = info !== null && info.pid === pid ? ` on http://127.0.0.1:${info.port}` : ' (starting)';
        throw new AicoderError(
          'conflict',
          `another aicoder daemon (pid ${pid}) already owns ${home}${where}; stop it with "aicoder daemon stop"`,
        );
      }
    }
    rmSync(file, { force: true });
  }
  throw new AicoderError('conflict', `could not take the daemon lock ${file}`);
}
