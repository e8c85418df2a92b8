/**
 * The opencode parser on lines recorded from a real opencode-ai 1.18.33 run against the scripted
 * server (test/agents/opencode.test.ts; OpenCode is not a project dependency, the recording is).
 */
import { describe, expect, test } from 'vitest';
import { createOpenCodeParser } from '../../../src/providers/opencode.js';
import { fold, recorded } from './aggregate.js';

const parse = (lines: string[]) => fold(createOpenCodeParser(), lines);

describe('opencode parser, recorded runs', () => {
  test('write-file: session from the first line, write tool, file change, steps with usage and cost, ok at "stop"', () => {
    const lines = recorded('opencode', 'write-file');
    const f = parse(lines);
    expect(f.kinds).toEqual([
      'session_started',
      'status',
      'tool_call',
      'tool_result',
      'file_change',
      'usage',
      'status',
      'assistant',
      'result',
    ]);
    expect(f.session_id).toBe((JSON.parse(lines[0]!) as { sessionID: string }).sessionID);
    expect(f.events[2]!.text).toMatch(/^write \/.*\/hello\.txt$/);
    expect(f.events[3]!.text).toBe('write ok: Wrote file successfully.');
    expect(f.last_message).toBe('Done: wrote hello.txt');
    expect(f.outcome).toEqual({ ok: true });
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([2, 2400, 68]);
    expect(f.cost_usd).toBeGreaterThan(0);
  });

  test('resume: the same session id, the follow-up answer', () => {
    const f = parse(recorded('opencode', 'resume'));
    expect(f.session_id).toBe(parse(recorded('opencode', 'write-file')).session_id);
    expect(f.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
    expect(f.outcome).toEqual({ ok: true });
  });

  test('error-401: the error event is a failed result with the API message', () => {
    const f = parse(recorded('opencode', 'error-401'));
    expect(f.kinds).toEqual(['session_started', 'result']);
    expect(f.outcome).toEqual({ ok: false, reason: 'APIError 401: scripted failure 401 for opencode' });
  });

  test('a tool that failed is a tool_result error and no file change', () => {
    const l = JSON.stringify({
      type: 'tool_use',
      sessionID: 'ses_1',
      part: {
        type: 'tool',
        tool: 'edit',
        state: { status: 'error', input: { filePath: '/r/a.ts' }, error: 'oldString not found' },
      },
    });
    expect(
      parse([l])
        .events.slice(1)
        .map((e) => [e.kind, e.text]),
    ).toEqual([
      ['tool_call', 'edit /r/a.ts'],
      ['tool_result', 'edit error: oldString not found'],
    ]);
  });
});
