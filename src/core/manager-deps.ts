import type { ManagerConfig } from './config.js';
import type {
  Clock,
  CoderStore,
  GitPort,
  Logger,
  ProviderCatalog,
  ProviderProbe,
  Runner,
  WorkspacePort,
} from './ports.js';

/** Everything the Manager needs, injected by the daemon's composition root (daemon/wiring.ts). */
export interface ManagerDeps {
  home: string;
  config: ManagerConfig;
  store: CoderStore;
  git: GitPort;
  runner: Runner;
  providers: ProviderCatalog;
  workspace: WorkspacePort;
  clock: Clock;
  log: Logger;
  /** Environment given to agent processes (default: the daemon's own process.env). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Installation/credentials checks for `providers` (none: the report has no status). */
  probe?: ProviderProbe;
}
