/** Best of N in the Manager: groups, checks (real git, SQLite, processes; bash providers). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import { parseAgentsSpec } from '../../src/core/group.js';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

/** A provider that writes `text` into answer.txt and exits. */
function writer(name: string, text: string, extra = ''): Record<string, unknown> {
  return {
    name,
    description: `writes ${text}`,
    command: ['bash', '-c', `printf '%s\\n' "$1" > answer.txt; ${extra} echo wrote`, '_', text],
    env: {},
    parser: 'text',
  };
}

/** The repo's check: answer.txt must say "42". */
const CHECKS = {
  check: [
    [
      'bash',
      '-c',
      'echo checking; test "$(cat answer.txt)" = 42 || { echo "wrong answer: $(cat answer.txt)"; exit 1; }',
    ],
    ['true'],
  ],
};

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<AicoderError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof AicoderError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('groups', () => {
  it('parses --agents', () => {
    expect(parseAgentsSpec('claude:2,codex, gemini/gemini-2.5-pro:3')).toEqual([
      { provider: 'claude', count: 2 },
      { provider: 'codex' },
      { provider: 'gemini', model: 'gemini-2.5-pro', count: 3 },
    ]);
    expect(parseAgentsSpec('claude:2@reviewer,codex/gpt-5@tester,gemini@x_1')).toEqual([
      { provider: 'claude', count: 2, role: 'reviewer' },
      { provider: 'codex', model: 'gpt-5', role: 'tester' },
      { provider: 'gemini', role: 'x_1' },
    ]);
    expect(() => parseAgentsSpec('claude:x')).toThrow(/agents entry 'claude:x' must be provider/);
    expect(() => parseAgentsSpec('claude@Bad')).toThrow(/must be provider\[\/model\]\[:count\]\[@role\]/);
    expect(() => parseAgentsSpec('claude@')).toThrow(/entry 'claude@'/);
    expect(() => parseAgentsSpec('claude@reviewer:2')).toThrow(/entry 'claude@reviewer:2'/);
    expect(() => parseAgentsSpec(' , ')).toThrow(/at least one provider/);
  });

  it('makes one coder per agent from one base commit, lists, stops and removes them together', async () => {
    tm = await startTestManager({
      config: { max_concurrent: 1 },
      providers: [writer('good', '42', 'sleep 0.2;'), writer('bad', '41', 'sleep 0.2;')],
    });
    const repo = makeRepo();
    const head = git(repo, 'rev-parse', 'HEAD');
    const g = await tm.manager.createGroup({
      task: 'answer the question',
      repo,
      agents: [{ provider: 'good', count: 2 }, { provider: 'bad' }],
    });
    expect(g.id).toMatch(/^g[0-9a-f]{7}$/);
    expect(g.members.map((m) => m.provider)).toEqual(['good', 'good', 'bad']);
    expect(g.members.map((m) => m.name)).toEqual([
      'answer the question · good#1',
      'answer the question · good#2',
      'answer the question · bad',
    ]);
    expect(new Set(g.members.map((m) => m.branch)).size).toBe(3);
    expect(new Set(g.members.map((m) => m.workspace)).size).toBe(3);
    for (const m of g.members) {
      expect(m.base_commit).toBe(head);
      expect(m.group_id).toBe(g.id);
    }
    // max_concurrent 1: one member runs, the others wait their turn.
    const live = g.members.filter((m) => m.state === 'starting' || m.state === 'running');
    expect(live.length).toBeLessThanOrEqual(1);
    expect(tm.manager.getGroup(g.id.slice(0, 4)).id).toBe(g.id);
    expect(tm.manager.listGroups({}).map((x) => x.id)).toEqual([g.id]);

    const stopped = await tm.manager.controlGroup(g.id, { action: 'stop' });
    expect(stopped.group!.state).toBe('ended');
    expect(stopped.members).toHaveLength(3);
    for (const m of stopped.group!.members) expect(['stopped', 'completed']).toContain(m.state);

    const rm = await tm.manager.controlGroup(g.id, { action: 'remove', force: true });
    expect(rm.removed).toBe(true);
    for (const m of g.members) expect(existsSync(m.workspace)).toBe(false);
    expect((await errorOf(() => tm!.manager.getGroup(g.id))).code).toBe('not_found');
  });

  it('refuses bad agents before making anything', async () => {
    tm = await startTestManager({ providers: [writer('good', '42')] });
    const repo = makeRepo();
    const e = await errorOf(
      tm.manager.createGroup({ task: 't', repo, agents: [{ provider: 'good' }, { provider: 'nope' }] }),
    );
    expect(e.code).toBe('unknown_provider');
    expect(e.field).toBe('agents[1].provider');
    const e2 = await errorOf(
      tm.manager.createGroup({ task: 't', repo, agents: [{ provider: 'good', count: 11 }] }),
    );
    expect(e2.field).toBe('agents[0].count');
    const e3 = await errorOf(
      tm.manager.createGroup({ task: 't', repo, agents: [{ provider: 'good' }], provider: 'good' } as never),
    );
    expect(e3.field).toBe('provider');
    expect(tm.manager.listGroups({})).toEqual([]);
    expect(tm.manager.list({}).coders).toEqual([]);
    expect(git(repo, 'branch', '--list', 'aicoder/*')).toBe('');
  });
});

describe('checks', () => {
  it('run when the agent completes; the state says checking; results go on the record', async () => {
    tm = await startTestManager({ providers: [writer('good', '42'), writer('bad', '41')] });
    const repo = makeRepo({ 'README.md': '# r\n', '.aicoder.json': JSON.stringify(CHECKS) });
    const g = await tm.manager.createGroup({
      task: 'answer',
      repo,
      agents: [{ provider: 'good' }, { provider: 'bad' }],
    });
    const seen = new Set<string>();
    const off = tm.manager.subscribe((e) => {
      if (e.type === 'coder.state') seen.add(`${e.coder.id}:${e.coder.state}`);
    });
    const [good, bad] = g.members;
    const endGood = await tm.manager.wait(good!.id, { for: 'terminal', timeout_ms: 30_000 });
    const endBad = await tm.manager.wait(bad!.id, { for: 'terminal', timeout_ms: 30_000 });
    off();
    expect(seen.has(`${good!.id}:checking`)).toBe(true);
    expect(endGood.coder.state).toBe('completed');
    expect(endGood.coder.checks?.verdict).toBe('passed');
    expect(endGood.coder.checks?.trigger).toBe('completion');
    expect(endGood.coder.checks?.results.map((r) => [r.status, r.exit_code])).toEqual([
      ['passed', 0],
      ['passed', 0],
    ]);
    expect(endGood.coder.checks?.results[0]!.tail).toBe('checking');
    expect(endGood.coder.checks?.results[0]!.duration_ms).toBeGreaterThanOrEqual(0);
    // A failed check: the agent still completed, and its work is there.
    expect(endBad.coder.state).toBe('completed');
    expect(endBad.coder.checks?.verdict).toBe('failed');
    expect(endBad.coder.checks?.results[0]).toMatchObject({ status: 'failed', exit_code: 1 });
    expect(endBad.coder.checks?.results[0]!.tail).toContain('wrong answer: 41');
    expect(existsSync(join(bad!.workspace, 'answer.txt'))).toBe(true);
    const kinds = tm.manager.logs(bad!.id, { kinds: ['check'] }).entries.map((e) => e.text);
    expect(kinds).toContain('checks failed: 1 of 2 passed');

    // On demand, from an ended state, back to it afterwards.
    await tm.manager.control(good!.id, { action: 'check' });
    expect(tm.manager.get(good!.id).state).toBe('checking');
    const again = await tm.manager.wait(good!.id, { for: ['completed'], timeout_ms: 30_000 });
    expect(again.coder.checks?.trigger).toBe('demand');
    expect(again.coder.checks?.verdict).toBe('passed');
  });

  it('time out, can be stopped, and a repo without checks says how to add them', async () => {
    tm = await startTestManager({ providers: [writer('good', '42')], config: { stop_grace_ms: 500 } });
    const repo = makeRepo({
      'README.md': '# r\n',
      '.aicoder.json': JSON.stringify({ check: [['sleep', '30']], check_timeout_s: 0.5 }),
    });
    const c = await tm.manager.create({ task: 't', repo, provider: 'good' });
    const end = await tm.manager.wait(c.id, { for: 'terminal', timeout_ms: 30_000 });
    expect(end.coder.checks?.results[0]).toMatchObject({ status: 'timed_out', exit_code: 143 });
    expect(end.coder.checks?.verdict).toBe('failed');

    // A stop while checking ends them; the coder goes back to where it was.
    writeFileSync(join(repo, '.aicoder.json'), JSON.stringify({ check: [['sleep', '30']] }));
    await tm.manager.control(c.id, { action: 'check' });
    await waitFor(() => tm!.manager.get(c.id).checks?.results[0]?.status === 'running');
    await tm.manager.control(c.id, { action: 'stop' });
    const after = tm.manager.get(c.id);
    expect(after.state).toBe('completed');
    expect(after.checks?.verdict).toBe('cancelled');
    expect(after.checks?.results[0]!.status).toBe('skipped');

    writeFileSync(join(repo, '.aicoder.json'), '{}');
    const e = await errorOf(tm.manager.control(c.id, { action: 'check' }));
    expect(e.code).toBe('not_supported');
    expect(e.message).toContain('"check"');
  });
});

describe('pick', () => {
  it('merges the chosen member into the base and removes the others, keeping their work on branches', async () => {
    tm = await startTestManager({ providers: [writer('good', '42'), writer('bad', '41')] });
    const repo = makeRepo({ 'README.md': '# r\n', '.aicoder.json': JSON.stringify(CHECKS) });
    const g = await tm.manager.createGroup({
      task: 'answer',
      repo,
      agents: [{ provider: 'bad' }, { provider: 'good' }],
    });
    const [bad, good] = g.members;
    // Not while a member runs.
    const early = await errorOf(tm.manager.control(good!.id, { action: 'pick' }));
    expect(['illegal_transition']).toContain(early.code);
    await tm.manager.waitGroup(g.id, { timeout_ms: 30_000 });
    const cmp = await tm.manager.compareGroup(g.id);
    expect(cmp.best).toBe(good!.id);
    const before = git(repo, 'rev-parse', 'main');

    const r = await tm.manager.control(cmp.best!, { action: 'pick' });
    if (r.removed || !r.pick) throw new Error('no pick result');
    expect(r.pick.commit.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(r.pick.merge).toMatchObject({ base_ref: 'main', before, outcome: 'fast_forward' });
    expect(git(repo, 'show', 'main:answer.txt')).toBe('42');
    expect(readFileSync(join(repo, 'answer.txt'), 'utf8')).toBe('42\n'); // the checkout moved with it
    expect(r.pick.others).toEqual([
      {
        coder_id: bad!.id,
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        branch: bad!.branch,
        removed: true,
      },
    ]);
    expect(existsSync(bad!.workspace)).toBe(false);
    expect(git(repo, 'show', `${bad!.branch}:answer.txt`)).toBe('41'); // its work is on its branch
    expect(existsSync(good!.workspace)).toBe(true);
    const after = tm.manager.getGroup(g.id);
    expect(after.members.map((m) => m.id)).toEqual([good!.id]);
    expect(after.picked).toMatchObject({
      coder_id: good!.id,
      base_ref: 'main',
      after: git(repo, 'rev-parse', 'main'),
    });

    const outside = await tm.manager.create({ task: 't', repo, provider: 'good' });
    await tm.manager.wait(outside.id, { for: 'terminal', timeout_ms: 30_000 });
    expect((await errorOf(tm.manager.control(outside.id, { action: 'pick' }))).message).toContain(
      'is in no group',
    );
  });

  it("--drop-branches deletes the others' branches; a refused merge leaves every member as it was", async () => {
    tm = await startTestManager({ providers: [writer('good', '42'), writer('bad', '41')] });
    const repo = makeRepo();
    const g = await tm.manager.createGroup({
      task: 'answer',
      repo,
      agents: [{ provider: 'good' }, { provider: 'bad' }],
    });
    await tm.manager.waitGroup(g.id, { timeout_ms: 30_000 });
    const [good, bad] = g.members;
    // The base checkout has uncommitted changes to a tracked file: merge refuses, nothing else moves.
    writeFileSync(join(repo, 'README.md'), 'local edit\n');
    const refused = await errorOf(tm.manager.control(good!.id, { action: 'pick', drop_branches: true }));
    expect(refused.message).toMatch(/uncommitted|local changes/);
    expect(existsSync(bad!.workspace)).toBe(true);
    expect(tm.manager.getGroup(g.id).picked).toBeNull();
    git(repo, 'checkout', '--', 'README.md');
    const r = await tm.manager.control(good!.id, { action: 'pick', drop_branches: true });
    if (r.removed || !r.pick) throw new Error('no pick result');
    expect(r.pick.others).toEqual([{ coder_id: bad!.id, commit: null, branch: null, removed: true }]);
    expect(git(repo, 'branch', '--list', bad!.branch)).toBe('');
  });
});
