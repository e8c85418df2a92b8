/** A Manager wired with the real store, git, runner, providers and workspace, in a temp AICODER_HOME. */
import { builtinRolesDir, liveRoleCatalog } from '../../src/core/roles-catalog.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { DEFAULT_MANAGER_CONFIG, type ManagerConfig } from '../../src/core/config.js';
import { Manager } from '../../src/core/manager.js';
import { homeLayout } from '../../src/core/paths.js';
import { systemClock, type Clock, type GitPort, type LogLevel, type Runner } from '../../src/core/ports.js';
import { createGit } from '../../src/git/index.js';
import { gitRunner } from '../../src/git/exec.js';
import { createGitOps } from '../../src/git/ops.js';
import { createPrep } from '../../src/workspace/prep.js';
import { createLocalRunner } from '../../src/process/index.js';
import { builtinProvidersDir, loadProviderCatalog } from '../../src/providers/index.js';
import { openStore } from '../../src/store/index.js';
import { createWorkspace } from '../../src/workspace/index.js';
import { processesUnder } from './daemon.js';
import { tempDir } from './env.js';

export interface TestManager {
  manager: Manager;
  home: string;
  /** Builds a second manager on the same home (a daemon restart). */
  restart(): Promise<Manager>;
  close(): Promise<void>;
  logs: { level: LogLevel; msg: string; data?: Record<string, unknown> }[];
}

/** Writes a provider definition into the home's providers folder. */
export function writeProvider(home: string, def: Record<string, unknown>): void {
  const dir = homeLayout(home).userProviders;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${String(def.name)}.json`), JSON.stringify(def, null, 2));
}

/** The ports a test manager may swap for fakes (test/fakes/); the rest are always the real ones. */
export interface ManagerParts {
  git?: GitPort;
  runner?: Runner;
  clock?: Clock;
  config?: Partial<ManagerConfig>;
}

/**
 * Starts a Manager on `home` with the real store, providers, prep, git ops, workspace and roles, and
 * the given git, runner and clock (default: the real ones); `close` shuts it down and closes its store.
 */
export async function buildManager(
  home: string,
  parts: ManagerParts,
  log: (level: LogLevel, msg: string, data?: Record<string, unknown>) => void,
): Promise<{ manager: Manager; close: () => Promise<void> }> {
  const store = openStore(homeLayout(home).db);
  const manager = new Manager({
    home,
    config: { ...DEFAULT_MANAGER_CONFIG, default_provider: 'lines', ...parts.config },
    store,
    git: parts.git ?? createGit(),
    runner: parts.runner ?? createLocalRunner({ log }),
    providers: loadProviderCatalog({
      builtinDir: builtinProvidersDir(),
      userDir: homeLayout(home).userProviders,
      log,
    }),
    workspace: createWorkspace({ debounceMs: 50 }),
    prep: createPrep(gitRunner()),
    gitOps: createGitOps(),
    clock: parts.clock ?? systemClock,
    log,
    // Roles as the daemon has them: templates/roles, then the home's roles folder.
    roles: liveRoleCatalog({ builtinDir: builtinRolesDir(), userDir: join(home, 'roles') }),
  });
  await manager.start();
  return {
    manager,
    close: async () => {
      await manager.shutdown();
      store.close();
    },
  };
}

export async function startTestManager(
  opts: { config?: Partial<ManagerConfig>; clock?: Clock; providers?: Record<string, unknown>[] } = {},
): Promise<TestManager> {
  const home = tempDir('aicoder-home-');
  for (const p of opts.providers ?? []) writeProvider(home, p);
  const logs: TestManager['logs'] = [];
  const open: { manager: Manager; close: () => Promise<void> }[] = [];
  const log = (level: LogLevel, msg: string, data?: Record<string, unknown>): void => {
    logs.push({ level, msg, ...(data ? { data } : {}) });
  };
  const build = async (): Promise<Manager> => {
    const m = await buildManager(home, { config: opts.config, clock: opts.clock }, log);
    open.push(m);
    return m.manager;
  };
  const manager = await build();
  const tm: TestManager = {
    manager,
    home,
    logs,
    restart: async () => {
      const last = open.pop();
      if (last) await last.close();
      return build();
    },
    close: async () => {
      while (open.length) await open.pop()!.close();
      // The Manager leaves running coders alive at shutdown (a restart re-adopts them); a test that
      // ends, or fails, with a coder still running must not leave its processes behind.
      for (const pid of processesUnder(join(home, 'worktrees'))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    },
  };
  endWithTest(() => tm.close());
  return tm;
}

/**
 * A manager started inside a test is closed when that test finishes, passed, failed or timed out
 * (`close` may have run already: it is safe to call again), so a file needs no afterEach for it.
 */
export function endWithTest(close: () => Promise<void>): void {
  try {
    onTestFinished(close);
  } catch {
    /* not inside a test: the caller closes it */
  }
}

/** A provider printing N numbered lines (N = the task) with a pause between them, then exiting with code. */
export function linesProvider(
  name = 'lines',
  opts: { exitCode?: number; delay?: string } = {},
): Record<string, unknown> {
  return {
    name,
    description: 'prints numbered lines',
    command: [
      'bash',
      '-c',
      'n="$1"; for i in $(seq 1 "$n"); do echo "line $i"; sleep "$2"; done; exit "$3"',
      '_',
      '{task}',
      opts.delay ?? '0',
      String(opts.exitCode ?? 0),
    ],
    env: {},
    parser: 'text',
  };
}
