/**
 * Finds the daemon that owns AICODER_HOME (daemon.json + /health) and, unless AICODER_NO_AUTOSTART=1,
 * starts it in the background when none is there. A live daemon that is slow to answer (busy event
 * loop, or stopped) is waited for, up to AICODER_CONNECT_TIMEOUT_S (default 90 s): a second daemon is
 * never started beside it. A daemon that fails to start is reported at once with its own error.
 * Returns a client bound to the daemon; errors are `daemon_unreachable` naming the cause.
 */
import { AicoderError } from '../core/errors.js';
import { loadEnvSettings } from '../local/env-settings.js';
import {
  baseUrlFor,
  connectTimeoutMs,
  probeDaemon,
  startDaemonInBackground,
  waitForLiveDaemon,
} from '../daemon/control.js';
import { readOwnerToken } from '../local/owner-token.js';
import { createHttpClient } from './http-client.js';
import type { DaemonClient } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface EnsureDaemonOptions {
  env?: Env;
  /** Called before a background start (the CLI may print a note). */
  onStarting?(): void;
  /** Called with a note while waiting for a live daemon that does not answer yet. */
  onWaiting?(note: string): void;
}

export async function ensureDaemon(opts: EnsureDaemonOptions = {}): Promise<DaemonClient> {
  const env = opts.env ?? process.env;
  const { home, port } = loadEnvSettings(env);
  const probe = await probeDaemon(home);
  if (probe.state === 'running')
    return createHttpClient({ baseUrl: baseUrlFor(probe.info.port), token: readOwnerToken(home) });
  const onWaiting = opts.onWaiting ? { onWaiting: (n: string) => opts.onWaiting?.(n) } : {};
  if (env.AICODER_NO_AUTOSTART === '1') {
    const live =
      probe.state === 'absent'
        ? null
        : await waitForLiveDaemon(home, { timeoutMs: connectTimeoutMs(env), ...onWaiting });
    if (live !== null)
      return createHttpClient({ baseUrl: baseUrlFor(live.info.port), token: readOwnerToken(home) });
    throw new AicoderError(
      'daemon_unreachable',
      `the aicoder daemon is not running for ${home} and AICODER_NO_AUTOSTART=1 is set; start it with "aicoder daemon start"`,
    );
  }
  const { health } = await startDaemonInBackground({
    home,
    port,
    env,
    ...onWaiting,
    ...(opts.onStarting ? { onStarting: () => opts.onStarting?.() } : {}),
  });
  return createHttpClient({ baseUrl: baseUrlFor(health.port), token: readOwnerToken(home) });
}
