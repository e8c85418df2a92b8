import { describe, expect, it } from 'vitest';
import { decideOutcome, parseLines } from '../../src/core/outcome.js';
import type { OutputParser } from '../../src/core/ports.js';

const run = { stopRequested: false, outcome: null, structured: false };

describe('decideOutcome', () => {
  it('a user stop wins over everything else', () => {
    expect(
      decideOutcome(
        { ...run, stopRequested: true, outcome: { ok: true } },
        { exit_code: 0, signal: null },
        null,
      ),
    ).toEqual({ state: 'stopped', error: null });
  });

  it("the agent's final event wins over the exit code", () => {
    expect(
      decideOutcome(
        { ...run, outcome: { ok: false, reason: 'API Error: 500 boom' } },
        { exit_code: 0, signal: null },
        null,
      ),
    ).toEqual({ state: 'failed', error: 'API Error: 500 boom' });
    expect(decideOutcome({ ...run, outcome: { ok: true } }, { exit_code: 1, signal: null }, null).state).toBe(
      'completed',
    );
  });

  it('a structured stream without its final event was aborted', () => {
    const r = decideOutcome({ ...run, structured: true }, { exit_code: 0, signal: null }, null);
    expect(r).toEqual({
      state: 'failed',
      error: 'the agent ended without a final result (it exited with code 0)',
    });
  });

  it('quotes the last stderr line when a failure has no reason of its own', () => {
    const r = decideOutcome(
      { ...run, lastStderr: 'aicoder-wrap: command not found: claude' },
      { exit_code: 127, signal: null },
      null,
    );
    expect(r).toEqual({
      state: 'failed',
      error: 'the process exited with code 127: aicoder-wrap: command not found: claude',
    });
    expect(decideOutcome(run, { exit_code: null, signal: 'SIGKILL' }, null).error).toBe(
      'the process was killed by SIGKILL',
    );
    expect(decideOutcome(run, { exit_code: 0, signal: null }, null)).toEqual({
      state: 'completed',
      error: null,
    });
  });
});

describe('parseLines', () => {
  it('keeps a line raw when the parser throws, and sums stats', () => {
    const parser: OutputParser = {
      parse(line) {
        if (line === 'bad') throw new Error('nope');
        return [{ kind: 'usage', text: line, stats: { tokens_in: 2, turns: 1 }, last_message: line }];
      },
    };
    const errors: unknown[] = [];
    const b = parseLines(parser, { stream: 'stdout', lines: ['a', 'bad', 'c'], offset: 9 }, 'T', (e) =>
      errors.push(e),
    );
    expect(b.entries.map((e) => [e.kind, e.text])).toEqual([
      ['usage', 'a'],
      ['raw', 'bad'],
      ['usage', 'c'],
    ]);
    expect(b.stats).toEqual({ turns: 2, tokens_in: 4, tokens_out: 0, cost_usd: 0, cost_estimated: false });
    expect(b.lastMessage).toBe('c');
    expect(errors).toHaveLength(1);
  });

  it('drops a session id that is not an identifier (an agent could make it an option) and says so', () => {
    const parser: OutputParser = {
      parse: (line) => [{ kind: 'session_started', text: line, session_id: line }],
    };
    const evil = parseLines(
      parser,
      { stream: 'stdout', lines: ['--dangerously-bypass-approvals-and-sandbox'], offset: 0 },
      'T',
      () => undefined,
    );
    expect(evil.sessionId).toBeUndefined();
    expect(evil.entries.at(-1)).toMatchObject({
      kind: 'error',
      text: expect.stringMatching(/^ignored session id/),
    });
    for (const bad of ['-x', 'a b', 'a\nb', '', 'x'.repeat(129), 'a;b', '$(id)']) {
      const b = parseLines(parser, { stream: 'stdout', lines: [bad], offset: 0 }, 'T', () => undefined);
      expect(b.sessionId).toBeUndefined();
    }
    for (const good of ['0199a8c2-7c1e-7f41-9d7e-3c1a2b3c4d5e', 'ses_7f3a9B', 'abc']) {
      expect(
        parseLines(parser, { stream: 'stdout', lines: [good], offset: 0 }, 'T', () => undefined).sessionId,
      ).toBe(good);
    }
  });
});
