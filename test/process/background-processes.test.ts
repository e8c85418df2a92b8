/**
 * Nothing a coder started outlives it: background processes an agent leaves behind,
 * grandchildren that ignore SIGTERM, setsid escapes, setup commands cut off by a daemon crash, and the
 * explicit opt-in (keep_processes) that lets a dev server live on. Real git, processes and SQLite.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { alive, endHomeLeftovers, pidsOf, pidsUnder } from '../helpers/procs.js';
import { SHELL_PROVIDER, coderEnded } from '../helpers/coders.js';

const opened: TestManager[] = [];
const MARKERS = Array.from({ length: 13 }, (_, i) => `sleep ${1000 + i}`);

afterEach(async () => {
  for (const t of opened.splice(0)) {
    endHomeLeftovers(t.home, MARKERS);
    await t.close();
  }
});
afterAll(() => cleanupTemp());

async function manager(config: Record<string, unknown> = {}): Promise<TestManager> {
  const t = await startTestManager({
    providers: [SHELL_PROVIDER],
    config: { default_provider: 'sh', stop_grace_ms: 500, ...config },
  });
  opened.push(t);
  return t;
}

const ended = (t: TestManager, id: string) => coderEnded(() => t.manager.get(id));

function notes(t: TestManager, id: string, kind: string): string[] {
  return t.manager
    .logs(id, {})
    .entries.filter((e) => e.kind === kind)
    .map((e) => e.text);
}

describe('background processes: the rest of the group ends with the agent', () => {
  it('a server and a sleep started with & end when the agent completes', async () => {
    const t = await manager();
    const repo = makeRepo();
    const c = await t.manager.create({
      repo,
      // The task waits until the server says it is serving: where python3 is a wrapper (pyenv's shim
      // is a bash script that execs python later), the agent could otherwise end while the process
      // is still named after the wrapper.
      task:
        'f=$(mktemp); python3 -u -m http.server 0 >"$f" 2>&1 & sleep 303 & ' +
        'until grep -q Serving "$f"; do sleep 0.05; done; rm -f "$f"; echo started',
    });
    const done = await ended(t, c.id);
    expect(done.state).toBe('completed');
    await waitFor(() => pidsUnder(c.workspace).length === 0, {
      what: 'http.server and sleep 303 to end',
      timeoutMs: 15_000,
    });
    const note = notes(t, c.id, 'processes').join('\n');
    expect(note).toMatch(/ending \d+ background processes the agent left running/);
    expect(note).toContain('sleep 303');
    expect(note).toContain('http.server');
    expect(t.manager.get(c.id).processes).toEqual([]);
  });

  it('a grandchild that ignores SIGTERM is killed after the grace period, though the wrapper is gone', async () => {
    const t = await manager({ stop_grace_ms: 300 });
    const c = await t.manager.create({
      repo: makeRepo(),
      task: "(trap '' TERM; exec sleep 1001) & echo started",
    });
    await ended(t, c.id);
    await waitFor(() => pidsUnder(c.workspace).length === 0, {
      what: 'the TERM-ignoring sleep to be killed',
      timeoutMs: 15_000,
    });
  });

  it('a process that left the group with setsid is ended with the run too (it carries AICODER_CODER_ID)', async () => {
    const t = await manager();
    const c = await t.manager.create({ repo: makeRepo(), task: 'setsid sleep 1002 & echo started' });
    expect((await ended(t, c.id)).state).toBe('completed');
    await waitFor(() => pidsOf('sleep 1002').length === 0, { what: 'the setsid sleep to end' });
    expect(notes(t, c.id, 'processes').join('\n')).toContain('sleep 1002');
  });
});

describe('background processes: stop and rm end everything the coder started', () => {
  it('stop (grace 3 s): a TERM-ignoring grandchild of a running agent gets SIGKILL', async () => {
    const t = await manager({ stop_grace_ms: 400 });
    const c = await t.manager.create({
      repo: makeRepo(),
      task: "(trap '' TERM; exec sleep 1003) & echo started; sleep 1004",
    });
    await waitFor(() => pidsOf('sleep 1003').length > 0 && pidsOf('sleep 1004').length > 0, {
      what: 'agent and grandchild',
    });
    await t.manager.control(c.id, { action: 'stop' });
    expect(t.manager.get(c.id).state).toBe('stopped');
    // stop returns once the processes are gone: no waiting needed.
    expect(pidsOf('sleep 1003')).toEqual([]);
    expect(pidsOf('sleep 1004')).toEqual([]);
  });

  it('rm --force of a running coder ends its agent, a TERM-ignoring grandchild and a setsid escape', async () => {
    const t = await manager({ stop_grace_ms: 400 });
    const c = await t.manager.create({
      repo: makeRepo(),
      task: "(trap '' TERM; exec sleep 1005) & setsid sleep 1006 & echo started; sleep 1007",
    });
    await waitFor(() => ['1005', '1006', '1007'].every((m) => pidsOf(`sleep ${m}`).length > 0), {
      what: 'all three sleeps',
    });
    const res = await t.manager.control(c.id, { action: 'remove', force: true });
    expect(res.removed).toBe(true);
    for (const m of ['1005', '1006', '1007']) expect(pidsOf(`sleep ${m}`)).toEqual([]);
    expect(existsSync(c.workspace)).toBe(false);
  });
});

describe('background processes: keep_processes is the explicit opt-in', () => {
  it('a kept server outlives the run, is listed in processes, and rm ends it', async () => {
    const t = await manager();
    const c = await t.manager.create({
      repo: makeRepo(),
      task: 'sleep 1008 & echo started',
      keep_processes: true,
    });
    expect(c.keep_processes).toBe(true);
    const done = await ended(t, c.id);
    expect(done.state).toBe('completed');
    const kept = t.manager.get(c.id).processes;
    expect(kept.map((p) => p.command)).toEqual(['sleep 1008']);
    expect(alive(kept[0]!.pid)).toBe(true);
    expect(notes(t, c.id, 'processes').join('\n')).toMatch(/1 background process keep running/);
    await t.manager.control(c.id, { action: 'remove', force: true });
    expect(alive(kept[0]!.pid)).toBe(false);
  });

  it('processes shrinks when a kept process ends by itself', async () => {
    const t = await manager();
    const c = await t.manager.create({
      repo: makeRepo(),
      task: 'sleep 1009 & echo started',
      keep_processes: true,
    });
    await ended(t, c.id);
    const [p] = t.manager.get(c.id).processes;
    expect(p).toBeDefined();
    process.kill(p!.pid, 'SIGKILL');
    await waitFor(() => t.manager.get(c.id).processes.length === 0, { what: 'processes emptied' });
  });

  it('config keep_processes: true is the default for new coders; stop still ends them', async () => {
    const t = await manager({ keep_processes: true });
    const c = await t.manager.create({ repo: makeRepo(), task: 'sleep 1010 & echo started; sleep 1011' });
    expect(c.keep_processes).toBe(true);
    await waitFor(() => pidsOf('sleep 1010').length > 0 && pidsOf('sleep 1011').length > 0);
    await t.manager.control(c.id, { action: 'stop' });
    expect(pidsOf('sleep 1010')).toEqual([]);
    expect(t.manager.get(c.id).processes).toEqual([]);
  });
});

describe('background processes: a setup command cut off by a daemon crash', () => {
  it('is ended at the next start and the coder is interrupted with the reason', async () => {
    const t = await manager();
    const repo = makeRepo();
    writeFileSync(join(repo, '.aicoder.json'), JSON.stringify({ setup: [['sleep', '1012']] }));
    git(repo, 'add', '.aicoder.json');
    git(repo, 'commit', '-q', '-m', 'setup');
    const c = await t.manager.create({ repo, task: 'echo never' });
    await waitFor(() => pidsOf('sleep 1012').length > 0, { what: 'setup command running' });
    const m2 = await t.restart();
    const after = m2.get(c.id);
    expect(after.state).toBe('interrupted');
    expect(after.error).toMatch(/setup command was running; it was ended/);
    expect(pidsOf('sleep 1012')).toEqual([]);
  });
});
