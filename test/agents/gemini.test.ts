/**
 * Real Gemini CLI (node_modules/.bin/gemini) against the scripted model server (Gemini API), run
 * with the shipped template's argv (templates/providers/gemini.json), parsed by the gemini parser.
 * AICODER_RECORD=1 re-records test/fixtures/recorded/gemini/*.jsonl.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { foldWith } from '../providers/adapters/aggregate.js';
import {
  describeRun,
  expectFollowUpCarriesHistory,
  FOLLOW_UP,
  scenario,
  SCENARIO_USAGE,
  writeScript,
} from './scenario.js';

afterAll(cleanupTemp);

/** Gemini requests that produced usage (conversation + the model router's side requests). */
function generateRequests(s: Awaited<ReturnType<typeof scenario>>, from = 0): number {
  return s.server.requests.slice(from).filter((q) => q.dialect === 'gemini' && /generateContent/i.test(q.url))
    .length;
}

describe('gemini (real CLI)', () => {
  test('writes the scripted file, reports session, turns, tokens and final message; a follow-up resumes the session', async () => {
    const s = await scenario('gemini', writeScript('gemini'));
    const r = await s.run({}, 'write-file');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('hello.txt')).toBe('hi from gemini\n');

    const f = foldWith('gemini', r.stdout);
    const init = r.events.find((e) => e.type === 'init');
    expect(f.session_id).toBe(init?.session_id);
    expect(f.outcome).toEqual({ ok: true });
    // The final text arrives in two delta pieces; the parser joins them into one assistant event.
    expect(r.events.filter((e) => e.type === 'message' && e.role === 'assistant')).toHaveLength(2);
    expect(f.events.filter((e) => e.kind === 'assistant').map((e) => e.text)).toEqual([
      'Done: wrote hello.txt',
    ]);
    expect(f.last_message).toBe('Done: wrote hello.txt');
    expect(f.kinds).toEqual(
      expect.arrayContaining([
        'session_started',
        'user',
        'tool_call',
        'tool_result',
        'file_change',
        'assistant',
        'result',
      ]),
    );
    expect(f.events.find((e) => e.kind === 'file_change')?.text).toBe(`write ${s.repo}/hello.txt`);
    expect(f.turns).toBe(2);
    const requests = generateRequests(s);
    expect(requests).toBeGreaterThanOrEqual(2);
    expect([f.tokens_in, f.tokens_out]).toEqual([
      requests * SCENARIO_USAGE.input_tokens,
      requests * SCENARIO_USAGE.output_tokens,
    ]);

    const before = s.server.requests.length;
    const mainBefore = s.server.mainRequests('gemini').length;
    const r2 = await s.run({ session_id: f.session_id!, message: FOLLOW_UP }, 'resume');
    expect(r2.code, describeRun(r2)).toBe(0);
    const f2 = foldWith('gemini', r2.stdout);
    expect(f2.session_id).toBe(f.session_id);
    expect(f2.outcome).toEqual({ ok: true });
    expect(f2.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
    expect(f2.turns).toBe(1);
    // Gemini's stats are per run (not cumulative over the session).
    expect(f2.tokens_in).toBe(generateRequests(s, before) * SCENARIO_USAGE.input_tokens);
    expectFollowUpCarriesHistory(s, 'gemini', 'gemini', mainBefore);
  });

  test.each([
    [500, 'error-500'],
    [401, 'error-401'],
  ])('an API %i ends with result.status error carrying the API message', async (status, record) => {
    const message = `scripted failure ${status} for gemini`;
    const s = await scenario('gemini', [{ error: { status, message } }]);
    const r = await s.run({}, record);
    const f = foldWith('gemini', r.stdout);
    expect(f.outcome?.ok, describeRun(r)).toBe(false);
    expect(f.outcome?.reason).toBe(`API Error: ${status} ${message}`);
    expect(r.code).not.toBe(0);
    // maxAttempts 1: the conversation request is not retried.
    expect(s.server.mainRequests('gemini')).toHaveLength(1);
  });

  test('a shell command (run_shell_command) runs under yolo and shows as tool_call + tool_result', async () => {
    const s = await scenario('gemini', [
      { tool: 'raw', name: 'run_shell_command', input: { command: 'echo hi > shell.txt && echo written' } },
      { text: 'Ran the command.' },
    ]);
    const r = await s.run({}, 'shell');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('shell.txt')).toBe('hi\n');
    const f = foldWith('gemini', r.stdout);
    expect(f.outcome).toEqual({ ok: true });
    expect(f.events.find((e) => e.kind === 'tool_call')?.text).toBe(
      'run_shell_command echo hi > shell.txt && echo written',
    );
    expect(f.events.find((e) => e.kind === 'tool_result')?.text).toMatch(/^run_shell_command ok/);
  });
});
