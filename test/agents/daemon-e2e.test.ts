/**
 * The real agent CLIs (claude, codex, gemini) run by a real daemon: coders are created over HTTP,
 * the daemon spawns each CLI in its worktree with the daemon's own environment (which points every
 * CLI at one scripted model server), and the records, logs and follow-up messages are checked.
 * The three CLIs (and the failure cases) run in parallel against one daemon.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AicoderClient } from '../../src/client/types.js';
import type { LogEntry } from '../../src/core/coder.js';
import { FAKE_KEYS } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer, type RecordedRequest } from '../fixtures/model-server/index.js';
import { startAgentDaemon } from '../helpers/agent-daemon.js';
import { describeCoder, reached } from '../helpers/coders.js';
import { cleanupHome, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/env.js';
import { SCENARIO_USAGE, TASK } from './scenario.js';
import { scaled } from '../helpers/load.js';

type Cli = 'claude' | 'codex' | 'gemini';
const CLIS: Cli[] = ['claude', 'codex', 'gemini'];
const DIALECT = { claude: 'anthropic', codex: 'openai', gemini: 'gemini' } as const;
const FOLLOW_UP = 'What is in hello.txt?';
/** Tasks carry a tag so that one model server can pick each conversation's script. */
const tag = (cli: Cli) => `[e2e-${cli}]`;
const failTag = (cli: Cli) => `[fail-${cli}]`;
/** Codex hides the API message of a 500 behind its own; its 401 carries the message. */
const FAIL_STATUS: Record<Cli, number> = { claude: 500, codex: 401, gemini: 500 };
const failMessage = (cli: Cli) => `scripted ${FAIL_STATUS[cli]} for ${cli} e2e`;

let server: ModelServer;
let h: TestHome;
let d: RunningDaemon | undefined;
let client: AicoderClient;
let repo: string;

beforeAll(async () => {
  server = await startModelServer({
    usage: SCENARIO_USAGE,
    script: CLIS.flatMap((cli) => [
      {
        when: tag(cli),
        steps: [
          { tool: 'write_file' as const, path: 'hello.txt', content: `hi from ${cli}\n` },
          { text: 'Done: wrote hello.txt' },
          { text: 'Follow-up answer: hello.txt holds the greeting' },
        ],
      },
      {
        when: failTag(cli),
        steps: [{ error: { status: FAIL_STATUS[cli], message: failMessage(cli) } }],
      },
    ]),
  });
  // One environment for every CLI (each keeps its state in its own dir); HOME stays the test's.
  ({ h, d, client } = await startAgentDaemon(
    { claude: server.url, codex: server.url, gemini: server.url },
    { config: { default_provider: 'claude', max_concurrent: 8 } },
    tempDir('aicoder-e2e-agents-'),
  ));
  repo = makeRepo();
}, scaled(30_000));

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  await server?.close();
  cleanupTemp();
});

const waitEnded = (id: string) => reached(client, id, 'terminal', 60_000);

async function allLogs(id: string): Promise<LogEntry[]> {
  return (await client.logs(id, {})).entries;
}

function conversation(cli: Cli, t: string): RecordedRequest[] {
  return server.mainRequests(DIALECT[cli]).filter((r) => r.first_user_text.includes(t));
}

describe.concurrent('agents through the daemon', () => {
  test.each(CLIS)(
    '%s: writes the scripted file in its worktree only, records session, turns and tokens, logs the tool call and the answer; a follow-up message resumes the session',
    async (cli) => {
      const created = await client.create({ task: `${TASK} ${tag(cli)}`, repo, provider: cli });
      const c1 = await waitEnded(created.id);
      const logs1 = await allLogs(c1.id);
      expect(c1.state, describeCoder(c1, logs1)).toBe('completed');
      expect(readFileSync(join(c1.workspace, 'hello.txt'), 'utf8')).toBe(`hi from ${cli}\n`);
      expect(existsSync(join(repo, 'hello.txt'))).toBe(false);
      expect(c1.session_id).toMatch(/^[0-9a-zA-Z-]{8,}$/);
      expect(c1.error).toBeNull();
      expect(c1.stats.turns).toBeGreaterThan(0);
      expect(c1.stats.tokens_in).toBeGreaterThanOrEqual(2 * SCENARIO_USAGE.input_tokens);
      expect(c1.stats.tokens_out).toBeGreaterThanOrEqual(2 * SCENARIO_USAGE.output_tokens);
      expect(c1.stats.last_message).toBe('Done: wrote hello.txt');
      if (cli === 'claude') expect(c1.stats.cost_usd).toBeGreaterThan(0);
      if (cli !== 'gemini') {
        // Two model responses; Gemini may count side requests too.
        expect([c1.stats.tokens_in, c1.stats.tokens_out]).toEqual([
          2 * SCENARIO_USAGE.input_tokens,
          2 * SCENARIO_USAGE.output_tokens,
        ]);
      }
      expect(logs1.find((l) => l.kind === 'tool_call')?.text).toMatch(/hello\.txt/);
      expect(logs1.some((l) => l.kind === 'assistant' && l.text.includes('Done: wrote hello.txt'))).toBe(
        true,
      );
      expect(logs1.some((l) => l.kind === 'result')).toBe(true);
      expect(logs1.some((l) => l.kind === 'session_started')).toBe(true);
      // The fake keys the daemon's environment holds never reach the logs.
      for (const key of Object.values(FAKE_KEYS)) {
        expect(logs1.some((l) => l.text.includes(key))).toBe(false);
      }

      const before = conversation(cli, tag(cli)).length;
      const m = await client.control(c1.id, { action: 'message', message: FOLLOW_UP });
      expect(['queued', 'starting', 'running', 'completed']).toContain(m.coder.state);
      const c2 = await waitEnded(c1.id);
      const logs2 = await allLogs(c1.id);
      expect(c2.state, describeCoder(c2, logs2)).toBe('completed');
      expect(c2.session_id).toBe(c1.session_id);
      expect(c2.stats.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
      expect(c2.stats.turns).toBeGreaterThan(c1.stats.turns);
      expect(c2.stats.tokens_in).toBeGreaterThan(c1.stats.tokens_in);
      if (cli !== 'gemini') {
        // One more response: no double counting (Codex reports the thread's running total).
        expect(c2.stats.tokens_in - c1.stats.tokens_in).toBe(SCENARIO_USAGE.input_tokens);
        expect(c2.stats.tokens_out - c1.stats.tokens_out).toBe(SCENARIO_USAGE.output_tokens);
      }
      if (cli === 'claude') expect(c2.stats.cost_usd).toBeGreaterThan(c1.stats.cost_usd);
      expect(logs2.some((l) => l.kind === 'user_message' && l.text === FOLLOW_UP)).toBe(true);
      // The follow-up request carries the earlier turns and the new message.
      const followUp = conversation(cli, tag(cli)).slice(before);
      expect(followUp.length).toBeGreaterThan(0);
      const body = JSON.stringify(followUp.at(-1)!.body);
      for (const text of [TASK, `hi from ${cli}`, 'Done: wrote hello.txt', FOLLOW_UP]) {
        expect(body).toContain(text);
      }
    },
    120_000,
  );

  test.each(CLIS)(
    '%s: an API error ends the coder failed with the API message',
    async (cli) => {
      const created = await client.create({ task: `${TASK} ${failTag(cli)}`, repo, provider: cli });
      const c = await waitEnded(created.id);
      const logs = await allLogs(c.id);
      expect(c.state, describeCoder(c, logs)).toBe('failed');
      expect(c.error).toContain(failMessage(cli));
      expect(existsSync(join(c.workspace, 'hello.txt'))).toBe(false);
      expect(logs.some((l) => l.text.includes(failMessage(cli)))).toBe(true);
    },
    60_000,
  );
});
