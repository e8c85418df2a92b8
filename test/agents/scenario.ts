/**
 * The scenarios every real-CLI test runs: a scripted model server, an isolated CLI environment, a
 * temp git repo, the template's argv. Recording (AICODER_RECORD=1) writes the stdout lines of each
 * run to test/fixtures/recorded/<cli>/<name>.jsonl for the parser tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { agentEnv, opencodeEnv, type AgentCli } from '../fixtures/agent-env.js';
import { modelServerForTest } from '../helpers/agent-daemon.js';
import type { Dialect, ModelServer, Step, Usage } from '../fixtures/model-server/index.js';
import { makeRepo, tempDir } from '../helpers/env.js';
import { maybeRecord, runCli, templateArgv, type CliRun } from './run-cli.js';

/** Usage the server reports per response in these scenarios (distinct numbers, easy to check). */
export const SCENARIO_USAGE: Usage = { input_tokens: 1200, output_tokens: 34 };

export const TASK = 'Create hello.txt with a greeting';
/** The follow-up message that resumes a writeScript session. */
export const FOLLOW_UP = 'What is in hello.txt?';

/** The model's answers: write hello.txt, say so, then answer the follow-up. */
export function writeScript(cli: string): Step[] {
  return [
    { tool: 'write_file', path: 'hello.txt', content: `hi from ${cli}\n` },
    { text: 'Done: wrote hello.txt' },
    { text: 'Follow-up answer: hello.txt holds the greeting' },
  ];
}

export interface Scenario {
  server: ModelServer;
  repo: string;
  env: Record<string, string>;
  run(vars: { task?: string; message?: string; session_id?: string }, record?: string): Promise<CliRun>;
  fileText(rel: string): string | null;
}

/** The OpenCode binary to test with (OPENCODE_BIN, else `opencode` on PATH), or null. */
export function opencodeBin(): string | null {
  const candidates = [
    process.env.OPENCODE_BIN,
    ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'opencode')),
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c)) ?? null;
}

/**
 * A scenario of `cli` answering with `script`. Call it inside a test: its model server closes when
 * the test finishes, passed or failed.
 */
export async function scenario(
  cli: AgentCli | 'opencode',
  script: Step[],
  usage = SCENARIO_USAGE,
): Promise<Scenario> {
  const server = await modelServerForTest({ script, usage });
  const repo = makeRepo();
  const opts = { serverUrl: server.url, dir: tempDir('aicoder-agent-') };
  const { env } = cli === 'opencode' ? opencodeEnv(opts) : agentEnv(cli, opts);
  const program = cli === 'opencode' ? (opencodeBin() ?? 'opencode') : undefined;
  return {
    server,
    repo,
    env,
    async run(vars, record) {
      const argv = templateArgv(
        cli,
        {
          task: vars.task ?? TASK,
          workspace: repo,
          session_id: vars.session_id ?? null,
          ...(vars.message === undefined ? {} : { message: vars.message }),
        },
        program,
      );
      const r = await runCli(argv, { cwd: repo, env, timeoutMs: 45_000 });
      if (record !== undefined) maybeRecord(cli, record, r);
      return r;
    },
    fileText(rel) {
      const p = join(repo, rel);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
  };
}

/** For assertion messages: what the CLI printed. */
export function describeRun(r: CliRun): string {
  return `exit ${r.code} after ${r.ms} ms\nargv: ${JSON.stringify(r.argv)}\nstdout:\n${r.stdout.join('\n')}\nstderr:\n${r.stderr.slice(-2000)}`;
}

/**
 * After a writeScript run and a FOLLOW_UP resume of `cli`: exactly one conversation request went to
 * the model since `before` (the count of `dialect` requests before the resume), and it carries the
 * session's earlier turns (the task, the written content, the first answer) and the follow-up.
 */
export function expectFollowUpCarriesHistory(
  s: Scenario,
  cli: string,
  dialect: Dialect,
  before: number,
): void {
  const followUp = s.server.mainRequests(dialect).slice(before);
  expect(followUp).toHaveLength(1);
  const body = JSON.stringify(followUp[0]!.body);
  for (const earlier of [TASK, `hi from ${cli}`, 'Done: wrote hello.txt', FOLLOW_UP]) {
    expect(body).toContain(earlier);
  }
}
