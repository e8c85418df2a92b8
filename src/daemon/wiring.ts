/** The composition root: builds the store, git, runner, providers, workspace and the Manager. */
import { builtinRolesDir, liveRoleCatalog } from '../core/roles-catalog.js';
import { mkdirSync } from 'node:fs';
import { loadPrices } from '../providers/prices.js';
import type { PriceTable } from '../core/cost-estimate.js';
import { join } from 'node:path';
import type { ManagerConfig } from '../core/config.js';
import type { CoderEndpoint } from '../core/manager-deps.js';
import { loadCoderPrompt } from './prompts.js';
import { Manager } from '../core/manager.js';
import { homeLayout } from '../core/paths.js';
import { systemClock, type CoderStore, type Logger } from '../core/ports.js';
import { createGit } from '../git/index.js';
import { gitRunner } from '../git/exec.js';
import { createGitOps } from '../git/ops.js';
import { createPrep } from '../workspace/prep.js';
import { createLocalRunner } from '../process/index.js';
import { createBwrapSandbox } from '../process/sandbox.js';
import { readSessionTurns } from '../providers/session-turns.js';
import { builtinProvidersDir } from '../providers/index.js';
import { createReloadableCatalog } from '../providers/reloadable.js';
import { watchConfig, type ConfigWatch } from './config-watch.js';
import { createProviderProbe } from '../providers/probe.js';
import { openStore } from '../store/index.js';
import { createWorkspace, createWorkspaceClock } from '../workspace/index.js';

export interface Wiring {
  manager: Manager;
  store: CoderStore;
  /** The watch on config.json and the provider files (reloaded while the daemon runs). */
  configWatch: ConfigWatch;
  /** Detaches the manager (coders keep running) and closes the store. */
  close(): Promise<void>;
}

export function wire(opts: {
  home: string;
  config: ManagerConfig;
  log: Logger;
  /** Per-coder MCP endpoints (the daemon's port is known): URLs and tokens for the agents. */
  coderEndpoint?: CoderEndpoint;
  /** Called after a changed config.json was applied (the daemon restarts its hooks). */
  onConfig?: (next: ManagerConfig, prev: ManagerConfig) => void;
  /** The umask agents run with (the user's; the daemon itself runs with 077). */
  agentUmask?: number;
  /** Daemon-wide secrets redacted by value everywhere (the owner token). */
  knownSecrets?: readonly string[];
}): Wiring {
  const { home, config, log } = opts;
  const layout = homeLayout(home);
  mkdirSync(layout.home, { recursive: true });
  mkdirSync(layout.userProviders, { recursive: true });
  const store = openStore(layout.db);
  try {
    const providers = createReloadableCatalog({
      builtinDir: builtinProvidersDir(),
      userDir: layout.userProviders,
      log,
    });
    const manager = new Manager({
      home,
      config,
      store,
      git: createGit({
        worktreeRoot: layout.worktrees,
        offThread: true,
        // A repeated `changes` on an unchanged worktree is answered from its last list (git/changes-cache.ts).
        changeClock: createWorkspaceClock({ worktreeRoot: layout.worktrees, offThread: true }),
      }),
      runner: createLocalRunner({
        log,
        ...(opts.agentUmask !== undefined ? { agentUmask: opts.agentUmask } : {}),
      }),
      sandbox: createBwrapSandbox(),
      sessionTurns: readSessionTurns,
      providers,
      workspace: createWorkspace({ worktreeRoot: layout.worktrees, offThread: true }),
      prep: createPrep(gitRunner('git', { worktreeRoot: layout.worktrees, offThread: true })),
      gitOps: createGitOps({
        worktreeRoot: layout.worktrees,
        journalDir: join(home, 'journal'),
        offThread: true,
      }),
      clock: systemClock,
      log,
      probe: createProviderProbe({ env: process.env }),
      configErrors: () => configWatch.errors(),
      // Roles: templates/roles, then AICODER_HOME/roles (the user's win by name).
      roles: liveRoleCatalog({ builtinDir: builtinRolesDir(), userDir: join(home, 'roles'), log }),
      ...(opts.knownSecrets ? { knownSecrets: opts.knownSecrets } : {}),
      ...loadPriceTable(log),
      ...(opts.coderEndpoint ? { coderEndpoint: opts.coderEndpoint, coderPrompt: loadCoderPrompt(log) } : {}),
    });
    const configWatch = watchConfig({
      home,
      config,
      providers,
      log,
      onConfig: (next, prev) => {
        manager.configChanged();
        opts.onConfig?.(next, prev);
      },
    });
    let closed = false;
    return {
      manager,
      store,
      configWatch,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await configWatch.close();
          await manager.shutdown();
        } finally {
          store.close();
        }
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}

/** The shipped price table, or nothing (no estimates; logged) when it cannot be read. */
function loadPriceTable(log: Logger): { prices?: PriceTable } {
  try {
    return { prices: loadPrices() };
  } catch (e) {
    log('warn', 'price table unreadable; costs of codex and gemini coders are not estimated', {
      error: e instanceof Error ? e.message : String(e),
    });
    return {};
  }
}
