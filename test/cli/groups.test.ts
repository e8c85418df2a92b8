/** Best of N through the real CLI and REST against a real daemon: create --agents, checks, status, rm. */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import type { GroupView } from '../../src/core/group.js';
import type { CompareResult } from '../../src/core/compare.js';
import { cleanupTemp, git, makeRepo } from '../helpers/env.js';
import { cli, cliJson, makeHome, runCli, TEST_PROVIDERS, type TestHome } from '../helpers/daemon.js';

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

/** Writes `text` to answer.txt in its worktree (and `extra` lines to notes.txt). */
function writer(name: string, text: string, extra = 0): Record<string, unknown> {
  return {
    name,
    description: `writes ${text}`,
    command: [
      'bash',
      '-c',
      'printf "%s\\n" "$1" > answer.txt; for i in $(seq 1 "$2"); do echo "note $i" >> notes.txt; done; echo wrote',
      '_',
      text,
      String(extra),
    ],
    parser: 'text',
  };
}

const CHECK = ['bash', '-c', 'test "$(cat answer.txt)" = 42 || { echo "wrong: $(cat answer.txt)"; exit 1; }'];

describe('groups and checks through the CLI', () => {
  it('create --agents makes a group; checks run; list, status, check and rm take the group', async () => {
    h = await makeHome({
      providers: [...TEST_PROVIDERS, writer('good', '42'), writer('big', '42', 5), writer('bad', '41')],
    });
    const repo = makeRepo({ 'README.md': '# r\n', '.aicoder.json': JSON.stringify({ check: [CHECK] }) });
    const g = await cliJson<GroupView>(h, ['create', '--agents', 'good,big,bad', 'answer the question'], {
      cwd: repo,
    });
    expect(g.id).toMatch(/^g[0-9a-f]{7}$/);
    expect(g.members.map((m) => m.provider)).toEqual(['good', 'big', 'bad']);
    expect(new Set(g.members.map((m) => m.base_commit))).toEqual(new Set([git(repo, 'rev-parse', 'HEAD')]));

    // wait on the group: exit 0 (every member completed), with the checks of each.
    const waited = await runCli(h, ['wait', g.id, '--json']);
    expect(waited.code).toBe(0);
    const end = JSON.parse(waited.stdout) as GroupView;
    expect(end.state).toBe('ended');
    expect(end.members.map((m) => m.state)).toEqual(['completed', 'completed', 'completed']);
    expect(end.members.map((m) => m.checks?.verdict)).toEqual(['passed', 'passed', 'failed']);
    expect(end.members.map((m) => m.checks?.trigger)).toEqual(['completion', 'completion', 'completion']);
    expect(end.members[2]!.checks!.results[0]).toMatchObject({
      status: 'failed',
      exit_code: 1,
      tail: 'wrong: 41',
    });

    const text = await cli(h, ['status', g.id]);
    expect(text).toContain(`group ${g.id} (answer the question) · ended`);
    expect(text).toMatch(/bad {2}completed .* · checks failed: `bash -c .*` exited 1 \(0 of 1 passed\)/);
    const one = await cli(h, ['status', g.members[2]!.id]);
    expect(one).toMatch(/group +g[0-9a-f]{7}/);
    expect(one).toMatch(/checks +failed/);
    expect(one).toMatch(/ {2}failed +bash -c .* · exit 1 · [0-9.]+ s · wrong: 41/);

    const list = await cli(h, ['list']);
    expect(list).toContain(
      `group ${g.id} (answer the question) · ended: ${g.members.map((m) => `${m.id} completed`).join(', ')}`,
    );
    const listJson = JSON.parse(await cli(h, ['list', '--json'])) as { groups: GroupView[] };
    expect(listJson.groups.map((x) => x.id)).toEqual([g.id]);

    // On demand: one coder, --wait gives the verdict as the exit code.
    const again = await runCli(h, ['check', g.members[2]!.id, '--wait']);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('wrong: 41');
    const goodRun = await runCli(h, ['check', g.members[0]!.id, '--wait', '--json']);
    expect(goodRun.code).toBe(0);
    expect((JSON.parse(goodRun.stdout) as Coder).checks?.trigger).toBe('demand');
    const all = await runCli(h, ['check', g.id, '--wait']);
    expect(all.code).toBe(1); // one member fails its check

    // compare: checks first (bad last), then the smaller diff (good above big); overlaps forecast.
    const [good, big, bad] = g.members.map((m) => m.id) as [string, string, string];
    const cmp = JSON.parse(await cli(h, ['compare', g.id, '--json'])) as CompareResult;
    expect(cmp.rows.map((r) => [r.rank, r.coder_id, r.checks])).toEqual([
      [1, good, 'passed'],
      [2, big, 'passed'],
      [3, bad, 'failed'],
    ]);
    expect(cmp).toMatchObject({ group_id: g.id, best: good, decided_by: 'diff' });
    expect(cmp.reason).toBe(`${good} first: smaller diff (1 lines against 6)`);
    expect(cmp.rows[1]).toMatchObject({ files_changed: 2, insertions: 6, deletions: 0 });
    const goodRow = cmp.rows[0]!;
    expect(goodRow.overlap).toEqual([
      { coder_id: big, files: ['answer.txt'], conflicts: [] },
      { coder_id: bad, files: ['answer.txt'], conflicts: ['answer.txt'] },
    ]);
    const table = await cli(h, ['compare', g.id]);
    expect(table).toMatch(
      /RANK +ID +PROVIDER +STATE +CHECKS +FILES +\+\/- +TURNS +TOKENS +COST +TIME +OVERLAP/,
    );
    expect(table).toContain(`${good} and ${bad} both change answer.txt; would conflict in answer.txt`);
    expect(table).toContain(`best: ${good} (diff: ${good} first: smaller diff (1 lines against 6))`);

    // rm of the group: refused for unmerged work without --force, then every worktree goes.
    const refused = await runCli(h, ['rm', g.id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/--force/);
    const rm = await runCli(h, ['rm', g.id, '--force']);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toContain(`removed group ${g.id}`);
    for (const m of g.members) expect(existsSync(m.workspace)).toBe(false);
    const gone = await runCli(h, ['status', g.id]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(`no group '${g.id}'`);
  });

  it('refuses --agents with --provider and a bad spec, naming the field', async () => {
    h = await makeHome();
    const repo = makeRepo();
    const both = await runCli(h, ['create', '--agents', 'lines', '--provider', 'lines', 't'], { cwd: repo });
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--provider cannot be combined with --agents');
    const bad = await runCli(h, ['create', '--agents', 'lines:x', 't'], { cwd: repo });
    expect(bad.stderr).toContain("agents entry 'lines:x' must be provider[/model][:count]");
    const unknown = await runCli(h, ['create', '--agents', 'lines,nope', 't'], { cwd: repo });
    expect(unknown.stderr).toContain("unknown provider 'nope'");
    expect(git(repo, 'branch', '--list', 'aicoder/*')).toBe('');
  });
});
