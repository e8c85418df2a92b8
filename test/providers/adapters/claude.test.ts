/** The claude parser on lines recorded from real Claude Code 2.1.197 runs (test/agents/claude.test.ts). */
import { describe, expect, test } from 'vitest';
import { createClaudeParser } from '../../../src/providers/claude.js';
import { fold, lineOfType, recorded } from './aggregate.js';

const parse = (lines: string[]) => fold(createClaudeParser(), lines);

describe('claude parser, recorded runs', () => {
  test('write-file: session, tool call, file change, final message, ok outcome, totals equal the result line', () => {
    const lines = recorded('claude', 'write-file');
    const f = parse(lines);
    expect(f.kinds).toEqual([
      'session_started',
      'tool_call',
      'tool_result',
      'file_change',
      'assistant',
      'result',
    ]);
    expect(f.session_id).toBe(lineOfType(lines, 'system').session_id);
    expect(f.events[0]!.text).toMatch(/^session [0-9a-f-]{36} started \(model claude-/);
    expect(f.events[1]!.text).toMatch(/^Write \/.*\/hello\.txt$/);
    expect(f.events[2]!.text).toMatch(/^Write ok: File created successfully at: /);
    expect(f.events[3]!.text).toMatch(/^create \/.*\/hello\.txt$/);
    expect(f.events[4]).toMatchObject({
      text: 'Done: wrote hello.txt',
      last_message: 'Done: wrote hello.txt',
    });
    expect(f.outcome).toEqual({ ok: true });
    expect(f.last_message).toBe('Done: wrote hello.txt');
    const result = lineOfType(lines, 'result');
    const usage = result.usage as Record<string, number>;
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([
      result.num_turns,
      usage.input_tokens,
      usage.output_tokens,
    ]);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([2, 2400, 68]);
    expect(f.cost_usd).toBe(result.total_cost_usd);
    expect(f.events[5]!.text).toMatch(/^completed in 2 turn\(s\) \(2400 in \/ 68 out, \$0\.\d{4}\)$/);
  });

  test('live counts come from the assistant lines; the result line only adds the difference', () => {
    const f = parse(recorded('claude', 'write-file'));
    // The assistant lines carry the stream's start usage (output_tokens 1); the result corrects it.
    const live = f.events
      .filter((e) => e.kind !== 'result')
      .reduce((n, e) => n + (e.stats?.tokens_out ?? 0), 0);
    expect(live).toBe(2);
    expect(f.events.at(-1)!.stats).toEqual({ tokens_out: 66, cost_usd: f.cost_usd });
  });

  test('resume: same session, one turn, the follow-up answer', () => {
    const first = parse(recorded('claude', 'write-file'));
    const f = parse(recorded('claude', 'resume'));
    expect(f.session_id).toBe(first.session_id);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([1, 1200, 34]);
    expect(f.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
  });

  test.each([
    ['error-500', 'API Error: 500 scripted failure 500 for claude'],
    ['error-401', 'API Error: 401 scripted failure 401 for claude'],
  ])(
    '%s: is_error gives a failed outcome with the API message although subtype says success',
    (name, message) => {
      const lines = recorded('claude', name);
      expect(lineOfType(lines, 'result')).toMatchObject({ subtype: 'success', is_error: true });
      const f = parse(lines);
      expect(f.outcome?.ok).toBe(false);
      expect(f.outcome?.reason).toContain(message);
      expect(f.events.at(-1)!.text).toMatch(/^failed: /);
      expect(f.cost_usd).toBe(0);
    },
  );

  test('bash: a shell call and its result; bash-denied: the denial is named in the result text', () => {
    const ok = parse(recorded('claude', 'bash'));
    expect(ok.events.filter((e) => e.kind.startsWith('tool')).map((e) => e.text)).toEqual([
      'Bash echo hi > shell.txt',
      'Bash ok: (Bash completed with no output)',
    ]);
    expect(ok.kinds).not.toContain('file_change');
    const denied = parse(recorded('claude', 'bash-denied'));
    expect(denied.events.find((e) => e.kind === 'tool_result')!.text).toBe(
      'Bash error: This command requires approval',
    );
    expect(denied.outcome).toEqual({ ok: true });
    expect(denied.events.at(-1)!.text).toContain('; permission denied: Bash');
  });

  test('max-turns: is_error with no result text; the reason comes from errors[]', () => {
    const f = parse(recorded('claude', 'max-turns'));
    expect(f.outcome).toEqual({ ok: false, reason: 'Reached maximum number of turns (1)' });
    expect(f.kinds).toContain('file_change');
  });
});

describe('claude parser, edge cases', () => {
  const line = (o: unknown) => JSON.stringify(o);
  const usage = {
    input_tokens: 10,
    cache_read_input_tokens: 5,
    cache_creation_input_tokens: 1,
    output_tokens: 3,
  };

  test('content blocks of one message id (separate lines, same usage) count once', () => {
    const msg = (content: unknown[], out = 3) =>
      line({ type: 'assistant', message: { id: 'm1', content, usage: { ...usage, output_tokens: out } } });
    const f = parse([
      msg([{ type: 'thinking', thinking: 'let me think' }]),
      msg([{ type: 'text', text: 'I will write.' }]),
      msg([{ type: 'tool_use', id: 't1', name: 'Write', input: { file_path: '/r/a.txt', content: 'x' } }], 9),
    ]);
    expect(f.kinds).toEqual(['reasoning', 'assistant', 'tool_call']);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([1, 16, 9]);
  });

  test('a result after live counts adds only the difference up to its totals, never double counts', () => {
    const assistant = (id: string) =>
      line({ type: 'assistant', message: { id, content: [{ type: 'text', text: id }], usage } });
    const f = parse([
      assistant('m1'),
      assistant('m2'),
      line({
        type: 'result',
        is_error: false,
        result: 'b',
        num_turns: 3,
        total_cost_usd: 0.5,
        usage: { input_tokens: 1, output_tokens: 1 },
        modelUsage: {
          big: { inputTokens: 40, outputTokens: 50, cacheReadInputTokens: 10, cacheCreationInputTokens: 0 },
          small: { inputTokens: 5, outputTokens: 2 },
        },
      }),
    ]);
    // Live: 2 turns, 2 × 16 in, 2 × 3 out. Result (modelUsage wins over usage): 3 turns, 55 in, 52 out.
    expect(f.events.at(-1)!.stats).toEqual({ turns: 1, tokens_in: 23, tokens_out: 46, cost_usd: 0.5 });
    expect([f.turns, f.tokens_in, f.tokens_out, f.cost_usd]).toEqual([3, 55, 52, 0.5]);
  });

  test('a result with totals below the live counts takes nothing back', () => {
    const f = parse([
      line({ type: 'assistant', message: { id: 'm1', content: [{ type: 'text', text: 'a' }], usage } }),
      line({ type: 'result', is_error: false, num_turns: 1, usage: { input_tokens: 2, output_tokens: 1 } }),
    ]);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([1, 16, 3]);
    expect(f.events.at(-1)!.stats).toBeUndefined();
  });

  test('a run without a result line keeps its live counts and has no outcome', () => {
    const f = parse([
      line({ type: 'assistant', message: { id: 'm1', content: [{ type: 'text', text: 'a' }], usage } }),
    ]);
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([1, 16, 3]);
    expect(f.outcome).toBeUndefined();
  });

  test('error results: reason from result text, else errors, else subtype', () => {
    expect(
      parse([
        line({ type: 'result', is_error: true, subtype: 'error_max_turns', errors: ['too many turns'] }),
      ]).outcome,
    ).toEqual({
      ok: false,
      reason: 'too many turns',
    });
    expect(
      parse([line({ type: 'result', is_error: true, subtype: 'error_during_execution' })]).outcome,
    ).toEqual({
      ok: false,
      reason: 'error_during_execution',
    });
  });

  test('system api_retry is an error line; other system subtypes and unknown types are raw', () => {
    const retry = line({
      type: 'system',
      subtype: 'api_retry',
      attempt: 1,
      max_retries: 10,
      error: 'overloaded',
    });
    const other = line({ type: 'system', subtype: 'compact_boundary' });
    const unknown = line({ type: 'rate_limit_event', info: {} });
    const f = parse([retry, other, unknown]);
    expect(f.events).toEqual([
      { kind: 'error', text: 'API retry 1/10: overloaded' },
      { kind: 'raw', text: other },
      { kind: 'raw', text: unknown },
    ]);
  });
});
