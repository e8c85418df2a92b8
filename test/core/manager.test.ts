import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { AicoderError } from '../../src/core/errors.js';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { linesProvider, startTestManager, type TestManager } from '../helpers/manager.js';

let tm: TestManager | undefined;
afterEach(async () => {
  await tm?.close();
  tm = undefined;
});
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

function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

describe('Manager with real git, SQLite and processes', () => {
  it('creates a worktree on its branch, runs the command, records exit codes and ordered logs', async () => {
    tm = await startTestManager({
      providers: [linesProvider('lines'), linesProvider('fail3', { exitCode: 3 })],
    });
    const repo = makeRepo();
    const ok = await tm.manager.create({ task: '20', repo });
    expect(['queued', 'starting']).toContain(ok.state);
    expect(ok.branch).toMatch(new RegExp(`^aicoder/${ok.id}-20$`));
    expect(git(ok.workspace, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(ok.branch);
    expect(ok.base_commit).toBe(git(repo, 'rev-parse', 'HEAD'));
    const done = await tm.manager.wait(ok.id, { for: 'terminal', timeout_ms: 20_000 });
    expect(done.coder.state).toBe('completed');
    expect(done.coder.exit_code).toBe(0);
    const logs = tm.manager.logs(ok.id, {});
    // The run is framed by aicoder's own notes: its start, then the agent's lines, then its end.
    expect(logs.entries.map((e) => e.text)).toEqual([
      '── run 1 started ──',
      ...Array.from({ length: 20 }, (_, i) => `line ${i + 1}`),
      'run 1 ended: the agent finished (exit code 0)',
    ]);
    expect(logs.entries.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(logs.done).toBe(true);
    expect(done.coder.stats.last_message).toBe('line 20');

    const bad = await tm.manager.create({ task: '2', repo, provider: 'fail3' });
    const end = await tm.manager.wait(bad.id.slice(0, 5), { for: 'terminal', timeout_ms: 20_000 });
    expect(end.coder.state).toBe('failed');
    expect(end.coder.exit_code).toBe(3);
    expect(end.coder.error).toContain('code 3');
  });

  it('pauses the whole process group, resumes it, and stops it within the grace period', async () => {
    tm = await startTestManager({
      providers: [linesProvider('slow', { delay: '0.05' })],
      config: { stop_grace_ms: 2000 },
    });
    const repo = makeRepo();
    const c = await tm.manager.create({ task: '100000', repo, provider: 'slow' });
    await waitFor(() => tm!.manager.logs(c.id, {}).entries.length >= 2, { what: 'first lines' });
    const running = tm.manager.get(c.id);
    expect(running.state).toBe('running');
    await tm.manager.control(c.id, { action: 'pause' });
    expect(tm.manager.get(c.id).state).toBe('paused');
    await waitFor(() => procState(running.pid!) === 'T', { what: 'group stopped' });
    // While paused, nothing new may arrive: a 300 ms window (~6 lines of a running writer) brings no
    // entry. Lines written just before the pause may still be read in (the tailer reads a growing file
    // in batches), so the window starts again after any that arrive; a writer still running never
    // leaves a quiet window.
    let seqAtPause = tm.manager.logs(c.id, { tail: 1 }).next_seq;
    let windowEnds = Date.now() + 300;
    await waitFor(
      () => {
        expect(procState(running.pid!)).toBe('T');
        const seq = tm!.manager.logs(c.id, { tail: 1 }).next_seq;
        if (seq !== seqAtPause) {
          seqAtPause = seq;
          windowEnds = Date.now() + 300;
          return false;
        }
        return Date.now() > windowEnds;
      },
      { what: 'a 300 ms window without output while paused', timeoutMs: 5_000 },
    );
    expect(await codeOf(tm.manager.control(c.id, { action: 'pause' }))).toBe(
      `illegal_transition: cannot pause coder ${c.id}: it is paused`,
    );
    await tm.manager.control(c.id, { action: 'resume' });
    await waitFor(() => tm!.manager.logs(c.id, { tail: 1 }).next_seq > seqAtPause + 3, {
      what: 'output resumes',
    });
    const t0 = Date.now();
    const stopped = await tm.manager.control(c.id, { action: 'stop' });
    expect(Date.now() - t0).toBeLessThan(2000 + scaled(1500));
    expect(stopped.coder.state).toBe('stopped');
    expect(existsSync(`/proc/${running.pid!}`)).toBe(false);
    expect(await codeOf(tm.manager.control(c.id, { action: 'resume' }))).toMatch(
      /cannot resume coder .*: it is stopped/,
    );
  });

  it('re-adopts running coders after a restart: every line exactly once, right exit codes', async () => {
    tm = await startTestManager({
      providers: [linesProvider('p', { delay: '0.01' }), linesProvider('p7', { delay: '0.01', exitCode: 7 })],
    });
    const repo = makeRepo();
    const a = await tm.manager.create({ task: '150', repo, provider: 'p' });
    const b = await tm.manager.create({ task: '150', repo, provider: 'p7' });
    await waitFor(() => tm!.manager.logs(a.id, {}).entries.length > 10, { what: 'some output' });
    const m2 = await tm.restart();
    const ea = await m2.wait(a.id, { for: 'terminal', timeout_ms: 30_000 });
    const eb = await m2.wait(b.id, { for: 'terminal', timeout_ms: 30_000 });
    expect(ea.coder.state).toBe('completed');
    expect(eb.coder.state).toBe('failed');
    expect(eb.coder.exit_code).toBe(7);
    for (const id of [a.id, b.id]) {
      const texts = m2
        .logs(id, {})
        .entries.filter((e) => e.stream !== 'system')
        .map((e) => e.text);
      expect(texts).toEqual(Array.from({ length: 150 }, (_, i) => `line ${i + 1}`));
    }
  });

  it('marks a coder interrupted when its process vanished while the manager was away', async () => {
    tm = await startTestManager({ providers: [linesProvider('slow', { delay: '0.05' })] });
    const repo = makeRepo();
    const c = await tm.manager.create({ task: '100000', repo, provider: 'slow' });
    await waitFor(() => tm!.manager.get(c.id).state === 'running');
    const pid = tm.manager.get(c.id).pid!;
    await tm.close(); // ends the coder's processes too (test/helpers/manager.ts)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await waitFor(() => !existsSync(`/proc/${pid}`) || procState(pid) === 'Z');
    const m2 = await tm.restart();
    const after = m2.get(c.id);
    expect(after.state).toBe('interrupted');
    expect(after.error).toMatch(/vanished/);
  });

  it('never runs more than max_concurrent at once and runs everything queued', async () => {
    tm = await startTestManager({
      providers: [linesProvider('q', { delay: '0.02' })],
      config: { max_concurrent: 3 },
    });
    const repo = makeRepo();
    let running = 0;
    let peak = 0;
    const live = new Set<string>();
    tm.manager.subscribe((e) => {
      if (e.type !== 'coder.state') return;
      if (e.coder.state === 'starting') live.add(e.coder.id);
      if (['completed', 'failed', 'stopped', 'interrupted'].includes(e.coder.state)) live.delete(e.coder.id);
      running = live.size;
      peak = Math.max(peak, running);
    });
    const made: Coder[] = [];
    for (let i = 0; i < 10; i++) {
      made.push(await tm.manager.create({ task: '10', repo, provider: 'q', autostart: false }));
    }
    for (const c of made) await tm.manager.control(c.id, { action: 'start' });
    for (const c of made) {
      const r = await tm.manager.wait(c.id, { for: 'terminal', timeout_ms: 30_000 });
      expect(r.coder.state).toBe('completed');
    }
    expect(peak).toBe(3);
  });

  it('rejects bad input with clear errors and leaves nothing behind', async () => {
    tm = await startTestManager({ providers: [linesProvider('lines')] });
    const repo = makeRepo();
    const notRepo = makeRepo();
    git(notRepo, 'rev-parse', 'HEAD');
    const branchesBefore = git(repo, 'branch', '--list');
    expect(await codeOf(tm.manager.create({ task: 'x', repo: '/' }))).toMatch(/^not_a_repo/);
    expect(await codeOf(tm.manager.create({ task: 'x', repo, base_ref: 'nope' }))).toMatch(
      /^unknown_ref: .*nope/,
    );
    expect(await codeOf(tm.manager.create({ task: 'x', repo, provider: 'nosuch' }))).toMatch(
      /^unknown_provider: unknown provider 'nosuch'; registered: .*lines/,
    );
    expect(await codeOf(tm.manager.create({ task: '', repo }))).toBe('invalid_input: task must not be empty');
    expect(await codeOf(tm.manager.create({ task: 'x'.repeat(20_001), repo }))).toMatch(
      /task must be 1–20000 characters/,
    );
    expect(await codeOf(Promise.resolve().then(() => tm!.manager.get('zz')))).toBe(
      "not_found: no coder 'zz'",
    );
    expect(git(repo, 'branch', '--list')).toBe(branchesBefore);
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);

    // Shell metacharacters in the task are passed literally, never executed.
    const home = tm.home;
    const evil = `$(touch ${home}/pwned); \`touch ${home}/pwned2\``;
    const echo = await tm.manager.create({ task: evil, repo, provider: 'lines', branch: 'safe-branch' });
    await tm.manager.wait(echo.id, { for: 'terminal', timeout_ms: 20_000 });
    expect(existsSync(join(home, 'pwned'))).toBe(false);
    expect(existsSync(join(home, 'pwned2'))).toBe(false);
    expect(tm.manager.get(echo.id).task).toBe(evil);
  });

  it('resolves unique prefixes and reports ambiguous ones', async () => {
    tm = await startTestManager({ providers: [linesProvider('lines')] });
    const repo = makeRepo();
    const made = [];
    for (let i = 0; i < 20; i++) made.push(await tm.manager.create({ task: '1', repo, autostart: false }));
    const a = made[0]!;
    expect(tm.manager.get(a.id.slice(0, 8)).id).toBe(a.id);
    const byFirst = new Map<string, number>();
    for (const c of made) byFirst.set(c.id[0]!, (byFirst.get(c.id[0]!) ?? 0) + 1);
    // 20 ids over 16 possible first characters: at least one first character is shared.
    const shared = [...byFirst].find(([, n]) => n > 1)!;
    expect(await codeOf(Promise.resolve().then(() => tm!.manager.get(shared[0])))).toMatch(/^ambiguous_id/);
    expect(tm.manager.list({ states: ['created'] }).total).toBe(20);
  });

  it('removes a coder with its worktree and branch, and guards uncommitted work', async () => {
    tm = await startTestManager({ providers: [linesProvider('lines')] });
    const repo = makeRepo();
    const c = await tm.manager.create({ task: '1', repo });
    await tm.manager.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });
    writeFileSync(join(c.workspace, 'new.txt'), 'work\n');
    expect(await codeOf(tm.manager.control(c.id, { action: 'remove' }))).toMatch(/^dirty_worktree/);
    expect(existsSync(c.workspace)).toBe(true);
    const r = await tm.manager.control(c.id, { action: 'remove', force: true });
    expect(r.removed).toBe(true);
    expect(existsSync(c.workspace)).toBe(false);
    expect(git(repo, 'branch', '--list', c.branch)).toBe('');
    expect(await codeOf(Promise.resolve().then(() => tm!.manager.get(c.id)))).toMatch(/^not_found/);
  });
});
