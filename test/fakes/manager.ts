/**
 * A Manager on the fakes: FakeRunner (scripted processes), FakeGit (in-memory repositories over real
 * temp folders) and, when given, a FakeClock; the real SQLite store, provider catalog, prep and
 * workspace ports in a temp AICODER_HOME. For tests of the core's logic (state transitions, logs,
 * limits, restarts) that need no real process or git; test/helpers/manager.ts wires the real ones.
 */
import type { ManagerConfig } from '../../src/core/config.js';
import type { Manager } from '../../src/core/manager.js';
import { systemClock, type Clock, type LogLevel } from '../../src/core/ports.js';
import { tempDir } from '../helpers/env.js';
import { buildManager, endWithTest, writeProvider } from '../helpers/manager.js';
import { FakeGit } from './git.js';
import { FakeRunner, fakeProvider, type FakeProgram } from './runner.js';

export interface FakeManager {
  manager: Manager;
  home: string;
  git: FakeGit;
  runner: FakeRunner;
  logs: { level: LogLevel; msg: string; data?: Record<string, unknown> }[];
  /** A registered fake repository (a real empty temp folder) with one commit on main. */
  repo(): string;
  /**
   * A second manager on the same home, git and runner (a daemon restart: processes live on);
   * `away` runs after the old one shut down and before the new one starts.
   */
  restart(away?: () => void | Promise<void>): Promise<Manager>;
  close(): Promise<void>;
}

export interface FakeManagerOptions {
  config?: Partial<ManagerConfig>;
  clock?: Clock;
  /** FakeRunner programs by name; each also becomes a provider `{name} {task}` with the text parser. */
  programs?: Record<string, FakeProgram>;
  /** The output parser of a program's provider, by program name (default `text`). */
  parsers?: Record<string, string>;
  /** Provider definitions beyond those of `programs`, written to the home. */
  providers?: Record<string, unknown>[];
}

export async function startFakeManager(opts: FakeManagerOptions = {}): Promise<FakeManager> {
  const home = tempDir('aicoder-home-');
  const programs = opts.programs ?? {};
  for (const name of Object.keys(programs)) writeProvider(home, fakeProvider(name, opts.parsers?.[name]));
  for (const p of opts.providers ?? []) writeProvider(home, p);
  const clock = opts.clock ?? systemClock;
  const git = new FakeGit();
  const runner = new FakeRunner({ programs, clock });
  const logs: FakeManager['logs'] = [];
  const log = (level: LogLevel, msg: string, data?: Record<string, unknown>): void => {
    logs.push({ level, msg, ...(data ? { data } : {}) });
  };
  const open: { manager: Manager; close: () => Promise<void> }[] = [];
  const build = async (): Promise<Manager> => {
    const config = { default_provider: Object.keys(programs)[0] ?? 'lines', ...opts.config };
    const m = await buildManager(home, { git, runner, clock, config }, log);
    open.push(m);
    return m.manager;
  };
  const manager = await build();
  const fm: FakeManager = {
    manager,
    home,
    git,
    runner,
    logs,
    repo: () => {
      const dir = tempDir('aicoder-repo-');
      git.addRepo(dir);
      return dir;
    },
    restart: async (away) => {
      await open.pop()?.close();
      await away?.();
      return build();
    },
    close: async () => {
      while (open.length) await open.pop()!.close();
    },
  };
  endWithTest(() => fm.close());
  return fm;
}
