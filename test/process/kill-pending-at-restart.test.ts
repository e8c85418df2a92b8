/**
 * A SIGKILL that is due when the daemon stops: processes that ignore SIGTERM must not
 * outlive a coder because the daemon went away during the grace period. The kill is kept on disk
 * (AICODER_HOME/pending-kills/) and the next start sends it when it is due. Real git, processes and
 * SQLite; the clock is fake so the grace period passes only when the test says so.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ManagerConfig } from '../../src/core/config.js';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { FakeClock } from '../fakes/clock.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { endCoderLeftovers, endHomeLeftovers, pidsOf } from '../helpers/procs.js';
import { SHELL_PROVIDER, coderEnded } from '../helpers/coders.js';

const opened: { t: TestManager; markers: string[] }[] = [];

afterEach(async () => {
  for (const { t, markers } of opened.splice(0)) {
    endHomeLeftovers(t.home, markers);
    await t.close();
  }
});
afterAll(() => cleanupTemp());

async function manager(
  markers: string[],
  config: Partial<ManagerConfig>,
  clock?: FakeClock,
): Promise<TestManager> {
  const t = await startTestManager({
    providers: [SHELL_PROVIDER],
    config: { default_provider: 'sh', ...config },
    ...(clock ? { clock } : {}),
  });
  opened.push({ t, markers });
  return t;
}

function pending(home: string): string[] {
  try {
    return readdirSync(join(home, 'pending-kills'));
  } catch {
    return [];
  }
}

describe('a SIGKILL pending when the daemon stops is sent by the next start', () => {
  it('leftovers of a completed run: the TERM-ignoring grandchild is killed after a restart', async () => {
    const clock = new FakeClock();
    const t = await manager(['sleep 1013'], { stop_grace_ms: 60_000 }, clock);
    const c = await t.manager.create({
      repo: makeRepo(),
      task: "(trap '' TERM; exec sleep 1013) & echo started",
    });
    expect((await coderEnded(() => t.manager.get(c.id))).state).toBe('completed');
    // SIGTERM was sent at the run's end; the SIGKILL is due in 60 s, and the sleep ignores SIGTERM.
    expect(pidsOf('sleep 1013')).toHaveLength(1);
    expect(pending(t.home)).toHaveLength(1);
    await t.restart();
    expect(pidsOf('sleep 1013')).toHaveLength(1); // the old daemon's timer went with it
    clock.advance(59_000);
    expect(pidsOf('sleep 1013')).toHaveLength(1); // not before it is due
    clock.advance(1_000);
    await waitFor(() => pidsOf('sleep 1013').length === 0, { what: 'the pending SIGKILL' });
    expect(pending(t.home)).toEqual([]);
  });

  it('stop: the daemon stops while stop waits out the grace period; the next start kills the survivor', async () => {
    const clock = new FakeClock();
    const t = await manager(['sleep 1014', 'sleep 1015'], { stop_grace_ms: 60_000 }, clock);
    const c = await t.manager.create({
      repo: makeRepo(),
      task: "(trap '' TERM; exec sleep 1014) & echo started; sleep 1015",
    });
    await waitFor(() => pidsOf('sleep 1014').length > 0 && pidsOf('sleep 1015').length > 0, {
      what: 'agent and grandchild',
    });
    // The stop does not end before the grace period: the daemon goes away in the middle of it.
    const stopping = t.manager.control(c.id, { action: 'stop' }).catch(() => undefined);
    await waitFor(() => t.manager.get(c.id).state === 'stopped' && pending(t.home).length >= 2, {
      what: 'the agent stopped and its SIGKILLs recorded',
    });
    const m2 = await t.restart();
    await stopping;
    expect(pidsOf('sleep 1014')).toHaveLength(1);
    expect(m2.get(c.id).state).toBe('stopped');
    clock.advance(60_000);
    await waitFor(() => pidsOf('sleep 1014').length === 0, { what: 'the pending SIGKILL' });
    await waitFor(() => pending(t.home).length === 0, { what: 'the pending kills forgotten' });
  });

  it('a pending kill whose processes ended meanwhile is dropped at the next start', async () => {
    const clock = new FakeClock();
    const t = await manager(['sleep 1016'], { stop_grace_ms: 60_000 }, clock);
    const c = await t.manager.create({
      repo: makeRepo(),
      task: "(trap '' TERM; exec sleep 1016) & echo started",
    });
    await coderEnded(() => t.manager.get(c.id));
    expect(pending(t.home)).toHaveLength(1);
    endCoderLeftovers({ markers: ['sleep 1016'] });
    await waitFor(() => pidsOf('sleep 1016').length === 0);
    await t.restart();
    expect(pending(t.home)).toEqual([]);
  });
});

describe('a setup command running when the daemon crashed', () => {
  it('one that ignores SIGTERM is killed after the grace period at the next start', async () => {
    const t = await manager(['sleep 1019'], { stop_grace_ms: 300 });
    const repo = makeRepo();
    writeFileSync(
      join(repo, '.aicoder.json'),
      JSON.stringify({ setup: [['bash', '-c', "trap '' TERM; exec sleep 1019"]] }),
    );
    git(repo, 'add', '.aicoder.json');
    git(repo, 'commit', '-q', '-m', 'setup');
    const c = await t.manager.create({ repo, task: 'echo never' });
    await waitFor(() => pidsOf('sleep 1019').length > 0, { what: 'setup command running' });
    const m2 = await t.restart();
    expect(pidsOf('sleep 1019')).toEqual([]);
    expect(m2.get(c.id).state).toBe('interrupted');
    expect(m2.get(c.id).error).toMatch(/setup command was running; it was ended/);
  });
});
