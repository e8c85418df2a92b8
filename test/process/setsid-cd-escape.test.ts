/**
 * Processes that left both the coder's process group and its worktree (`setsid` plus
 * `cd /`): they are traced by the AICODER_CODER_ID mark in their environment, which every process
 * aicoder starts for a coder carries and every child inherits. The end of a run, `stop` and `rm` end
 * them; with keep_processes they are kept and listed in `processes` until `rm`. Real git, processes
 * and SQLite.
 */
import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ManagerConfig } from '../../src/core/config.js';
import { createLocalRunner } from '../../src/process/index.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { alive, endHomeLeftovers, killAll, pidsOf } from '../helpers/procs.js';
import { SHELL_PROVIDER, coderEnded } from '../helpers/coders.js';

const opened: TestManager[] = [];
const spawned: number[] = [];
const MARKERS = ['sleep 1017', 'sleep 1018', 'sleep 1020', 'sleep 1021', 'sleep 1022', 'sleep 1023'];

afterEach(async () => {
  killAll(spawned.splice(0));
  for (const t of opened.splice(0)) {
    endHomeLeftovers(t.home, MARKERS);
    await t.close();
  }
});
afterAll(() => cleanupTemp());

async function manager(config: Partial<ManagerConfig> = {}): Promise<TestManager> {
  const t = await startTestManager({
    providers: [SHELL_PROVIDER],
    config: { default_provider: 'sh', stop_grace_ms: 500, ...config },
  });
  opened.push(t);
  return t;
}

/**
 * A task that starts `cmd` in a new session (setsid -f) after `cd /`, and goes on only once the
 * escape is complete (the new process wrote its pid), so it is out of the group and the worktree.
 */
function escape(cmd: string, then = 'echo started'): string {
  return (
    `setsid -f bash -c 'cd / && echo $$ > "$0" && exec ${cmd}' "$PWD/.escaped"; ` +
    `until [ -s .escaped ]; do sleep 0.05; done; rm -f .escaped; ${then}`
  );
}

function notes(t: TestManager, id: string): string {
  return t.manager
    .logs(id, {})
    .entries.filter((e) => e.kind === 'processes')
    .map((e) => e.text)
    .join('\n');
}

describe('setsid + cd / escapes are traced by AICODER_CODER_ID', () => {
  it('the runner finds marked processes in other groups, never in its own group', () => {
    const env = { ...process.env, AICODER_CODER_ID: 'mark-test-1' };
    const own = spawn('sleep', ['1022'], { env, stdio: 'ignore' });
    const away = spawn('sleep', ['1023'], { env, stdio: 'ignore', detached: true, cwd: '/' });
    spawned.push(own.pid!, away.pid!);
    const runner = createLocalRunner();
    const found = runner.processesMarked('mark-test-1').map((p) => p.pid);
    expect(found).toContain(away.pid);
    expect(found).not.toContain(own.pid);
    expect(runner.processesMarked('mark-test-2')).toEqual([]);
  });

  it('the end of a run ends an escape that left the group and the worktree', async () => {
    const t = await manager();
    const c = await t.manager.create({ repo: makeRepo(), task: escape('sleep 1017') });
    expect((await coderEnded(() => t.manager.get(c.id))).state).toBe('completed');
    await waitFor(() => pidsOf('sleep 1017').length === 0, { what: 'the escape to be ended' });
    // Its pid was written after `cd /` in its new session: it was out of the group and the worktree.
    expect(notes(t, c.id)).toMatch(
      /ending 1 background process the agent left running: pid \d+ \(.*sleep 1017/,
    );
  });

  it('one that also ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const t = await manager({ stop_grace_ms: 300 });
    const c = await t.manager.create({
      repo: makeRepo(),
      task: escape('bash -c "trap \'\' TERM; exec sleep 1018"'),
    });
    // The escape may live only for the grace period after the run ends: that it ran is read from
    // the run's note naming it, not from catching it in /proc between two polls.
    await coderEnded(() => t.manager.get(c.id));
    await waitFor(() => pidsOf('sleep 1018').length === 0, { what: 'the SIGKILL' });
    expect(notes(t, c.id)).toMatch(
      /ending 1 background process the agent left running: pid \d+ \(.*sleep 1018/,
    );
  });

  it('stop of a running coder ends its escapes too', async () => {
    const t = await manager();
    const c = await t.manager.create({ repo: makeRepo(), task: escape('sleep 1020', 'sleep 1021') });
    await waitFor(() => pidsOf('sleep 1020').length > 0 && pidsOf('sleep 1021').length > 0, {
      what: 'agent and escape',
    });
    await t.manager.control(c.id, { action: 'stop' });
    expect(pidsOf('sleep 1020')).toEqual([]);
    expect(pidsOf('sleep 1021')).toEqual([]);
  });

  it('keep_processes keeps an escape, lists it in processes, and rm ends it', async () => {
    const t = await manager();
    const c = await t.manager.create({ repo: makeRepo(), task: escape('sleep 1020'), keep_processes: true });
    expect((await coderEnded(() => t.manager.get(c.id))).state).toBe('completed');
    const kept = t.manager.get(c.id).processes;
    expect(kept.map((p) => p.command)).toEqual(['sleep 1020']);
    expect(alive(kept[0]!.pid)).toBe(true);
    await t.manager.control(c.id, { action: 'remove', force: true });
    expect(alive(kept[0]!.pid)).toBe(false);
  });
});
