/**
 * A real daemon whose agents are the real agent CLIs (claude, codex, gemini from node_modules/.bin)
 * pointed at scripted model servers (test/fixtures/model-server): the shared setup of the real-CLI
 * daemon suites (test/agents/*, test/talkback/*).
 *
 *   const server = await startModelServer({ script });
 *   const { h, client } = await startAgentDaemon({ claude: server.url }, { config: { default_provider: 'claude' } });
 *
 * The daemon passes its own environment to the agents it spawns, so the CLIs' variables go into the
 * home's env before the daemon starts. Like any home, it is ended by cleanupHome (inside a test: when
 * the test finishes; from beforeAll: the file's afterAll calls cleanupHome). A model server started
 * inside a test with modelServerForTest closes when the test finishes too.
 */
import { onTestFinished } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import type { AicoderClient } from '../../src/client/types.js';
import { agentEnv, BIN_DIR, type AgentCli } from '../fixtures/agent-env.js';
import {
  startModelServer,
  type ModelServer,
  type ModelServerOptions,
} from '../fixtures/model-server/index.js';
import { makeHome, startDaemon, type RunningDaemon, type TestHome } from './daemon.js';
import { tempDir } from './env.js';

/** Which CLIs the daemon's agents may run, each with the base URL of its model server (ModelServer.url). */
export type AgentServers = Partial<Record<AgentCli, string>>;

/**
 * Points the agents of home `h` at their model servers: each named CLI's environment
 * (fixtures/agent-env.ts: base URL, fake key, isolated config and state dirs) is merged into
 * `h.env` without the CLI's HOME (daemon, CLI and agents keep the test's private HOME,
 * `h.userHome`), and the CLIs' bin dir goes first on PATH. The CLIs' state goes under `dir` (a new
 * temp dir by default; Codex's home goes under CODEX_HOMES_DIR whatever `dir` is). Call it before
 * startDaemon; returns the merged variables.
 */
export function useAgentClis(
  h: TestHome,
  servers: AgentServers,
  dir: string = tempDir('aicoder-agents-'),
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [cli, serverUrl] of Object.entries(servers) as [AgentCli, string][]) {
    const { HOME: _home, ...rest } = agentEnv(cli, { serverUrl, dir }).env;
    Object.assign(merged, rest);
  }
  Object.assign(h.env, merged, { PATH: `${BIN_DIR}:${h.env.PATH ?? '/usr/bin:/bin'}` });
  return merged;
}

export interface AgentDaemon {
  h: TestHome;
  d: RunningDaemon;
  /** The typed HTTP client of this daemon, with the owner token. */
  client: AicoderClient;
}

/**
 * makeHome(`home`) + useAgentClis(`servers`, under `dir`) + startDaemon, and an HTTP client for it.
 * `dir` defaults to a temp dir under `home.base` when that is given (a sandbox suite keeps every
 * home outside the OS temp dir, which the sandbox hides behind a private /tmp).
 */
export async function startAgentDaemon(
  servers: AgentServers,
  home: Parameters<typeof makeHome>[0] = {},
  dir?: string,
): Promise<AgentDaemon> {
  const h = await makeHome(home);
  useAgentClis(h, servers, dir ?? tempDir('aicoder-agents-', home.base));
  const d = await startDaemon(h);
  return { h, d, client: createHttpClient({ baseUrl: h.baseUrl, token: h.token }) };
}

/**
 * startModelServer (test/fixtures/model-server) for one test: call it inside the test; the server
 * closes when the test finishes, passed, failed or timed out.
 */
export async function modelServerForTest(opts: ModelServerOptions = {}): Promise<ModelServer> {
  const server = await startModelServer(opts);
  onTestFinished(() => server.close());
  return server;
}
