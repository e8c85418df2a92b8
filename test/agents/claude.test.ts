/**
 * Real Claude Code (node_modules/.bin/claude) against the scripted model server, run with the
 * shipped template's argv (templates/providers/claude.json), parsed by the claude parser.
 * AICODER_RECORD=1 re-records test/fixtures/recorded/claude/*.jsonl.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { foldWith } from '../providers/adapters/aggregate.js';
import { maybeRecord, runCli, templateArgv } from './run-cli.js';
import {
  describeRun,
  expectFollowUpCarriesHistory,
  FOLLOW_UP,
  scenario,
  SCENARIO_USAGE,
  TASK,
  writeScript,
} from './scenario.js';

afterAll(cleanupTemp);

describe('claude (real CLI)', () => {
  test('writes the scripted file, reports session, turns, tokens, cost and final message; a follow-up resumes the session', async () => {
    const s = await scenario('claude', writeScript('claude'));
    const r = await s.run({}, 'write-file');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('hello.txt')).toBe('hi from claude\n');

    const f = foldWith('claude', r.stdout);
    const init = r.events.find((e) => e.type === 'system' && e.subtype === 'init');
    expect(f.session_id).toBe(init?.session_id);
    expect(f.session_id).toMatch(/^[0-9a-f-]{36}$/);
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
    expect(f.events.find((e) => e.kind === 'tool_call')?.text).toMatch(/^Write .*hello\.txt$/);
    expect(f.events.find((e) => e.kind === 'file_change')?.text).toBe(`create ${s.repo}/hello.txt`);
    // Two model responses of 1200 in / 34 out each; Claude's own totals agree with the parser's sum.
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([
      2,
      2 * SCENARIO_USAGE.input_tokens,
      2 * SCENARIO_USAGE.output_tokens,
    ]);
    const result = r.events.find((e) => e.type === 'result');
    expect(f.cost_usd).toBeGreaterThan(0);
    expect(f.cost_usd).toBeCloseTo(Number(result?.total_cost_usd), 10);

    const before = s.server.mainRequests('anthropic').length;
    const r2 = await s.run({ session_id: f.session_id!, message: FOLLOW_UP }, 'resume');
    expect(r2.code, describeRun(r2)).toBe(0);
    const f2 = foldWith('claude', r2.stdout);
    expect(f2.session_id).toBe(f.session_id);
    expect(f2.outcome).toEqual({ ok: true });
    expect(f2.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
    expect([f2.turns, f2.tokens_in, f2.tokens_out]).toEqual([
      1,
      SCENARIO_USAGE.input_tokens,
      SCENARIO_USAGE.output_tokens,
    ]);
    // The follow-up request carries the earlier turns: the task, the tool call and the first answer.
    expectFollowUpCarriesHistory(s, 'claude', 'anthropic', before);
  });

  test.each([
    [500, 'error-500'],
    [401, 'error-401'],
  ])('an API %i ends with a failed outcome carrying the API message', async (status, record) => {
    const message = `scripted failure ${status} for claude`;
    const s = await scenario('claude', [{ error: { status, message } }]);
    const r = await s.run({}, record);
    const f = foldWith('claude', r.stdout);
    expect(f.outcome?.ok, describeRun(r)).toBe(false);
    expect(f.outcome?.reason).toContain(message);
    expect(f.session_id).toBeDefined();
    expect(r.code).toBe(1);
    // One attempt only (CLAUDE_CODE_MAX_RETRIES=0).
    expect(s.server.mainRequests('anthropic')).toHaveLength(1);
    expect(s.fileText('hello.txt')).toBeNull();
  });

  test('a Bash call that writes in the repo runs under acceptEdits and shows as tool_call + tool_result', async () => {
    const s = await scenario('claude', [
      {
        tool: 'raw',
        name: 'Bash',
        input: { command: 'echo hi > shell.txt', description: 'write shell.txt' },
      },
      { text: 'Ran the command.' },
    ]);
    const r = await s.run({}, 'bash');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('shell.txt')).toBe('hi\n');
    const f = foldWith('claude', r.stdout);
    expect(f.outcome).toEqual({ ok: true });
    expect(f.events.find((e) => e.kind === 'tool_call')?.text).toBe('Bash echo hi > shell.txt');
    expect(f.events.find((e) => e.kind === 'tool_result')?.text).toBe(
      'Bash ok: (Bash completed with no output)',
    );
  });

  test('a Bash call outside acceptEdits is denied: exit 0, ok outcome, the denial named in the result', async () => {
    const s = await scenario('claude', [
      { tool: 'raw', name: 'Bash', input: { command: 'curl -s http://127.0.0.1:9/', description: 'fetch' } },
      { text: 'Could not run the command.' },
    ]);
    const r = await s.run({}, 'bash-denied');
    expect(r.code, describeRun(r)).toBe(0);
    const f = foldWith('claude', r.stdout);
    expect(f.outcome).toEqual({ ok: true });
    expect(f.events.find((e) => e.kind === 'tool_result')?.text).toMatch(/^Bash error: /);
    expect(f.events.find((e) => e.kind === 'result')?.text).toContain('permission denied: Bash');
  });

  test('--max-turns 1 ends after one turn with is_error and subtype error_max_turns', async () => {
    const s = await scenario('claude', writeScript('claude'));
    const argv = templateArgv('claude', { task: TASK, workspace: s.repo });
    const r = await runCli([...argv.slice(0, -2), '--max-turns', '1', ...argv.slice(-2)], {
      cwd: s.repo,
      env: s.env,
    });
    maybeRecord('claude', 'max-turns', r);
    expect(
      r.events.find((e) => e.type === 'result'),
      describeRun(r),
    ).toMatchObject({
      is_error: true,
      subtype: 'error_max_turns',
    });
    const f = foldWith('claude', r.stdout);
    expect(f.outcome?.ok).toBe(false);
    expect(f.outcome?.reason).toMatch(/turn/i);
  });
});
