/**
 * `aicoder daemon run`: the daemon in the foreground. Opens everything, listens on 127.0.0.1, writes
 * AICODER_HOME/daemon.json, and on SIGTERM/SIGINT or POST /api/shutdown stops accepting, ends the
 * event streams, detaches from the coders (they keep running) and removes daemon.json.
 */
import type { Health } from '../protocol/health.js';
import type { ManagerApi } from '../core/api.js';
import type { ManagerConfig } from '../core/config.js';
import { AicoderError } from '../core/errors.js';
import { REDACTED } from '../core/redact-mark.js';
import { homeLayout } from '../core/paths.js';
import type { Logger, LogLevel } from '../core/ports.js';
import { loadEnvSettings } from '../local/env-settings.js';
import { readConfigFile, type ConfigFile } from './config-file.js';
import { baseUrlFor, pidAlive, readDaemonInfo, removeDaemonInfo, writeDaemonInfo } from './daemon-info.js';
import { secureHome } from './home-modes.js';
import { ensureOwnerToken } from './owner-token.js';
import { acquireHomeLock } from './lock.js';
import { startLoopDelayMonitor } from './loop-delay.js';
import { createFileLogger } from './logger.js';
import { createDaemonServer, type CoderMcpRoute, type McpHttpHandler } from './server.js';
import type { CoderTokens } from './coder-tokens.js';
import type { HookRunner } from './hooks.js';
import type { CoderSideApi } from '../core/talkback.js';
import { allowedHosts, allowedOrigins } from './http-util.js';
import { packageVersion } from './version.js';
import type { Wiring } from './wiring.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface RunDaemonOptions {
  env?: Env;
  /** Called once the daemon listens (the CLI prints where). */
  onReady?(health: Health): void;
  /** Builds the /mcp handler (src/mcp); omitted: no /mcp route. */
  mcp?: (
    manager: ManagerApi,
    opts: { log: Logger; allowedHosts: string[]; allowedOrigins: string[]; version: string },
  ) => McpHttpHandler;
  /** Builds the coders' own endpoints (src/mcp/coder-endpoint.ts); omitted: agents get none. */
  coderMcp?: (
    side: CoderSideApi,
    opts: { log: Logger; allowedHosts: string[]; allowedOrigins: string[]; version: string },
  ) => Pick<CoderMcpRoute, 'handle'>;
}

/** The config for daemon.log: provider_env values are credentials (docs/security.md). */
function withoutSecrets(config: ManagerConfig): ManagerConfig {
  const env = config.provider_env ?? {};
  const provider_env = Object.fromEntries(
    Object.entries(env).map(([p, vars]) => [
      p,
      Object.fromEntries(Object.keys(vars).map((k) => [k, REDACTED])),
    ]),
  );
  return { ...config, provider_env };
}

function errorData(e: unknown): Record<string, unknown> {
  return {
    error: e instanceof Error ? e.message : String(e),
    stack: e instanceof Error ? e.stack : undefined,
  };
}

/** Runs until shut down; resolves with the process exit code. */
export async function runDaemon(opts: RunDaemonOptions = {}): Promise<number> {
  const env = opts.env ?? process.env;
  const { home, port } = loadEnvSettings(env);
  const layout = homeLayout(home);
  // Before anything is created: umask 077, home 0700, older files tightened (docs/security.md).
  const modes = secureHome(home);

  // control.ts (its HTTP client) loads only when daemon.json names a live process: a fresh home, or
  // one a daemon left cleanly, starts without it (docs/performance.md, figure 9).
  const named = readDaemonInfo(home);
  const existing =
    named !== null && pidAlive(named.pid)
      ? await (await import('./control.js')).findRunningDaemon(home)
      : null;
  if (existing !== null) {
    throw new AicoderError(
      'conflict',
      `another aicoder daemon (pid ${existing.info.pid}) already owns ${home} on ${baseUrlFor(existing.info.port)}; stop it with "aicoder daemon stop"`,
    );
  }
  const releaseLock = acquireHomeLock(home);
  const level = (env.AICODER_LOG_LEVEL ?? 'info') as LogLevel;
  const logger = createFileLogger(layout.daemonLog, {
    minLevel: ['debug', 'info', 'warn', 'error'].includes(level) ? level : 'info',
  });
  const log = logger.log;
  if (modes.fixed.length > 0) {
    log('warn', 'tightened file modes in the home (it was readable by other users)', {
      count: modes.fixed.length,
      first: modes.fixed.slice(0, 5),
    });
  }

  const onRejection = (e: unknown) => log('error', 'unhandled rejection', errorData(e));
  const onException = (e: unknown) => log('error', 'uncaught exception', errorData(e));
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const cleanupProcessHooks = () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };

  // Listen first, then load the manager (store, git, providers, adopted runs): /health answers while
  // it loads, and every other request waits for it (server.ts `ready`).
  let wiring: Wiring | undefined;
  let hooks: HookRunner | undefined;
  let live: Wiring['manager'] | undefined;
  // The coders' endpoint tokens load after listen, before `ready`: coder requests wait for it.
  let tokens: CoderTokens | undefined;
  const ownerToken = ensureOwnerToken(home);
  // config.json is read before listen (a file written after the first /health answer is a reload),
  // and validated (zod, the protocol's schemas) while the manager loads, after listen.
  let configFile: ConfigFile;
  try {
    configFile = readConfigFile(home);
  } catch (e) {
    log('error', 'daemon failed to start', errorData(e));
    logger.close();
    releaseLock();
    cleanupProcessHooks();
    throw e;
  }
  // Settles once the server listens (or failed to): the manager loads only then.
  let listened!: (ok: boolean) => void;
  const listening = new Promise<void>((resolve, reject) => {
    listened = (ok) => (ok ? resolve() : reject(new Error('the daemon did not listen')));
  });
  const startup = (async () => {
    // After listen: nothing of the manager competes with binding the port (see `listening` below).
    await listening;
    const [{ wire }, { startHooks }, { parseManagerConfig }, tokensModule] = await Promise.all([
      import('./wiring.js'),
      import('./hooks.js'),
      import('./config.js'),
      opts.coderMcp ? import('./coder-tokens.js') : undefined,
    ]);
    tokens = tokensModule?.coderTokens(home, port);
    const config = parseManagerConfig(configFile);
    wiring = wire({
      home,
      config,
      log,
      agentUmask: modes.previousUmask,
      knownSecrets: [ownerToken],
      ...(tokens ? { coderEndpoint: tokens } : {}),
      onConfig: (next, prev) => {
        if (JSON.stringify(next.hook) === JSON.stringify(prev.hook) || wiring === undefined) return;
        hooks?.close();
        hooks = startHooks(wiring.manager, next.hook, log, env);
      },
    });
    hooks = startHooks(wiring.manager, config.hook, log, env);
    await wiring.manager.start();
    // Files changed after config.json was read (the first /health may have come before the watch).
    await wiring.configWatch.ready;
    wiring.configWatch.reload();
    log('info', 'manager started', { config: withoutSecrets(config) });
    live = wiring.manager;
  })();
  startup.catch(() => undefined); // awaited below; the server answers waiting requests with it
  const manager = lateBound(() => live);
  const started_at = new Date().toISOString();
  const version = packageVersion();
  const loop = startLoopDelayMonitor();
  const health = (): Health => {
    const config_errors = wiring?.configWatch.errors() ?? [];
    return {
      ok: true,
      pid: process.pid,
      port,
      home,
      version,
      started_at,
      ...(config_errors.length > 0 ? { config_errors } : {}),
      ...(live === undefined ? { starting: true as const } : {}),
      event_loop: loop.read(),
    };
  };

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let stopping = false;
  const server = createDaemonServer({
    manager,
    log,
    port,
    health,
    ready: startup,
    requestShutdown: () => void shutdown('shutdown request'),
    auth: { ownerToken, uid: process.getuid?.() ?? -1 },
    ...(opts.mcp
      ? {
          mcp: opts.mcp(manager, {
            log,
            allowedHosts: allowedHosts(port),
            allowedOrigins: allowedOrigins(port),
            version,
          }),
        }
      : {}),
    ...(opts.coderMcp
      ? {
          coderMcp: {
            ...opts.coderMcp(
              lateBound(() => live?.coderSide),
              {
                log,
                allowedHosts: allowedHosts(port),
                allowedOrigins: allowedOrigins(port),
                version,
              },
            ),
            verify: (id: string, token: string | undefined) => tokens?.verify(id, token) ?? false,
          },
        }
      : {}),
  });

  /** Undoes a start that failed (before or after listen) and rethrows its error. */
  const failed = async (e: unknown, what: string): Promise<never> => {
    log('error', what, errorData(e));
    loop.stop();
    await server.close().catch(() => undefined);
    hooks?.close();
    await wiring?.close().catch(() => undefined);
    removeDaemonInfo(home, process.pid);
    logger.close();
    releaseLock();
    cleanupProcessHooks();
    throw e;
  };

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log('info', 'daemon stopping', { reason });
    try {
      await server.close();
    } catch (e) {
      log('warn', 'closing the server failed', errorData(e));
    }
    await startup.catch(() => undefined);
    hooks?.close();
    try {
      await wiring?.close();
    } catch (e) {
      log('error', 'manager shutdown failed', errorData(e));
    }
    removeDaemonInfo(home, process.pid);
    releaseLock();
    loop.stop();
    log('info', 'daemon stopped');
    logger.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    cleanupProcessHooks();
    resolveDone(0);
  }
  const onSignal = (sig: NodeJS.Signals) => void shutdown(sig);

  try {
    await server.listen();
    listened(true);
  } catch (e) {
    listened(false);
    const code = (e as NodeJS.ErrnoException).code;
    await startup.catch(() => undefined);
    await failed(
      code === 'EADDRINUSE'
        ? new AicoderError(
            'conflict',
            `port ${port} on 127.0.0.1 is already in use (set AICODER_PORT to another port)`,
          )
        : e,
      'listen failed',
    );
  }
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  writeDaemonInfo(home, { pid: process.pid, port, started_at, version });
  log('info', 'daemon listening', { url: baseUrlFor(port), pid: process.pid, home, version });
  try {
    await startup;
  } catch (e) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (stopping) return done;
    stopping = true;
    await failed(e, 'daemon failed to start');
  }
  opts.onReady?.(health());
  return done;
}

/**
 * An object that forwards to `get()`'s value once there is one (the manager, loaded after listen).
 * Used before that, it throws `daemon_unreachable`; the server lets no request reach it before.
 */
function lateBound<T extends object>(get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      const target = get();
      if (target === undefined)
        throw new AicoderError('daemon_unreachable', 'the aicoder daemon is still starting');
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
