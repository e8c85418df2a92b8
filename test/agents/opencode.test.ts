/**
 * Real OpenCode against the scripted model server (Anthropic dialect), run with the shipped
 * template's argv (templates/providers/opencode.json). OpenCode is not a project dependency: these
 * tests run when OPENCODE_BIN names a binary (or `opencode` is on PATH), e.g.
 *   npm install --prefix /tmp/oc opencode-ai && OPENCODE_BIN=/tmp/oc/node_modules/.bin/opencode npx vitest run test/agents
 * and are skipped otherwise. AICODER_RECORD=1 re-records test/fixtures/recorded/opencode/*.jsonl.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { foldWith } from '../providers/adapters/aggregate.js';
import {
  describeRun,
  expectFollowUpCarriesHistory,
  FOLLOW_UP,
  opencodeBin,
  scenario,
  SCENARIO_USAGE,
  writeScript,
} from './scenario.js';

afterAll(cleanupTemp);

describe.skipIf(opencodeBin() === null)('opencode (real CLI, when installed)', () => {
  test('writes the scripted file, reports session, steps, tokens and final message; a follow-up continues the session', async () => {
    const s = await scenario('opencode', writeScript('opencode'));
    const r = await s.run({}, 'write-file');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('hello.txt')).toBe('hi from opencode\n');
    const f = foldWith('opencode', r.stdout);
    expect(f.session_id).toMatch(/^ses_/);
    expect(f.outcome).toEqual({ ok: true });
    expect(f.last_message).toBe('Done: wrote hello.txt');
    expect(f.kinds).toEqual(
      expect.arrayContaining([
        'session_started',
        'tool_call',
        'tool_result',
        'file_change',
        'assistant',
        'result',
      ]),
    );
    expect(f.events.find((e) => e.kind === 'file_change')?.text).toBe(`write ${s.repo}/hello.txt`);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([
      2,
      2 * SCENARIO_USAGE.input_tokens,
      2 * SCENARIO_USAGE.output_tokens,
    ]);
    expect(f.cost_usd).toBeGreaterThan(0);

    const before = s.server.mainRequests('anthropic').length;
    const r2 = await s.run({ session_id: f.session_id!, message: FOLLOW_UP }, 'resume');
    expect(r2.code, describeRun(r2)).toBe(0);
    const f2 = foldWith('opencode', r2.stdout);
    expect(f2.session_id).toBe(f.session_id);
    expect(f2.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
    expectFollowUpCarriesHistory(s, 'opencode', 'anthropic', before);
  });

  // Only 401: OpenCode retries a 500 with backoff for about 75 s before it gives up.
  test('an API 401 ends with an error event carrying the API message, exit 1', async () => {
    const message = 'scripted failure 401 for opencode';
    const s = await scenario('opencode', [{ error: { status: 401, message } }]);
    const r = await s.run({}, 'error-401');
    expect(r.code, describeRun(r)).toBe(1);
    const f = foldWith('opencode', r.stdout);
    expect(f.outcome).toEqual({ ok: false, reason: `APIError 401: ${message}` });
  });
});
