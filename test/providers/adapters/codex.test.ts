/** The codex parser on lines recorded from real Codex CLI 0.169.0 runs (test/agents/codex.test.ts). */
import { describe, expect, test } from 'vitest';
import { createCodexParser } from '../../../src/providers/codex.js';
import { fold, lineOfType, recorded } from './aggregate.js';

const parse = (lines: string[], baseline?: { tokens_in: number; tokens_out: number }) =>
  fold(createCodexParser(baseline === undefined ? {} : { baseline }), lines);

describe('codex parser, recorded runs', () => {
  test('write-file: thread id, apply_patch call, file change, final message, usage from turn.completed', () => {
    const lines = recorded('codex', 'write-file');
    const f = parse(lines);
    expect(f.kinds).toEqual(['session_started', 'status', 'tool_call', 'file_change', 'assistant', 'result']);
    expect(f.session_id).toBe(lineOfType(lines, 'thread.started').thread_id);
    expect(f.events[2]!.text).toMatch(/^apply_patch add \/.*\/hello\.txt$/);
    expect(f.events[3]!.text).toMatch(/^add \/.*\/hello\.txt$/);
    expect(f.last_message).toBe('Done: wrote hello.txt');
    expect(f.outcome).toEqual({ ok: true });
    expect([f.turns, f.tokens_in, f.tokens_out, f.cost_usd]).toEqual([1, 2400, 68, 0]);
    expect(f.events.at(-1)!.text).toBe('turn completed (2400 in / 68 out, thread total)');
  });

  test('resume: turn.completed is cumulative for the thread; a baseline makes the delta per run', () => {
    const lines = recorded('codex', 'resume');
    expect(lineOfType(lines, 'turn.completed').usage).toMatchObject({
      input_tokens: 2900,
      output_tokens: 75,
    });
    expect(parse(lines).tokens_in).toBe(2900);
    const f = parse(lines, { tokens_in: 2400, tokens_out: 68 });
    expect([f.turns, f.tokens_in, f.tokens_out]).toEqual([1, 500, 7]);
    expect(f.session_id).toBe(parse(recorded('codex', 'write-file')).session_id);
    expect(f.last_message).toBe('Follow-up answer: hello.txt holds the greeting');
  });

  test('shell: command_execution start and completion', () => {
    const f = parse(recorded('codex', 'shell'));
    expect(f.events.filter((e) => e.kind.startsWith('tool')).map((e) => e.text)).toEqual([
      "$ /bin/bash -lc 'echo hi > shell.txt && echo written'",
      "$ /bin/bash -lc 'echo hi > shell.txt && echo written': completed exit 0 — written",
    ]);
  });

  test.each([
    ['error-401', 'unexpected status 401 Unauthorized: scripted failure 401 for codex'],
    ['error-503', 'unexpected status 503 Service Unavailable: scripted failure 503 for codex'],
    ['error-500', 'We’re currently experiencing high demand'],
  ])(
    '%s: turn.failed gives a failed outcome with its message; the error event is an error line',
    (name, message) => {
      const f = parse(recorded('codex', name));
      expect(f.kinds).toEqual(['session_started', 'status', 'error', 'result']);
      expect(f.outcome?.ok).toBe(false);
      expect(f.outcome?.reason).toContain(message);
      expect(f.turns).toBe(1);
    },
  );
});

describe('codex parser, items not seen in the recordings (documented shapes)', () => {
  const item = (phase: string, it: Record<string, unknown>) =>
    JSON.stringify({ type: `item.${phase}`, item: it });

  test('mcp_tool_call, todo_list, reasoning, web_search and error items', () => {
    const f = parse([
      item('started', {
        type: 'mcp_tool_call',
        server: 'aicoder',
        tool: 'ai_coder_list',
        arguments: { limit: 5 },
        status: 'in_progress',
      }),
      item('completed', {
        type: 'mcp_tool_call',
        server: 'aicoder',
        tool: 'ai_coder_list',
        status: 'completed',
        result: { content: [{ type: 'text', text: '3 coders' }] },
      }),
      item('completed', {
        type: 'mcp_tool_call',
        server: 'aicoder',
        tool: 'x',
        status: 'failed',
        error: { message: 'requires approval' },
      }),
      item('updated', {
        type: 'todo_list',
        items: [
          { text: 'a', completed: true },
          { text: 'b', completed: false },
        ],
      }),
      item('completed', { type: 'reasoning', text: 'thinking about it' }),
      item('started', { type: 'web_search', query: 'vitest' }),
      item('completed', { type: 'error', message: 'Model metadata not found' }),
      item('completed', { type: 'brand_new_item', x: 1 }),
    ]);
    expect(f.events.map((e) => [e.kind, e.text])).toEqual([
      ['tool_call', 'aicoder.ai_coder_list {"limit":5}'],
      ['tool_result', 'aicoder.ai_coder_list ok: 3 coders'],
      ['tool_result', 'aicoder.x error: requires approval'],
      ['todo', '[x] a; [ ] b'],
      ['reasoning', 'thinking about it'],
      ['tool_call', 'web_search vitest'],
      ['error', 'Model metadata not found'],
      ['raw', item('completed', { type: 'brand_new_item', x: 1 })],
    ]);
  });

  test('a top-level error is not an outcome (Codex reconnects); only the turn end decides', () => {
    const f = parse([JSON.stringify({ type: 'error', message: 'Reconnecting... 1/5' })]);
    expect(f.events).toEqual([{ kind: 'error', text: 'Reconnecting... 1/5' }]);
    expect(f.outcome).toBeUndefined();
  });

  test("a command that fails because Codex's sandbox helper is missing gets an error naming the cause", () => {
    const item = {
      id: 'item_0',
      type: 'command_execution',
      command: "/bin/bash -lc 'echo hi > x'",
      aggregated_output: 'bwrap: execvp codex-linux-sandbox: No such file or directory\n',
      exit_code: 1,
      status: 'failed',
    };
    const events = createCodexParser().parse(JSON.stringify({ type: 'item.completed', item }), 'stdout');
    expect(events.map((e) => e.kind)).toEqual(['tool_result', 'error']);
    expect(events[1]!.text).toMatch(/CODEX_HOME is under a temp dir/);
  });
});
