/**
 * Talk-back in the core on a fake clock (no sleeps): stall flag set and cleared, timeout_s, budget_usd
 * and max_turns stop the coder with the reason, questions put it in needs_input until answered.
 * On the fakes (test/fakes): scripted agent output, in-memory git, time driven by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, waitFor } from '../helpers/env.js';
import { FakeClock } from '../fakes/clock.js';
import { startFakeManager, type FakeManager } from '../fakes/manager.js';
import type { FakeProgram } from '../fakes/runner.js';

let tm: FakeManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

/** Prints its task's lines, then waits until stopped. */
const printTask: FakeProgram = (p) => void p.out(...(p.argv[1] ?? '').split('\n'));
/** `sleeper` prints as text; `claude-like` is parsed as Claude Code stream-json (usage lines count turns and cost). */
const programs = { sleeper: printTask, 'claude-like': printTask };
const parsers = { 'claude-like': 'claude' };

function lines(...objs: unknown[]): string {
  return objs.map((o) => JSON.stringify(o)).join('\n');
}
const assistant = (id: string) => ({
  type: 'assistant',
  message: {
    id,
    role: 'assistant',
    content: [{ type: 'text', text: `turn ${id}` }],
    usage: { input_tokens: 10, output_tokens: 5 },
  },
  session_id: 's1',
});

async function running(id: string, firstText: string): Promise<void> {
  await tm!.manager.wait(id, { for: ['running'], timeout_ms: 10_000 });
  await waitFor(() => tm!.manager.logs(id, {}).entries.some((e) => e.text.includes(firstText)), {
    what: 'first output',
  });
}

describe('talk-back on the injected clock', () => {
  it('flags a quiet running coder stalled after stall_after_s and clears the flag on activity', async () => {
    const clock = new FakeClock();
    tm = await startFakeManager({ clock, programs, parsers, config: { stall_after_s: 300 } });
    const c = await tm.manager.create({ task: 'hello', repo: tm.repo(), provider: 'sleeper' });
    await running(c.id, 'hello');
    clock.advance(299_000);
    expect(tm.manager.get(c.id).stalled).toBe(false);
    clock.advance(1_000);
    expect(tm.manager.get(c.id).stalled).toBe(true);
    expect(tm.manager.logs(c.id, { kinds: ['stalled'] }).entries[0]?.text).toBe(
      'no output, event or heartbeat for 300 s',
    );
    tm.manager.coderSide.heartbeat(c.id);
    expect(tm.manager.get(c.id).stalled).toBe(false);
    expect(tm.manager.logs(c.id, { kinds: ['stall_cleared'] }).entries).toHaveLength(1);
    // The heartbeat started a new quiet period.
    clock.advance(299_000);
    expect(tm.manager.get(c.id).stalled).toBe(false);
    clock.advance(1_000);
    expect(tm.manager.get(c.id).stalled).toBe(true);
    const { coder } = await tm.manager.control(c.id, { action: 'stop' });
    expect(coder.state).toBe('stopped');
    expect(coder.stalled).toBe(false);
  });

  it('stops a coder when timeout_s passes, with the reason', async () => {
    const clock = new FakeClock();
    tm = await startFakeManager({ clock, programs, parsers, config: { stop_grace_ms: 2000 } });
    const c = await tm.manager.create({ task: 'go', repo: tm.repo(), provider: 'sleeper', timeout_s: 5 });
    expect(c.limits).toEqual({ max_turns: null, timeout_s: 5, budget_usd: null });
    await running(c.id, 'go');
    clock.advance(4_999);
    expect(tm.manager.get(c.id).state).toBe('running');
    clock.advance(1);
    const end = await tm.manager.wait(c.id, { for: 'terminal', timeout_ms: 10_000 });
    expect(end.coder.state).toBe('stopped');
    expect(end.coder.error).toBe('stopped: timeout 5 s reached');
    expect(tm.manager.logs(c.id, { kinds: ['limit'] }).entries.map((e) => e.text)).toEqual([
      'stopped: timeout 5 s reached',
    ]);
  });

  it('stops a coder whose reported cost reaches budget_usd, with the reason', async () => {
    tm = await startFakeManager({ programs, parsers, config: { budget_usd: 0.5 } });
    const task = lines(
      { type: 'system', subtype: 'init', session_id: 's1', model: 'm', cwd: '/', tools: [] },
      assistant('m1'),
      {
        type: 'result',
        subtype: 'success',
        is_error: false,
        result: 'x',
        num_turns: 1,
        total_cost_usd: 0.75,
        session_id: 's1',
      },
    );
    const c = await tm.manager.create({ task, repo: tm.repo(), provider: 'claude-like' });
    expect(c.limits.budget_usd).toBe(0.5);
    const end = await tm.manager.wait(c.id, { for: 'terminal', timeout_ms: 15_000 });
    expect(end.coder.state).toBe('stopped');
    expect(end.coder.error).toBe('stopped: budget 0.50 USD reached');
    expect(end.coder.stats.cost_usd).toBeCloseTo(0.75);
  });

  it('stops a coder that starts a turn beyond max_turns', async () => {
    tm = await startFakeManager({ programs, parsers });
    const task = lines(assistant('m1'), assistant('m2'), assistant('m3'));
    const c = await tm.manager.create({ task, repo: tm.repo(), provider: 'claude-like', max_turns: 2 });
    const end = await tm.manager.wait(c.id, { for: 'terminal', timeout_ms: 15_000 });
    expect(end.coder.state).toBe('stopped');
    expect(end.coder.error).toBe('stopped: max_turns 2 reached');
  });

  it('rejects bad limits naming the field', async () => {
    tm = await startFakeManager({ programs, parsers });
    const repo = tm.repo();
    await expect(tm.manager.create({ task: 'x', repo, max_turns: 0 })).rejects.toThrow(/max_turns must be/);
    await expect(tm.manager.create({ task: 'x', repo, budget_usd: -1 })).rejects.toThrow(
      /budget_usd must be/,
    );
    await expect(tm.manager.create({ task: 'x', repo, timeout_s: 0 })).rejects.toThrow(/timeout_s must be/);
  });

  it('a question puts the coder in needs_input until answered; the answer is the tool result', async () => {
    const clock = new FakeClock();
    tm = await startFakeManager({ clock, programs, parsers, config: { ask_timeout_s: 600 } });
    const c = await tm.manager.create({ task: 'q', repo: tm.repo(), provider: 'sleeper' });
    await running(c.id, 'q');
    await expect(tm.manager.control(c.id, { action: 'answer', message: 'x' })).rejects.toThrow(
      /has asked nothing/,
    );
    const asked = tm.manager.coderSide.askUser(c.id, 'Postgres or SQLite?', 'the schema needs one');
    const waiting = tm.manager.get(c.id);
    expect(waiting.state).toBe('needs_input');
    expect(waiting.question).toBe('Postgres or SQLite?');
    await expect(tm.manager.control(c.id, { action: 'answer' })).rejects.toThrow(/message is required/);
    const r = await tm.manager.control(c.id, { action: 'answer', message: 'SQLite' });
    expect(r.coder.state).toBe('running');
    expect(r.coder.question).toBeNull();
    await expect(asked).resolves.toEqual({ answered: true, answer: 'SQLite' });
    expect(tm.manager.logs(c.id, { kinds: ['question', 'answer'] }).entries.map((e) => e.kind)).toEqual([
      'question',
      'answer',
    ]);

    // Unanswered within ask_timeout_s: the tool returns, the coder runs on, the question stays.
    const late = tm.manager.coderSide.askUser(c.id, 'Still there?');
    clock.advance(600_000);
    await expect(late).resolves.toEqual({ answered: false, reason: 'no answer within 600 s' });
    expect(tm.manager.get(c.id)).toMatchObject({ state: 'running', question: 'Still there?' });

    // Progress lands on the record and in the logs.
    const p = tm.manager.coderSide.reportProgress(c.id, 'schema written', 40);
    expect(p.progress).toMatchObject({ message: 'schema written', percent: 40 });
    expect(() => tm!.manager.coderSide.reportProgress(c.id, 'x', 140)).toThrow(/percent must be/);
    await tm.manager.control(c.id, { action: 'stop' });
  });
});
