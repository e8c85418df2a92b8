/**
 * Finds the daemon that owns AICODER_HOME (daemon.json + /health) and, unless AICODER_NO_AUTOSTART=1,
 * starts it in the background when it is not running. Returns a client bound to it.
 */
import { AicoderError } from '../core/errors.js';
import { loadEnvSettings } from '../daemon/config.js';
import { baseUrlFor, findRunningDaemon, startDaemonInBackground } from '../daemon/control.js';
import { createHttpClient } from './http-client.js';
import type { AicoderClient } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface EnsureDaemonOptions {
  env?: Env;
  /** Called before a background start (the CLI may print a note). */
  onStarting?(): void;
}

export async function ensureDaemon(opts: EnsureDaemonOptions = {}): Promise<AicoderClient> {
  const env = opts.env ?? process.env;
  const { home, port } = loadEnvSettings(env);
  const running = await findRunningDaemon(home);
  if (running !== null) return createHttpClient({ baseUrl: baseUrlFor(running.info.port) });
  if (env.AICODER_NO_AUTOSTART === '1') {
    throw new AicoderError(
      'daemon_unreachable',
      `the aicoder daemon is not running for ${home} and AICODER_NO_AUTOSTART=1 is set; start it with "aicoder daemon start"`,
    );
  }
  opts.onStarting?.();
  const { health } = await startDaemonInBackground({ home, port, env });
  return createHttpClient({ baseUrl: baseUrlFor(health.port) });
}
