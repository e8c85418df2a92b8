/**
 * Groups (best of N) in the TUI over the in-memory client and an in-memory group client: a group row
 * with its members under it, folded and unfolded with Space (a folded row keeps the members' states
 * and the checks' verdicts); the compare view (the same CompareResult `aicoder compare --json`
 * prints); c runs the checks of a coder or of a whole group; P picks a member after a question.
 */
import { afterEach, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import type { Coder } from '../../src/core/coder.js';
import type { CheckReport } from '../../src/core/check-types.js';
import type { CompareResult } from '../../src/core/compare.js';
import type { GroupView } from '../../src/core/group.js';
import type { ControlInput, ControlResult } from '../../src/core/api.js';
import type { TuiGroups } from '../../src/tui/group-commands.js';
import { textWidth } from '../../src/term/width.js';
import { groupRowText } from '../../src/tui/components/coder-list.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, has, press, rowOf } from './render.js';

afterEach(() => cleanup());

const GID = 'g1a2b3c4';
const at = (ms: number): string => new Date(NOW - ms).toISOString();

function report(verdict: CheckReport['verdict']): CheckReport {
  return {
    verdict,
    trigger: 'completion',
    started_at: at(60_000),
    ended_at: at(50_000),
    after: 'completed',
    results: [
      {
        argv: ['npm', 'test'],
        status: verdict === 'passed' ? 'passed' : 'failed',
        exit_code: verdict === 'passed' ? 0 : 1,
        duration_ms: 900,
        tail: '',
      },
    ],
  };
}

function seeded(): MemoryClient {
  const c = new MemoryClient({ now: () => NOW });
  c.add({ id: 'c0000001', name: 'alone', state: 'completed', created_at: at(9000) });
  const member = { group_id: GID, state: 'completed' as const };
  c.add({
    ...member,
    id: 'a0000001',
    name: '修正 login 🚀 #1',
    provider: 'claude',
    created_at: at(5000),
    checks: report('passed'),
  });
  c.add({
    ...member,
    id: 'a0000002',
    name: '修正 login 🚀 #2',
    provider: 'codex',
    created_at: at(4000),
    checks: report('failed'),
  });
  c.add({
    ...member,
    id: 'a0000003',
    name: '修正 login 🚀 #3',
    provider: 'gemini',
    state: 'running',
    created_at: at(3000),
  });
  return c;
}

const COMPARE: CompareResult = {
  group_id: GID,
  base_ref: 'main',
  base_commit: 'f'.repeat(40),
  rows: [
    {
      rank: 1,
      coder_id: 'a0000001',
      name: '#1',
      provider: 'claude',
      model: null,
      state: 'completed',
      checks: 'passed',
      files_changed: 2,
      insertions: 30,
      deletions: 4,
      turns: 6,
      tokens: 12_400,
      cost_usd: 0.42,
      cost_estimated: false,
      duration_s: 95,
      overlap: [{ coder_id: 'a0000002', files: ['src/login.ts'], conflicts: ['src/login.ts'] }],
    },
    {
      rank: 2,
      coder_id: 'a0000002',
      name: '#2',
      provider: 'codex',
      model: 'gpt-5',
      state: 'completed',
      checks: 'failed',
      files_changed: 1,
      insertions: 8,
      deletions: 1,
      turns: 3,
      tokens: 5_100,
      cost_usd: 0.1,
      cost_estimated: true,
      duration_s: 61,
      overlap: [{ coder_id: 'a0000001', files: ['src/login.ts'], conflicts: ['src/login.ts'] }],
    },
    {
      rank: 3,
      coder_id: 'a0000003',
      name: '#3',
      provider: 'gemini',
      model: null,
      state: 'running',
      checks: 'none',
      files_changed: 0,
      insertions: 0,
      deletions: 0,
      turns: 1,
      tokens: 800,
      cost_usd: 0,
      cost_estimated: false,
      duration_s: null,
      overlap: [],
    },
  ],
  best: 'a0000001',
  decided_by: 'checks',
  reason: "a0000001 first: its checks passed, a0000002's failed",
};

function fakeGroups(client: MemoryClient): TuiGroups & { calls: string[] } {
  const calls: string[] = [];
  const view = (): GroupView => ({
    id: GID,
    name: '修正 login 🚀',
    task: 'fix the login redirect',
    repo: '/repo',
    base_ref: 'main',
    base_commit: 'f'.repeat(40),
    agents: [{ provider: 'claude' }, { provider: 'codex' }, { provider: 'gemini' }],
    created_at: at(6000),
    picked: null,
    review: null,
    state: 'active',
    counts: {},
    members: [...client.coders.values()].filter((m) => m.group_id === GID),
  });
  return {
    calls,
    getGroup: (id) => {
      calls.push(`get ${id}`);
      return Promise.resolve(view());
    },
    compareGroup: (id) => {
      calls.push(`compare ${id}`);
      return Promise.resolve(COMPARE);
    },
    controlGroup: (id, input) => {
      calls.push(`${input.action} ${id}`);
      const members = view().members.map((m) => ({
        id: m.id,
        ok: m.state !== 'running',
        note: m.state === 'running' ? 'skipped: it is running' : 'checks started',
      }));
      return Promise.resolve({ group: view(), removed: false, members });
    },
  };
}

function renderWith(client: MemoryClient, groups: TuiGroups, columns = 120, rows = 30) {
  const r = render(<App client={client} groups={groups} color={false} now={NOW} />);
  Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => columns });
  Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => rows });
  r.stdout.emit('resize');
  return r;
}

const groupLine = (f: string): string | undefined =>
  f.split('\n').find((l) => l.includes(`▾ ${GID}`) || l.includes(`▸ ${GID}`));

test('a group row with its members under it; Space folds it to one summary row and unfolds it', async () => {
  const client = seeded();
  const groups = fakeGroups(client);
  const r = renderWith(client, groups);
  let f = await frame(r, (x) => x.includes('修正 login 🚀 ·'), 'the group row with its name');
  const lines = f.split('\n');
  const gi = lines.findIndex((l) => l.includes(`▾ ${GID}`));
  // Newest first: the group (its newest member is newer than c0000001), then its members oldest first.
  expect(lines[gi + 1]).toMatch(/^ {2}a0000001 ├ 修正 login 🚀 #1/);
  expect(lines[gi + 2]).toMatch(/^ {2}a0000002 ├ 修正 login 🚀 #2/);
  expect(lines[gi + 3]).toMatch(/^ {2}a0000003 └ 修正 login 🚀 #3/);
  expect(lines[gi + 4]).toMatch(/^ {2}c0000001 alone/);
  expect(groupLine(f)).toContain('3 members ● 1 running ✓ 2 completed · checks ✓ 1 passed ✗ 1 failed');
  // Wide names (CJK, emoji) are measured in terminal cells: the state column lines up.
  const stateCol = (id: string): number => {
    const l = rowOf(f, id)!;
    return textWidth(l.slice(0, l.search(/[●✓]/)));
  };
  expect(stateCol('a0000001')).toBe(stateCol('c0000001'));
  expect(stateCol('a0000003')).toBe(stateCol('c0000001'));
  expect(groups.calls).toContain(`get ${GID}`);

  // The group row is selected (newest first); its detail pane shows the members and checks.
  expect(groupLine(f)).toMatch(/^> /);
  expect(f).toContain('fix the login redirect');
  expect(f).toMatch(/a0000002 codex ✓ completed · failed: `npm te/);
  expect(f).toMatch(/checks +✓ 1 passed ✗ 1 failed/);

  press(r, ' ');
  f = await frame(r, (x) => groupLine(x)?.includes(`▸ ${GID}`) === true, 'folded');
  expect(rowOf(f, 'a0000001')).toBeUndefined();
  expect(groupLine(f)).toContain('● 1 running ✓ 2 completed · checks ✓ 1 passed ✗ 1 failed');
  press(r, 'j');
  await frame(r, (x) => rowOf(x, 'c0000001')?.startsWith('>') === true, 'j skips the hidden members');
  press(r, 'k');
  press(r, ' ');
  f = await frame(r, (x) => rowOf(x, 'a0000002') !== undefined, 'unfolded');
  // Space on a member folds its group and selects the group's row.
  press(r, 'j');
  await frame(r, (x) => rowOf(x, 'a0000001')?.startsWith('>') === true, 'member selected');
  press(r, ' ');
  f = await frame(r, (x) => groupLine(x)?.startsWith(`> ▸ ${GID}`) === true, 'folded from a member');
});

test('C opens the compare table: rank, state, checks, files, +/-, turns, tokens, cost, time, overlap and the deciding rule', async () => {
  const client = seeded();
  const groups = fakeGroups(client);
  const r = renderWith(client, groups, 140, 30);
  await frame(r, has('修正 login 🚀 ·'), 'group row');
  press(r, 'C');
  const f = await frame(r, has('best: a0000001'), 'the compare table');
  expect(f).toContain(`Compare ${GID} · 3 member(s) · base main`);
  expect(f).toMatch(/RANK +ID +PROVIDER +STATE +CHECKS +FILES +\+\/- +TURNS +TOKENS +COST +TIME +OVERLAP/);
  expect(f).toMatch(
    /> +1 a0000001 claude +✓ completed +✓ passed +2 \+30 -4 +6 +12k +\$0\.42 +1m 35s +1 shared, 1 conflict/,
  );
  expect(f).toMatch(
    / +2 a0000002 codex\/gpt-5 +✓ completed +✗ failed +1 \+8 -1 +3 +5\.1k +~\$0\.10 +1m 1s +1 shared, 1 conflict/,
  );
  expect(f).toMatch(/ +3 a0000003 gemini +● running +- none +0 \+0 -0 +1 +800 +\$0\.00 +- +-/);
  expect(f).toContain('a0000001 and a0000002 both change src/login.ts; would conflict in src/login.ts');
  expect(f).toContain("decided by checks: a0000001 first: its checks passed, a0000002's failed");
  expect(groups.calls).toContain(`compare ${GID}`);
  press(r, 'j');
  await frame(r, (x) => /> +2 a0000002/.test(x), 'cursor on the second member');
  press(r, '\x1b');
  await frame(r, (x) => !x.includes(`Compare ${GID}`), 'closed');
});

test('c runs the checks of the selected group (every member) or of one coder', async () => {
  const client = seeded();
  const groups = fakeGroups(client);
  const r = renderWith(client, groups);
  await frame(r, has('修正 login 🚀 ·'), 'group row');
  press(r, 'c');
  await frame(
    r,
    has(`started the checks of group ${GID}: 2 of 3 member(s); a0000003: skipped: it is running`),
    'group checks',
  );
  expect(groups.calls).toContain(`check ${GID}`);
  press(r, 'j');
  await frame(r, (x) => rowOf(x, 'a0000001')?.startsWith('>') === true, 'member selected');
  press(r, 'c');
  await frame(r, has('started the checks of a0000001'), 'coder checks');
  expect(client.controls.at(-1)).toEqual({ id: 'a0000001', input: { action: 'check' } });
});

test('P asks before picking; y picks the member (merged, the others removed), n leaves everything as it was', async () => {
  const client = seeded();
  const picks: ControlInput[] = [];
  const control = client.control.bind(client);
  client.control = (id: string, input: ControlInput): Promise<ControlResult> => {
    if (input.action !== 'pick') return control(id, input);
    picks.push(input);
    const coder = client.coders.get(id) as Coder;
    return Promise.resolve({
      coder,
      removed: false,
      pick: {
        coder_id: id,
        commit: { commit: null, files: 0, message: '' },
        merge: {
          strategy: 'merge',
          base_ref: 'main',
          before: 'a'.repeat(40),
          after: 'b'.repeat(40),
          outcome: 'fast_forward',
          updated_checkout: null,
        },
        others: [
          { coder_id: 'a0000002', commit: 'c'.repeat(40), branch: 'aicoder/a0000002', removed: true },
          { coder_id: 'a0000003', commit: null, branch: 'aicoder/a0000003', removed: true },
        ],
        group: {} as GroupView,
      },
    } as ControlResult);
  };
  const groups = fakeGroups(client);
  const r = renderWith(client, groups);
  await frame(r, has('修正 login 🚀 ·'), 'group row');
  press(r, 'j');
  await frame(r, (x) => rowOf(x, 'a0000001')?.startsWith('>') === true, 'member selected');
  press(r, 'P');
  let f = await frame(r, has(`Pick a0000001 of group ${GID}`), 'the question');
  expect(f).toContain('Merge a0000001 (claude, 修正 login 🚀 #1) into main');
  expect(f).toContain('a0000002, a0000003. Their branches are kept');
  press(r, 'n');
  await frame(r, (x) => !x.includes('Pick a0000001'), 'cancelled');
  expect(picks).toEqual([]);

  // From the compare view: the member under the cursor.
  press(r, 'C');
  await frame(r, has('best: a0000001'), 'compare');
  press(r, 'P');
  await frame(r, has(`Pick a0000001 of group ${GID}`), 'the question from compare');
  press(r, 'y');
  f = await frame(
    r,
    has('picked a0000001: merged into main (fast-forward, bbbbbbbbbbbb); 2 other worktree(s) removed'),
    'picked',
  );
  expect(picks).toEqual([{ action: 'pick' }]);

  // P on a coder outside any group is refused in the status line.
  press(r, 'G');
  await frame(r, (x) => rowOf(x, 'c0000001')?.startsWith('>') === true, 'last row');
  press(r, 'P');
  await frame(r, has('pick c0000001: it is not a member of a group'), 'refused');
});

test('a narrow terminal keeps the group row’s verdicts: state and verdict names go first, then the name', async () => {
  const client = seeded();
  const r = renderWith(client, fakeGroups(client), 80, 24);
  const f = await frame(r, (x) => groupLine(x)?.includes('修正 login 🚀') === true, 'the group row at 80');
  expect(groupLine(f)).toBe(`> ▾ ${GID} 修正 login 🚀 · 3 members ● 1 ✓ 2 · checks ✓ 1 ✗ 1`);
  const members = [...client.coders.values()].filter((m) => m.group_id === GID);
  const info = {
    id: GID,
    name: '修正 login 🚀 '.repeat(4),
    task: '',
    base_ref: 'main',
    base_commit: '',
    created_at: '',
    picked: null,
  };
  // Wide enough for all but the name: the name is cut, in cells.
  const cut = groupRowText(GID, info, members, false, 100);
  expect(textWidth(cut)).toBeLessThanOrEqual(100);
  expect(cut).toMatch(
    /^▾ g1a2b3c4 修正 login 🚀 修正.*… · 3 members ● 1 running ✓ 2 completed · checks ✓ 1 passed ✗ 1 failed$/,
  );
  // Narrower: no name at all rather than a stub of it.
  expect(groupRowText(GID, info, members, true, 50)).toBe(`▸ ${GID} · 3 members ● 1 ✓ 2 · checks ✓ 1 ✗ 1`);
});

test('the compare table at 80 columns leaves out whole columns (tokens, turns, overlap) rather than cutting rows', async () => {
  const client = seeded();
  const r = renderWith(client, fakeGroups(client), 80, 24);
  await frame(r, has('修正 login 🚀'), 'group row');
  press(r, 'C');
  const f = await frame(r, has('best: a0000001'), 'the compare table at 80');
  expect(f).toMatch(/^ {2}RANK +ID +PROVIDER +STATE +CHECKS +FILES +\+\/- +COST +TIME$/m);
  expect(f).toMatch(/^> +1 a0000001 claude +✓ completed +✓ passed +2 \+30 -4 +\$0\.42 +1m 35s$/m);
  expect(f).toMatch(/^ {2} +2 a0000002 codex\/gpt-5 +✓ completed +✗ failed +1 \+8 -1 +~\$0\.10 +1m 1s$/m);
  // The overlap left the table but not the screen.
  expect(f).toContain('a0000001 and a0000002 both change src/login.ts; would conflict in src/login.ts');
  for (const l of f.split('\n')) expect(textWidth(l)).toBeLessThanOrEqual(80);
});
