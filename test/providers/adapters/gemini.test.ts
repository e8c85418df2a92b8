/** The gemini parser on lines recorded from real Gemini CLI 0.61.0 runs (test/agents/gemini.test.ts). */
import { describe, expect, test } from 'vitest';
import { createGeminiParser } from '../../../src/providers/gemini.js';
import { fold, lineOfType, recorded } from './aggregate.js';

const parse = (lines: string[]) => fold(createGeminiParser(), lines);

describe('gemini parser, recorded runs', () => {
  test('write-file: session, prompt, tool call/result, file change, joined assistant text, result stats', () => {
    const lines = recorded('gemini', 'write-file');
    const f = parse(lines);
    expect(f.kinds).toEqual([
      'session_started',
      'user',
      'tool_call',
      'tool_result',
      'file_change',
      'assistant',
      'result',
    ]);
    expect(f.session_id).toBe(lineOfType(lines, 'init').session_id);
    expect(f.events[0]!.text).toMatch(/^session [0-9a-f-]{36} started \(model auto\)$/);
    expect(f.events[1]!.text).toBe('Create hello.txt with a greeting');
    expect(f.events[2]!.text).toMatch(/^write_file \/.*\/hello\.txt$/);
    expect(f.events[4]!.text).toMatch(/^write \/.*\/hello\.txt$/);
    expect(f.events[5]).toMatchObject({
      text: 'Done: wrote hello.txt',
      last_message: 'Done: wrote hello.txt',
    });
    expect(f.outcome).toEqual({ ok: true });
    // 3 requests (router side request + 2 conversation turns) of 1200 in / 34 out.
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([2, 3600, 102]);
  });

  test('resume: same session, one turn, per-run stats', () => {
    const f = parse(recorded('gemini', 'resume'));
    expect(f.session_id).toBe(parse(recorded('gemini', 'write-file')).session_id);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([1, 2400, 68]);
    expect(f.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
  });

  test('shell: run_shell_command call and result', () => {
    const f = parse(recorded('gemini', 'shell'));
    expect(f.events.filter((e) => e.kind.startsWith('tool')).map((e) => e.text)).toEqual([
      'run_shell_command echo hi > shell.txt && echo written',
      'run_shell_command ok: written',
    ]);
    expect(f.kinds).not.toContain('file_change');
  });

  test.each([
    ['error-500', 'API Error: 500 scripted failure 500 for gemini'],
    ['error-401', 'API Error: 401 scripted failure 401 for gemini'],
  ])(
    '%s: result.status error gives a failed outcome with the API message pulled out of the JSON',
    (name, reason) => {
      const f = parse(recorded('gemini', name));
      expect(f.outcome).toEqual({ ok: false, reason });
      expect(f.turns).toBe(0);
    },
  );
});

describe('gemini parser, edge cases', () => {
  const line = (o: Record<string, unknown>) => JSON.stringify({ timestamp: 't', ...o });

  test('assistant pieces are joined and flushed before the next event; a non-delta message stands alone', () => {
    const f = parse([
      line({ type: 'message', role: 'assistant', content: 'Hel', delta: true }),
      line({ type: 'message', role: 'assistant', content: 'lo', delta: true }),
      line({ type: 'tool_use', tool_name: 'replace', tool_id: 'r1', parameters: { file_path: '/r/a.ts' } }),
      line({
        type: 'tool_result',
        tool_id: 'r1',
        status: 'error',
        error: { type: 'x', message: 'no match' },
      }),
      line({ type: 'message', role: 'assistant', content: 'Whole.' }),
      line({ type: 'error', severity: 'warning', message: 'Loop detected' }),
    ]);
    expect(f.events.map((e) => [e.kind, e.text])).toEqual([
      ['assistant', 'Hello'],
      ['tool_call', 'replace /r/a.ts'],
      ['tool_result', 'replace error: no match'],
      ['assistant', 'Whole.'],
      ['error', 'warning: Loop detected'],
    ]);
    // Two model responses: "Hello" + the replace call, then "Whole.".
    expect(f.turns).toBe(2);
    expect(f.last_message).toBe('Whole.');
  });
});
