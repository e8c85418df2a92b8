/**
 * The Manager's logic on the fakes (test/fakes): worktree and branch per coder, exit codes, ordered
 * logs framed by run notes, pause/resume/stop and the kill after the grace period, re-adoption after
 * a restart, a vanished run, max_concurrent, bad input, id prefixes and the remove guards. The same
 * paths with real git and processes: test/core/manager.test.ts (the integration cases).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { AicoderError } from '../../src/core/errors.js';
import { cleanupTemp, waitFor } from '../helpers/env.js';
import { FakeClock } from '../fakes/clock.js';
import { startFakeManager, type FakeManager } from '../fakes/manager.js';
import { linesProgram, type FakeProcess } from '../fakes/runner.js';

let fm: FakeManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AicoderError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected an error');
}

/** A program that prints one line, then waits for a signal. */
const idle = (p: FakeProcess): void => void p.out('up');

describe('Manager on fake git and processes', () => {
  it('creates a worktree on its branch, runs the command, records exit codes and ordered logs', async () => {
    fm = await startFakeManager({
      programs: { lines: linesProgram(), fail3: linesProgram({ exitCode: 3 }) },
    });
    const repo = fm.repo();
    const ok = await fm.manager.create({ task: '20', repo });
    expect(['queued', 'starting']).toContain(ok.state);
    expect(ok.branch).toMatch(new RegExp(`^aicoder/${ok.id}-20$`));
    const wt = fm.git.worktree(ok.workspace);
    expect(wt.branch).toBe(ok.branch);
    expect(ok.base_commit).toBe(fm.git.repo(repo).branches.get('main'));
    const done = await fm.manager.wait(ok.id, { for: 'terminal', timeout_ms: 20_000 });
    expect(done.coder.state).toBe('completed');
    expect(done.coder.exit_code).toBe(0);
    const logs = fm.manager.logs(ok.id, {});
    expect(logs.entries.map((e) => e.text)).toEqual([
      '── run 1 started ──',
      ...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`),
      'run 1 ended: the agent finished (exit code 0)',
    ]);
    expect(logs.entries.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(logs.done).toBe(true);
    expect(done.coder.stats.last_message).toBe('line 20');
    // The run's argv is the provider's, the task one element (never through a shell); cwd the worktree.
    const run = fm.runner.of(ok.id)!;
    expect(run.argv).toEqual(['lines', '20']);
    expect(run.spec.cwd).toBe(ok.workspace);

    const bad = await fm.manager.create({ task: '2', repo, provider: 'fail3' });
    const end = await fm.manager.wait(bad.id.slice(0, 5), { for: 'terminal', timeout_ms: 20_000 });
    expect(end.coder.state).toBe('failed');
    expect(end.coder.exit_code).toBe(3);
    expect(end.coder.error).toContain('code 3');
  });

  it('pauses the run, resumes it, stops it, and SIGKILLs a run that outlives the grace period', async () => {
    const clock = new FakeClock();
    fm = await startFakeManager({ clock, programs: { idle }, config: { stop_grace_ms: 2000 } });
    const repo = fm.repo();
    const c = await fm.manager.create({ task: 'x', repo });
    await waitFor(() => fm!.manager.logs(c.id, {}).entries.some((e) => e.text === 'up'), {
      what: 'first line',
    });
    const p = fm.runner.of(c.id)!;
    expect(fm.manager.get(c.id).state).toBe('running');
    expect(fm.manager.get(c.id).pid).toBe(p.record.pid);
    await fm.manager.control(c.id, { action: 'pause' });
    expect(fm.manager.get(c.id).state).toBe('paused');
    expect(p.status).toBe('paused');
    expect(await codeOf(fm.manager.control(c.id, { action: 'pause' }))).toBe(
      `illegal_transition: cannot pause coder ${c.id}: it is paused`,
    );
    await fm.manager.control(c.id, { action: 'resume' });
    expect(p.status).toBe('running');
    p.out('after resume');
    const stopped = await fm.manager.control(c.id, { action: 'stop' });
    expect(stopped.coder.state).toBe('stopped');
    // SIGTERM (the run's end may send it again to what is left of the group), never SIGKILL.
    expect(p.signals.slice(0, 3)).toEqual(['pause', 'resume', 'terminate']);
    expect(p.signals).not.toContain('kill');
    expect(fm.manager.logs(c.id, {}).entries.map((e) => e.text)).toContain('after resume');
    expect(await codeOf(fm.manager.control(c.id, { action: 'resume' }))).toMatch(
      /cannot resume coder .*: it is stopped/,
    );

    // An agent that ignores SIGTERM gets SIGKILL once stop_grace_ms has passed on the clock.
    const d = await fm.manager.create({ task: 'y', repo });
    const q = await waitFor(() => fm!.runner.of(d.id));
    q.onTerminate = 'ignore';
    await waitFor(() => fm!.manager.get(d.id).state === 'running', { what: 'running' });
    const stopping = fm.manager.control(d.id, { action: 'stop' });
    await waitFor(() => q.signals.includes('terminate'), { what: 'SIGTERM' });
    expect(q.status).toBe('running');
    await clock.advanceAsync(1_999);
    expect(q.signals).not.toContain('kill');
    await clock.advanceAsync(1);
    await waitFor(() => q.signals.includes('kill'), { what: 'SIGKILL' });
    expect((await stopping).coder.state).toBe('stopped');
    expect(q.result).toEqual({ exit_code: null, signal: 'SIGKILL' });
  });

  it('re-adopts running coders after a restart: every line exactly once, right exit codes', async () => {
    fm = await startFakeManager({ programs: { idle } });
    const repo = fm.repo();
    const a = await fm.manager.create({ task: 'a', repo });
    const b = await fm.manager.create({ task: 'b', repo });
    const pa = await waitFor(() => fm!.runner.of(a.id));
    const pb = await waitFor(() => fm!.runner.of(b.id));
    await waitFor(() => fm!.manager.get(b.id).state === 'running', { what: 'b running' });
    for (let i = 1; i <= 50; i++) pa.out(`line ${i}`);
    await waitFor(() => fm!.manager.logs(a.id, {}).entries.length >= 51, { what: 'a logs' });
    // While no manager watches, a goes on writing and b ends: adoption reads from the recorded offsets.
    const m2 = await fm.restart(() => {
      for (let i = 51; i <= 100; i++) pa.out(`line ${i}`);
      pb.out('only line');
      pb.exit(7);
    });
    pa.exit(0);
    const ea = await m2.wait(a.id, { for: 'terminal', timeout_ms: 30_000 });
    const eb = await m2.wait(b.id, { for: 'terminal', timeout_ms: 30_000 });
    expect(ea.coder.state).toBe('completed');
    expect(eb.coder.state).toBe('failed');
    expect(eb.coder.exit_code).toBe(7);
    const texts = (id: string): string[] =>
      m2
        .logs(id, {})
        .entries.filter((e) => e.stream !== 'system')
        .map((e) => e.text);
    expect(texts(a.id)).toEqual(['up', ...Array.from({ length: 100 }, (_, i) => `line ${i + 1}`)]);
    expect(texts(b.id)).toEqual(['up', 'only line']);
  });

  it('marks a coder interrupted when its process vanished while the manager was away', async () => {
    fm = await startFakeManager({ programs: { idle } });
    const c = await fm.manager.create({ task: 'x', repo: fm.repo() });
    await waitFor(() => fm!.manager.get(c.id).state === 'running', { what: 'running' });
    const p = fm.runner.of(c.id)!;
    // SIGKILLed while away: the wrapper died too, so no exit status was recorded.
    const m2 = await fm.restart(() => p.signal('kill'));
    const after = m2.get(c.id);
    expect(after.state).toBe('interrupted');
    expect(after.error).toMatch(/vanished/);
  });

  it('never runs more than max_concurrent at once and runs everything queued', async () => {
    fm = await startFakeManager({ programs: { q: linesProgram() }, config: { max_concurrent: 3 } });
    const repo = fm.repo();
    let peak = 0;
    const live = new Set<string>();
    fm.manager.subscribe((e) => {
      if (e.type !== 'coder.state') return;
      if (e.coder.state === 'starting') live.add(e.coder.id);
      if (['completed', 'failed', 'stopped', 'interrupted'].includes(e.coder.state)) live.delete(e.coder.id);
      peak = Math.max(peak, live.size);
    });
    const made: Coder[] = [];
    for (let i = 0; i < 10; i++) made.push(await fm.manager.create({ task: '10', repo, autostart: false }));
    for (const c of made) await fm.manager.control(c.id, { action: 'start' });
    for (const c of made) {
      const r = await fm.manager.wait(c.id, { for: 'terminal', timeout_ms: 30_000 });
      expect(r.coder.state).toBe('completed');
    }
    expect(peak).toBe(3);
  });

  it('rejects bad input with clear errors and leaves nothing behind', async () => {
    fm = await startFakeManager({ programs: { lines: linesProgram() } });
    const repo = fm.repo();
    const branchesBefore = [...fm.git.repo(repo).branches.keys()];
    expect(await codeOf(fm.manager.create({ task: 'x', repo: '/' }))).toMatch(/^not_a_repo/);
    expect(await codeOf(fm.manager.create({ task: 'x', repo, base_ref: 'nope' }))).toMatch(
      /^unknown_ref: .*nope/,
    );
    expect(await codeOf(fm.manager.create({ task: 'x', repo, provider: 'nosuch' }))).toMatch(
      /^unknown_provider: unknown provider 'nosuch'; registered: .*lines/,
    );
    expect(await codeOf(fm.manager.create({ task: '', repo }))).toBe('invalid_input: task must not be empty');
    expect(await codeOf(fm.manager.create({ task: 'x'.repeat(20_001), repo }))).toMatch(
      /task must be 1–20000 characters/,
    );
    expect(await codeOf(Promise.resolve().then(() => fm!.manager.get('zz')))).toBe(
      "not_found: no coder 'zz'",
    );
    expect([...fm.git.repo(repo).branches.keys()]).toEqual(branchesBefore);
    expect(fm.git.worktrees.size).toBe(0);
    expect(fm.runner.spawned).toEqual([]);
  });

  it('resolves unique prefixes and reports ambiguous ones', async () => {
    fm = await startFakeManager({ programs: { lines: linesProgram() } });
    const repo = fm.repo();
    const made = [];
    for (let i = 0; i < 20; i++) made.push(await fm.manager.create({ task: '1', repo, autostart: false }));
    const a = made[0]!;
    expect(fm.manager.get(a.id.slice(0, 8)).id).toBe(a.id);
    const byFirst = new Map<string, number>();
    for (const c of made) byFirst.set(c.id[0]!, (byFirst.get(c.id[0]!) ?? 0) + 1);
    // 20 ids over 16 possible first characters: at least one first character is shared.
    const shared = [...byFirst].find(([, n]) => n > 1)!;
    expect(await codeOf(Promise.resolve().then(() => fm!.manager.get(shared[0])))).toMatch(/^ambiguous_id/);
    expect(fm.manager.list({ states: ['created'] }).total).toBe(20);
  });

  it('removes a coder with its worktree and branch, and guards uncommitted work', async () => {
    fm = await startFakeManager({ programs: { lines: linesProgram() } });
    const repo = fm.repo();
    const c = await fm.manager.create({ task: '1', repo });
    await fm.manager.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });
    fm.git.edit(c.workspace, 'new.txt', { status: 'untracked' });
    expect(await codeOf(fm.manager.control(c.id, { action: 'remove' }))).toMatch(/^dirty_worktree/);
    expect(fm.git.worktrees.has(c.workspace)).toBe(true);
    const r = await fm.manager.control(c.id, { action: 'remove', force: true });
    expect(r.removed).toBe(true);
    expect(fm.git.worktrees.has(c.workspace)).toBe(false);
    expect(fm.git.repo(repo).branches.has(c.branch)).toBe(false);
    expect(await codeOf(Promise.resolve().then(() => fm!.manager.get(c.id)))).toMatch(/^not_found/);
  });
});
