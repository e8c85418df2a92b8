/**
 * Budgets where the CLI reports no cost: real Gemini CLI and real Codex as coders of a real daemon,
 * against the scripted model server. Gemini on a listed model (templates/prices.json) gets cost_usd
 * estimated from its tokens, is stopped when the estimate reaches budget_usd, and a `message` to it
 * is then refused up front, naming budget_usd. Codex on a model the table does not list gets no
 * estimate (cost stays 0) and is not stopped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { loadPrices } from '../../src/providers/prices.js';
import type { ModelServer } from '../fixtures/model-server/index.js';
import { modelServerForTest, startAgentDaemon } from '../helpers/agent-daemon.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/env.js';
import { cliJson, runCli, type TestHome } from '../helpers/daemon.js';
import { scaled } from '../helpers/load.js';

// The daemon and model server a test starts end when it finishes (test/helpers/agent-daemon.ts).
afterAll(cleanupTemp);

const USAGE = { input_tokens: 200_000, output_tokens: 10_000 };

/** A started daemon whose agents are real Gemini CLI and Codex pointed at `s` (test/helpers/agent-daemon.ts). */
function daemonFor(s: ModelServer) {
  return startAgentDaemon(
    { gemini: s.url, codex: s.url },
    { providers: [], config: {} },
    tempDir('aicoder-budget-'),
  );
}

async function waitEnd(h: TestHome, id: string): Promise<Coder> {
  const w = await runCli(h, ['wait', id, '--timeout', '90', '--json'], { timeoutMs: 120_000 });
  return JSON.parse(w.stdout) as Coder;
}

describe('budgets from estimated cost (real CLIs, scripted model)', () => {
  it(
    'gemini on a listed model: estimated cost stops it at budget_usd; a message is then refused',
    async () => {
      const server = await modelServerForTest({
        script: [{ tool: 'write_file', path: 'a.txt', content: 'a\n' }, { text: 'Done' }],
        usage: USAGE,
      });
      const { h } = await daemonFor(server);
      const model = 'gemini-2.5-flash';
      const c = await cliJson<Coder>(
        h,
        ['create', '--provider', 'gemini', '--model', model, '--budget-usd', '0.01', 'Write a.txt'],
        { cwd: makeRepo() },
      );
      const end = await waitEnd(h, c.id);
      expect(end.state, JSON.stringify(end)).toBe('stopped');
      expect(end.error).toBe('stopped: budget 0.01 USD reached');
      const price = loadPrices()[model]!;
      const expected = (end.stats.tokens_in * price.input + end.stats.tokens_out * price.output) / 1e6;
      expect(end.stats.tokens_in).toBeGreaterThan(0);
      expect(end.stats.cost_usd).toBeCloseTo(expected, 6);
      expect(end.stats.cost_usd).toBeGreaterThanOrEqual(0.01);
      expect(end.stats.cost_estimated).toBe(true);
      const shown = await runCli(h, ['status', c.id]);
      expect(shown.stdout).toContain(`~$${end.stats.cost_usd.toFixed(4)} (estimated)`);
      const listed = await runCli(h, ['list']);
      expect(listed.stdout).toContain(`~$${end.stats.cost_usd.toFixed(2)}`);

      const refused = await runCli(h, ['message', c.id, 'carry on', '--json']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr + refused.stdout).toMatch(/budget_usd 0\.01/);
      const after = await cliJson<Coder>(h, ['status', c.id]);
      expect(after.state).toBe('stopped');
    },
    scaled(240_000),
  );

  it(
    'codex without --model (aicoder cannot see the CLI default): no estimate, not stopped',
    async () => {
      const server = await modelServerForTest({ script: [{ text: 'Done' }], usage: USAGE });
      const { h } = await daemonFor(server);
      const c = await cliJson<Coder>(
        h,
        ['create', '--provider', 'codex', '--budget-usd', '0.01', 'Say done'],
        {
          cwd: makeRepo(),
        },
      );
      const end = await waitEnd(h, c.id);
      expect(end.state, JSON.stringify(end)).toBe('completed');
      expect(end.stats.tokens_in).toBeGreaterThan(0);
      expect(end.stats.cost_usd).toBe(0);
      expect(end.stats.cost_estimated).toBe(false);
    },
    scaled(240_000),
  );
});
