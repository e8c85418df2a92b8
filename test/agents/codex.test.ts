/**
 * Real Codex CLI (node_modules/.bin/codex) against the scripted model server (Responses API), run
 * with the shipped template's argv (templates/providers/codex.json), parsed by the codex parser.
 * AICODER_RECORD=1 re-records test/fixtures/recorded/codex/*.jsonl.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { createCodexParser } from '../../src/providers/codex.js';
import { BIN_DIR } from '../fixtures/agent-env.js';
import { cleanupTemp } from '../helpers/env.js';
import { onPath, pathWithout } from '../helpers/path-without.js';
import { fold, foldWith } from '../providers/adapters/aggregate.js';
import {
  describeRun,
  expectFollowUpCarriesHistory,
  FOLLOW_UP,
  scenario,
  SCENARIO_USAGE,
  writeScript,
} from './scenario.js';

afterAll(cleanupTemp);

describe('codex (real CLI)', () => {
  test('writes the scripted file via apply_patch, reports thread id, tokens and final message; a follow-up resumes the thread', async () => {
    const s = await scenario('codex', writeScript('codex'));
    const r = await s.run({}, 'write-file');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('hello.txt')).toBe('hi from codex\n');
    // The server answered the write step with Codex's own freeform apply_patch tool.
    const firstOut = JSON.stringify(s.server.mainRequests('openai')[1]?.body);
    expect(firstOut).toContain('custom_tool_call_output');

    const f = foldWith('codex', r.stdout);
    const started = r.events.find((e) => e.type === 'thread.started');
    expect(f.session_id).toBe(started?.thread_id);
    expect(f.outcome).toEqual({ ok: true });
    expect(f.last_message).toBe('Done: wrote hello.txt');
    expect(f.kinds).toEqual(
      expect.arrayContaining(['session_started', 'tool_call', 'file_change', 'assistant', 'result']),
    );
    expect(f.events.find((e) => e.kind === 'file_change')?.text).toBe(`add ${s.repo}/hello.txt`);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([
      1,
      2 * SCENARIO_USAGE.input_tokens,
      2 * SCENARIO_USAGE.output_tokens,
    ]);
    expect(f.cost_usd).toBe(0);

    // Different usage for the follow-up, to tell per-run from cumulative numbers apart.
    s.server.setUsage({ input_tokens: 500, output_tokens: 7 });
    const before = s.server.mainRequests('openai').length;
    const r2 = await s.run({ session_id: f.session_id!, message: FOLLOW_UP }, 'resume');
    expect(r2.code, describeRun(r2)).toBe(0);
    expect(r2.events.find((e) => e.type === 'thread.started')?.thread_id).toBe(f.session_id);
    // Codex reports the thread's cumulative usage on turn.completed (2 × 1200 + 500 in).
    expect(r2.events.find((e) => e.type === 'turn.completed')?.usage).toMatchObject({
      input_tokens: 2900,
      output_tokens: 75,
    });
    // With the thread's earlier totals as baseline the parser counts only this run.
    const f2 = fold(
      createCodexParser({ baseline: { tokens_in: f.tokens_in, tokens_out: f.tokens_out } }),
      r2.stdout,
    );
    expect([f2.turns, f2.tokens_in, f2.tokens_out]).toEqual([1, 500, 7]);
    expect(f2.outcome).toEqual({ ok: true });
    expect(f2.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
    expectFollowUpCarriesHistory(s, 'codex', 'openai', before);
  });

  test.each([
    [401, 'error-401'],
    [503, 'error-503'],
  ])('an API %i ends with turn.failed carrying the API message', async (status, record) => {
    const message = `scripted failure ${status} for codex`;
    const s = await scenario('codex', [{ error: { status, message } }]);
    const r = await s.run({}, record);
    expect(r.code, describeRun(r)).toBe(1);
    const f = foldWith('codex', r.stdout);
    expect(f.outcome?.ok).toBe(false);
    expect(f.outcome?.reason).toContain(message);
    expect(f.kinds).toContain('error');
    expect(s.server.mainRequests('openai')).toHaveLength(1);
  });

  test("an API 500 ends with turn.failed, but Codex replaces the API's message with its own", async () => {
    const s = await scenario('codex', [
      { error: { status: 500, message: 'scripted failure 500 for codex' } },
    ]);
    const r = await s.run({}, 'error-500');
    expect(r.code, describeRun(r)).toBe(1);
    const f = foldWith('codex', r.stdout);
    expect(f.outcome?.ok).toBe(false);
    expect(f.outcome?.reason).toMatch(/high demand/);
    expect(r.stdout.join('\n')).not.toContain('scripted failure 500');
  });

  test('a shell command (exec_command) runs in the workspace sandbox and shows as tool_call + tool_result', async () => {
    const s = await scenario('codex', [
      { tool: 'raw', name: 'exec_command', input: { cmd: 'echo hi > shell.txt && echo written' } },
      { text: 'Ran the command.' },
    ]);
    const r = await s.run({}, 'shell');
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('shell.txt')).toBe('hi\n');
    const f = foldWith('codex', r.stdout);
    expect(f.outcome).toEqual({ ok: true });
    expect(f.events.find((e) => e.kind === 'tool_call')?.text).toContain('echo hi > shell.txt');
    expect(f.events.find((e) => e.kind === 'tool_result')?.text).toMatch(/completed exit 0 — written/);
  });

  // Codex's own workspace-write sandbox uses bubblewrap when `bwrap` is on PATH. With its home in a
  // temp dir it cannot create its sandbox helper and then every command writes nothing (the fixture
  // keeps CODEX_HOME outside temp dirs); both ways must write.
  test.each([
    ['present', true],
    ['absent', false],
  ])('codex writes through its own sandbox with bubblewrap %s', async (_label, withBwrap) => {
    if (withBwrap && onPath('bwrap') === null) {
      // .ci/run installs bubblewrap; a developer machine without it cannot run this half.
      console.warn('bubblewrap is not on PATH: the "present" case is not run');
      return;
    }
    const s = await scenario('codex', [
      { tool: 'raw', name: 'exec_command', input: { cmd: 'echo hi > shell.txt && echo written' } },
      { tool: 'write_file', path: 'patched.txt', content: 'patched\n' },
      { text: 'Wrote both.' },
    ]);
    if (!withBwrap) s.env.PATH = `${BIN_DIR}:${pathWithout('bwrap')}`;
    const r = await s.run({});
    expect(r.code, describeRun(r)).toBe(0);
    expect(s.fileText('shell.txt'), describeRun(r)).toBe('hi\n');
    expect(s.fileText('patched.txt'), describeRun(r)).toBe('patched\n');
  });
});
