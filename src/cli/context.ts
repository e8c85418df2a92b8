/** What every command gets: the environment, the output, and a lazily connected daemon client. */
import type { DaemonClient } from '../client/types.js';
import type { Output } from './output.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface CliContext {
  env: Env;
  cwd: string;
  out: Output;
  /** The daemon client; starts the daemon unless AICODER_NO_AUTOSTART=1. */
  client(): Promise<DaemonClient>;
  /** Forgets the client, so the next client() finds (or starts) the daemon again. */
  resetClient(): void;
  /** Exit code for a command that ends without an error but must not report success (wait). */
  exitCode: number;
}

export function createContext(env: Env, out: Output, cwd: string): CliContext {
  let client: Promise<DaemonClient> | null = null;
  return {
    env,
    cwd,
    out,
    exitCode: 0,
    client() {
      // Loaded on first use: commands that need no daemon do not pay for the daemon-control modules.
      client ??= import('../client/ensure-daemon.js').then(({ ensureDaemon }) =>
        ensureDaemon({
          env,
          onStarting: () => out.note('starting the aicoder daemon…'),
          // Always shown (not only on a terminal): the command may wait up to AICODER_CONNECT_TIMEOUT_S.
          onWaiting: (note) => out.rawErr(`aicoder: ${note}\n`),
        }),
      );
      return client;
    },
    resetClient() {
      client = null;
    },
  };
}
