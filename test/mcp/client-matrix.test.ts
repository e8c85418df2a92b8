/**
 * The real MCP clients × both transports, registered exactly as docs/mcp.md says (`aicoder mcp add
 * <client> --transport <t>` writes the entry into the client's own, isolated config), then run
 * headless (`claude -p`, `codex exec`, `gemini -p`) against the scripted model server, whose first
 * reply calls aicoder's `ai_coder_list`. A run passes when the client came up with aicoder's tools on
 * its first model request, and the tool's answer came back to the model on the second.
 *
 * HTTP: the daemon runs (as the docs require). stdio: no daemon runs; the bridge starts it, the
 * slowest first connection a new user can have. Each run gets a fresh AICODER_HOME and client home.
 * `MCP_MATRIX_RUNS=N` repeats every case N times (the first-try rate in docs/mcp.md is from N=10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli as runAgent, type CliRun } from '../agents/run-cli.js';
import { agentEnv, bin, type AgentCli } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer, type Step } from '../fixtures/model-server/index.js';
import {
  cleanupHome,
  makeHome,
  runCli,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/env.js';

const RUNS = Math.max(1, Number(process.env.MCP_MATRIX_RUNS ?? 1));
const PROMPT = 'How many coders are there?';
/**
 * What ai_coder_list answers on an empty daemon, as the model gets it: its text content (Codex,
 * Gemini), or its structuredContent as JSON (Claude Code 2.1 passes that instead of the text).
 */
const LIST_ANSWERS = ['0 of 0 coders', '\\"coders\\":[],\\"total\\":0'];

interface Case {
  /** The scripted call of ai_coder_list under this client's name for it. */
  call: Step;
  argv: (repo: string) => string[];
  /** True when the first model request offered aicoder's tools. */
  offered: (firstRequestBody: string) => boolean;
}

const CASES: Record<AgentCli, Case> = {
  claude: {
    call: { tool: 'raw', name: 'mcp__aicoder__ai_coder_list', input: {} },
    // docs/mcp.md: headless runs allow the tools with --allowedTools mcp__aicoder.
    argv: () => [
      bin('claude'),
      '-p',
      PROMPT,
      '--output-format',
      'stream-json',
      '--verbose',
      '--allowedTools',
      'mcp__aicoder',
    ],
    offered: (body) => body.includes('"name":"mcp__aicoder__ai_coder_list"'),
  },
  codex: {
    // Codex 0.169 offers MCP tools as a deferred namespace `mcp__<server>` with the bare names.
    call: { tool: 'raw', namespace: 'mcp__aicoder', name: 'ai_coder_list', input: {} },
    argv: (repo) => [bin('codex'), 'exec', '--json', '--skip-git-repo-check', '-C', repo, PROMPT],
    offered: (body) => /- mcp__aicoder: aicoder runs AI coding agents/.test(body),
  },
  gemini: {
    call: { tool: 'raw', name: 'mcp_aicoder_ai_coder_list', input: {} },
    argv: () => [bin('gemini'), '-p', PROMPT, '--output-format', 'stream-json', '--skip-trust'],
    offered: (body) => body.includes('"name":"mcp_aicoder_ai_coder_list"'),
  },
};

let h: TestHome | undefined;
let d: RunningDaemon | undefined;
let model: ModelServer | undefined;

async function cleanup(): Promise<void> {
  await model?.close();
  if (h) await cleanupHome(h, d); // also stops a daemon the stdio bridge started
  h = undefined;
  d = undefined;
  model = undefined;
}

afterEach(async () => {
  await cleanup();
  cleanupTemp();
});

interface Outcome {
  offered: boolean;
  called: boolean;
  run: CliRun;
  registration: string;
}

async function once(cli: AgentCli, transport: 'http' | 'stdio'): Promise<Outcome> {
  const c = CASES[cli];
  h = await makeHome();
  if (transport === 'http') d = await startDaemon(h);
  const repo = makeRepo();
  model = await startModelServer({ script: [c.call, { text: 'There are no coders.' }] });
  const client = agentEnv(cli, { serverUrl: model.url, dir: tempDir() });
  const add = await runCli(h, ['mcp', 'add', cli, '--transport', transport], { env: client.env });
  expect(add.code, add.stderr).toBe(0);
  // The client itself knows nothing of aicoder but its registration (no AICODER_* variables).
  const marker = process.env.VITEST_RUN_AICODER;
  const run = await runAgent(c.argv(repo), {
    cwd: repo,
    env: { ...client.env, ...(marker ? { VITEST_RUN_AICODER: marker } : {}) },
    timeoutMs: 120_000,
  });
  const main = model.requests.filter((r) => r.main);
  const first = JSON.stringify(main[0]?.body ?? null);
  const second = JSON.stringify(main[1]?.body ?? null);
  return {
    offered: c.offered(first),
    called: LIST_ANSWERS.some((a) => second.includes(a)),
    run,
    registration: add.stdout,
  };
}

describe.each(['claude', 'codex', 'gemini'] as const)('%s as the MCP client', (cli) => {
  it.each(['http', 'stdio'] as const)(
    'lists and calls ai_coder_list on the first try over %s with the documented registration',
    async (transport) => {
      const outcomes: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const o = await once(cli, transport);
        outcomes.push(o.offered && o.called ? 'ok' : !o.offered ? 'no tools' : 'call failed');
        if (RUNS === 1 || !(o.offered && o.called)) {
          const why = `${o.registration}\nexit ${o.run.code}\n${o.run.stderr.slice(-3000)}\n${o.run.stdout.join('\n').slice(-3000)}`;
          expect(o.offered, `aicoder's tools on the first request. ${why}`).toBe(true);
          expect(o.called, `ai_coder_list's answer reached the model. ${why}`).toBe(true);
        }
        await cleanup();
      }
      if (RUNS > 1) {
        process.stdout.write(
          `mcp matrix ${cli} ${transport}: ${outcomes.filter((x) => x === 'ok').length}/${RUNS} first try (${outcomes.join(', ')})\n`,
        );
      }
    },
    RUNS * 150_000,
  );
});
