/**
 * Real Claude Code as a coder, run by a real daemon against the scripted model server: the script
 * calls the coder endpoint's mcp__aicoder__aicoder_ask_user; the coder shows needs_input with the
 * question; `aicoder answer` delivers the text; the next model request carries it; the coder
 * completes. And a run whose reported cost passes budget_usd ends stopped with the reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import type { ModelServer } from '../fixtures/model-server/index.js';
import { modelServerForTest, startAgentDaemon } from '../helpers/agent-daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { cli, cliJson } from '../helpers/daemon.js';

// The daemon and model server a test starts end when it finishes (test/helpers/agent-daemon.ts).
afterAll(cleanupTemp);

/** A started daemon whose agents are real Claude Code pointed at `s` (test/helpers/agent-daemon.ts). */
function claudeDaemon(s: ModelServer, config: Record<string, unknown> = {}) {
  return startAgentDaemon(
    { claude: s.url },
    { providers: [], config: { default_provider: 'claude', ...config } },
  );
}

describe('claude talks back (real CLI, scripted model)', () => {
  it('asks the user through its coder endpoint, gets the answer as the tool result, and completes', async () => {
    const server = await modelServerForTest({
      script: [
        {
          tool: 'raw',
          name: 'mcp__aicoder__aicoder_ask_user',
          input: { question: 'Should the greeting be formal?', context: 'hello.txt is user-facing' },
        },
        { text: 'Done: used the answer' },
      ],
    });
    const { h } = await claudeDaemon(server);
    const repo = makeRepo();
    const c = await cliJson<Coder>(h, ['create', 'Write a greeting; ask me about its tone first'], {
      cwd: repo,
    });
    await waitFor(
      async () => {
        const s = await cliJson<Coder>(h, ['status', c.id]);
        if (s.state === 'failed' || s.state === 'completed')
          throw new Error(`ended early: ${JSON.stringify(s)}`);
        return s.state === 'needs_input';
      },
      { what: 'needs_input', timeoutMs: 45_000 },
    );
    const waiting = await cliJson<Coder>(h, ['status', c.id]);
    expect(waiting.question).toBe('Should the greeting be formal?');
    const before = server.mainRequests('anthropic').length;
    await cli(h, ['answer', c.id, 'No, keep it casual']);
    const end = await cliJson<Coder>(h, ['wait', c.id, '--timeout', '45']);
    expect(end.state, JSON.stringify(end)).toBe('completed');
    expect(end.question).toBeNull();
    expect(end.stats.last_message).toBe('Done: used the answer');
    const after = server.mainRequests('anthropic').slice(before);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(after[0]!.body)).toContain('The user answered: No, keep it casual');
    const logs = await cli(h, ['logs', c.id]);
    expect(logs).toContain('Should the greeting be formal?');
    expect(logs).toContain('No, keep it casual');
  });

  it('a run whose cost passes budget_usd ends stopped with the reason', async () => {
    const server = await modelServerForTest({
      script: [
        { tool: 'write_file', path: 'a.txt', content: 'a\n' },
        { tool: 'write_file', path: 'b.txt', content: 'b\n' },
        { text: 'Done' },
      ],
      // Enough tokens that the first response alone costs well over a cent.
      usage: { input_tokens: 200_000, output_tokens: 10_000 },
    });
    const { h } = await claudeDaemon(server);
    const c = await cliJson<Coder>(h, ['create', '--budget-usd', '0.01', 'Write a.txt and b.txt'], {
      cwd: makeRepo(),
    });
    expect(c.limits.budget_usd).toBe(0.01);
    const end = await cliJson<Coder>(h, ['wait', c.id, '--timeout', '45'], { code: 1 });
    expect(end.state, JSON.stringify(end)).toBe('stopped');
    expect(end.error).toBe('stopped: budget 0.01 USD reached');
    expect(end.stats.cost_usd).toBeGreaterThanOrEqual(0.01);
  });
});
