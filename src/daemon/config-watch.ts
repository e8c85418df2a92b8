/**
 * Configuration changes take effect while the daemon runs: AICODER_HOME/config.json and the provider
 * files in AICODER_HOME/providers/ are watched (chokidar) and loaded again once changes settle.
 * The home folder itself is never watched: SQLite's WAL and the daemon's log change in it many times a
 * second, and chokidar re-reads (readdir + lstat of each entry) a watched folder after each change,
 * which took a fifth of a core of the daemon's event loop under ten streaming coders. So config.json is
 * polled (a stat every CONFIG_POLL_MS, which also sees it created, replaced or removed) and providers/
 * (a quiet folder) gets an inotify watch. A providers/ folder removed and made again while the daemon
 * runs is not watched again until the daemon restarts. A file
 * that is invalid keeps the last good configuration in use; its error is reported by `aicoder
 * providers` (provider files and config.json) and `aicoder daemon status` (GET /health `config_errors`).
 * AICODER_HOME and AICODER_PORT come from the environment and need a restart.
 */
import { dirname } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { ManagerConfig } from '../core/config.js';
import { isAicoderError } from '../core/errors.js';
import { homeLayout } from '../core/paths.js';
import type { Logger } from '../core/ports.js';
import type { ReloadableProviderCatalog } from '../providers/reloadable.js';
import { loadManagerConfig } from './config.js';

/** A configuration file that could not be used, and why (the message names the file and the key). */
export interface ConfigFileError {
  source: string;
  message: string;
}

export interface ConfigWatch {
  /** What is wrong with the files now (config.json first, then provider files); empty when all is well. */
  errors(): ConfigFileError[];
  /** Loads both again at once (the watcher calls it when changes have settled). */
  reload(): void;
  /** Resolves once the watcher is ready (changes after this are seen). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface WatchConfigOptions {
  home: string;
  /** The live configuration object the Manager reads; updated in place. */
  config: ManagerConfig;
  providers: ReloadableProviderCatalog;
  log: Logger;
  /** Called after config.json was applied, with the previous values. */
  onConfig?: (next: ManagerConfig, prev: ManagerConfig) => void;
  /** Quiet time before a reload (default 150 ms): editors write files in several steps. */
  debounceMs?: number;
}

/** Replaces the values of `live` by those of `next`, keeping the object (the Manager holds it). */
export function applyConfig(live: ManagerConfig, next: ManagerConfig): void {
  const target = live as unknown as Record<string, unknown>;
  for (const k of Object.keys(target)) if (!(k in next)) delete target[k];
  Object.assign(live, next);
}

/** How often config.json is checked for a change, in ms. */
const CONFIG_POLL_MS = 250;

export function watchConfig(o: WatchConfigOptions): ConfigWatch {
  const layout = homeLayout(o.home);
  const configFile = layout.config;
  const providersDir = layout.userProviders;
  let configError: ConfigFileError | null = null;
  let timer: NodeJS.Timeout | null = null;

  const reloadConfig = (): void => {
    let next: ManagerConfig;
    try {
      next = loadManagerConfig(o.home);
    } catch (e) {
      const message = isAicoderError(e) ? e.message : `${configFile}: ${String(e)}`;
      if (configError?.message !== message) {
        o.log('warn', 'config.json not applied: the last good configuration stays in use', {
          error: message,
        });
      }
      configError = { source: configFile, message: `${message} (the last good configuration stays in use)` };
      return;
    }
    configError = null;
    const prev = { ...o.config };
    if (JSON.stringify(prev) === JSON.stringify(next)) return;
    applyConfig(o.config, next);
    o.log('info', 'config.json reloaded', { config: next });
    try {
      o.onConfig?.(o.config, prev);
    } catch (e) {
      o.log('error', 'applying the new configuration failed', { error: String(e) });
    }
  };

  const reload = (): void => {
    reloadConfig();
    o.providers.reload();
  };

  const watchers: FSWatcher[] = [
    watch(configFile, { ignoreInitial: true, usePolling: true, interval: CONFIG_POLL_MS }),
    watch(providersDir, {
      ignoreInitial: true,
      depth: 0,
      ignored: (path) => path !== providersDir && !(dirname(path) === providersDir && path.endsWith('.json')),
    }),
  ];
  const onEvent = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      reload();
    }, o.debounceMs ?? 150);
    timer.unref();
  };
  for (const watcher of watchers) {
    watcher.on('all', (_event, path) => {
      if (path !== providersDir) onEvent();
    });
    watcher.on('error', (e) => o.log('warn', 'configuration watch failed', { error: String(e) }));
  }
  const ready = Promise.all(watchers.map((w) => new Promise<void>((r) => w.once('ready', () => r())))).then(
    () => undefined,
  );

  return {
    errors: () => [...(configError ? [configError] : []), ...o.providers.errors()],
    reload,
    ready,
    close: async () => {
      if (timer !== null) clearTimeout(timer);
      await Promise.all(watchers.map((w) => w.close()));
    },
  };
}
