import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { linesProvider, startTestManager, type TestManager } from '../helpers/manager.js';

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

/**
 * The Manager with real git, SQLite and processes: the integration cases only. Its logic (pause,
 * stop and the kill timer, a vanished run, max_concurrent, bad input, prefixes, remove guards) is
 * tested on the fakes in test/core/manager-fakes.test.ts; signals and adoption of real process
 * groups in test/process/.
 */
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
});
