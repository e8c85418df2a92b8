/** Recording how a run ended on its coder, retried until the store takes it. */
import type { Coder } from './coder.js';
import { isAicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import type { Records } from './records.js';
import { note } from './run-notes.js';

/** How a run ended, as recorded on the coder. */
export interface RunEnd {
  exit_code: number | null;
  error: string | null;
  ended_at: string;
  processes: Coder['processes'];
  /** A completed run clears the usage-limit wait. */
  usage_limit?: null;
}

/**
 * Records how a run ended (unless the coder already ended). When that cannot be written (a full
 * disk: an `internal` error), it is retried through the clock with a backoff from 100 ms to 5 s until
 * it can, so a coder whose process ended never stays `running`. Other errors are thrown.
 */
export function recordRunEnd(
  deps: ManagerDeps,
  records: Records,
  id: string,
  state: 'completed' | 'failed' | 'stopped',
  patch: RunEnd,
  delayMs = 0,
): void {
  try {
    const cur = records.get(id);
    if (cur && cur.state !== 'completed' && cur.state !== 'failed' && cur.state !== 'stopped') {
      records.transition(id, state, patch);
    }
  } catch (err) {
    if (isAicoderError(err) && err.code !== 'internal') throw err;
    const next = Math.min(5000, Math.max(100, delayMs * 2));
    if (delayMs === 0) {
      deps.log('error', 'cannot record the end of a run; retrying', {
        id,
        state,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    deps.clock.setTimeout(() => recordRunEnd(deps, records, id, state, patch, next), next);
  }
}

/** Daemon start: a recorded run's process vanished without an exit status; the coder is interrupted. */
export function recordVanished(deps: ManagerDeps, records: Records, id: string, runNo: number): void {
  note(deps, records, id, 'run_end', `run ${runNo} ended: its process vanished while the daemon was away`);
  records.transition(id, 'interrupted', {
    error: 'its process vanished while the daemon was away',
    ended_at: records.now(),
  });
}
