import type { ManagerConfig } from './config.js';
import type { Clock, CoderStore, GitPort, Logger, ProviderCatalog, Runner, WorkspacePort } from './ports.js';
import type { GitOpsPort, PrepPort } from './worktree-types.js';

/** Everything the Manager needs, injected by the daemon's composition root (daemon/wiring.ts). */
export interface ManagerDeps {
  home: string;
  config: ManagerConfig;
  store: CoderStore;
  git: GitPort;
  runner: Runner;
  providers: ProviderCatalog;
  workspace: WorkspacePort;
  /** Worktree lifecycle: settings, file copies, ports, sizes (src/workspace/prep.ts). */
  prep: PrepPort;
  /** Worktree lifecycle: commit, merge, forecast, prune (src/git/ops.ts). */
  gitOps: GitOpsPort;
  clock: Clock;
  log: Logger;
  /** Environment given to agent processes (default: the daemon's own process.env). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}
