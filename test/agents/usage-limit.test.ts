/**
 * Usage limits on the real Claude CLI, run by a real daemon: the scripted model server answers 429
 * ("… try again in N seconds"); the coder goes to `waiting` with the reset time, survives a daemon
 * restart while it waits, and at the reset time continues its session by itself and completes. A
 * user can resume a waiting coder early, or stop it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AicoderClient } from '../../src/client/types.js';
import type { LogEntry } from '../../src/core/coder.js';
import { CONTINUE_MESSAGE } from '../../src/core/usage-waits.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server/index.js';
import { startAgentDaemon } from '../helpers/agent-daemon.js';
import { reached } from '../helpers/coders.js';
import { cleanupHome, cli, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

const WAIT_S = 15;
const LIMITED = (s: string) => ({
  error: { status: 429, message: `Rate limit reached for requests. Please try again in ${s}.` },
});

let server: ModelServer;
let h: TestHome;
let d: RunningDaemon | undefined;
let client: AicoderClient;
let repo: string;

beforeAll(async () => {
  server = await startModelServer({
    script: [
      { when: '[limit-a]', steps: [LIMITED(`${WAIT_S} seconds`)] },
      { when: '[limit-b]', steps: [LIMITED('2 hours')] },
    ],
  });
  ({ h, d, client } = await startAgentDaemon(
    { claude: server.url, codex: server.url, gemini: server.url },
    { config: { default_provider: 'claude' } },
  ));
  repo = makeRepo();
}, scaled(60_000));

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  await server?.close();
  cleanupTemp();
});

async function logs(id: string): Promise<LogEntry[]> {
  return (await client.logs(id, {})).entries;
}

const recovered = (text: string) => [{ text }, { text }];

describe('usage limits (real claude)', () => {
  test(
    '429 with a reset time: waiting, survives a daemon restart, resumes its session by itself',
    async () => {
      const created = await client.create({ task: 'Do it [limit-a]', repo });
      const t0 = Date.now();
      const w = await reached(client, created.id, ['waiting']);
      expect(w.usage_limit).toMatchObject({ tries: 1, from_provider: true });
      expect(w.error).toMatch(/429/);
      const retryAt = Date.parse(w.usage_limit!.retry_at);
      expect(retryAt).toBeGreaterThan(t0 + (WAIT_S - 5) * 1000);
      expect(retryAt).toBeLessThan(Date.now() + (WAIT_S + 5) * 1000);
      expect(await cli(h, ['status', w.id])).toMatch(/waiting\s+until .*provider's reset time/);
      expect(await cli(h, ['list'])).toMatch(/waiting/);

      // The daemon goes away and comes back while the coder waits.
      d!.proc.kill('SIGTERM');
      await waitFor(() => d!.proc.exitCode !== null || d!.proc.signalCode !== null, {
        what: 'daemon stopped',
      });
      server.setScript([{ when: '[limit-a]', steps: recovered('Recovered A.') }]);
      d = await startDaemon(h);
      const back = await client.get(w.id);
      if (Date.now() < retryAt - 1000) expect(back.state).toBe('waiting');

      const done = await reached(client, w.id, 'terminal');
      const entries = await logs(w.id);
      expect(done.state, entries.map((e) => `${e.kind}: ${e.text}`).join('\n')).toBe('completed');
      expect(done.session_id).toBe(w.session_id);
      expect(done.stats.last_message).toBe('Recovered A.');
      expect(done.usage_limit).toBeNull();
      // Resumed at the reset time, not before, on its session with the continue message.
      const resumed = server
        .mainRequests('anthropic')
        .filter((r) => r.first_user_text.includes('[limit-a]'))
        .at(-1)!;
      expect(JSON.stringify(resumed.body)).toContain(CONTINUE_MESSAGE);
      const runStarts = entries.filter((e) => e.kind === 'run_start');
      expect(Date.parse(runStarts.at(-1)!.ts)).toBeGreaterThanOrEqual(retryAt);
      expect(entries.filter((e) => e.kind === 'usage_limit').map((e) => e.text)).toEqual([
        expect.stringMatching(/^usage limit: waiting until .*provider's reset time; wait 1 of 5/),
        expect.stringMatching(/reset time reached; continuing the session/),
      ]);
    },
    scaled(180_000),
  );

  test(
    'a waiting coder can be resumed early or stopped',
    async () => {
      server.setScript([{ when: '[limit-b]', steps: [LIMITED('2 hours')] }]);
      const b = await client.create({ task: 'Do it [limit-b] one', repo });
      const c = await client.create({ task: 'Do it [limit-b] two', repo });
      const wb = await reached(client, b.id, ['waiting']);
      await reached(client, c.id, ['waiting']);
      expect(Date.parse(wb.usage_limit!.retry_at)).toBeGreaterThan(Date.now() + 3600_000);

      const stopped = await client.control(c.id, { action: 'stop' });
      expect(stopped.coder.state).toBe('stopped');

      server.setScript([{ when: '[limit-b]', steps: recovered('Recovered B.') }]);
      await client.control(b.id, { action: 'resume' });
      const done = await reached(client, b.id, 'terminal');
      expect(done.state).toBe('completed');
      expect(done.stats.last_message).toBe('Recovered B.');
      expect((await logs(b.id)).some((e) => /resumed by the user/.test(e.text))).toBe(true);
      expect((await client.get(c.id)).state).toBe('stopped');
    },
    scaled(180_000),
  );

  // Codex hides the API's message (no reset time: a backoff); Gemini passes it on.
  test.each([
    ['codex', false],
    ['gemini', true],
  ] as const)(
    '%s: a 429 puts the coder in waiting too',
    async (provider, fromProvider) => {
      server.setScript([{ when: `[limit-${provider}]`, steps: [LIMITED('2 hours')] }]);
      const created = await client.create({ task: `Do it [limit-${provider}]`, repo, provider });
      const w = await reached(client, created.id, ['waiting']);
      expect(w.usage_limit, w.error ?? '').toMatchObject({ tries: 1, from_provider: fromProvider });
      expect(Date.parse(w.usage_limit!.retry_at)).toBeGreaterThan(Date.now() + 60_000);
      expect((await client.control(w.id, { action: 'stop' })).coder.state).toBe('stopped');
    },
    120_000,
  );
});
