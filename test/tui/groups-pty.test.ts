/**
 * The TUI's group views end to end: the real `aicoder tui` in a pseudo-terminal (node-pty; the screen
 * read through a headless xterm, test/helpers/screen.ts) against a real daemon (built code: run
 * `npm run build` first). A group of two command providers (one writes the right answer, one the wrong
 * one) with a CJK/emoji name, in a temp repo whose `.aicoder.json` `check` is added after they end:
 * the group row folds and unfolds with its members (Space); C shows the compare table (rank, check
 * verdict, files and lines) and the rule that decided; c in it runs the checks and the open table
 * follows (checks first now, the cursor stays on its member); P asks first, Esc and n leave
 * everything as it was, y merges: the base branch has the picked member's work, the other member's
 * worktree is gone and its branch kept. At 80x24 nothing wraps, the group row keeps its verdicts
 * and compare leaves out whole columns.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, onTestFinished, test } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import type { GroupView } from '../../src/core/group.js';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import {
  BIN,
  cliJson,
  makeHome,
  runCli,
  startDaemon,
  TEST_PROVIDERS,
  type TestHome,
} from '../helpers/daemon.js';
import { spawnPty } from '../helpers/pty.js';
import { createScreen } from '../helpers/screen.js';
import { scaled } from '../helpers/load.js';

let h: TestHome | undefined;

// The pty, home and daemon a test starts end when it finishes (test/helpers/pty.ts, daemon.ts).
afterEach(cleanupTemp);

/** A provider that writes `text` to answer.txt (and `notes` lines to notes.txt) in its worktree. */
function writer(name: string, text: string, notes: number): Record<string, unknown> {
  return {
    name,
    description: `writes ${text} to answer.txt`,
    command: [
      'bash',
      '-c',
      'printf "%s\\n" "$1" > answer.txt; for i in $(seq 1 "$2"); do echo "note $i" >> notes.txt; done; echo wrote',
      '_',
      text,
      String(notes),
    ],
    parser: 'text',
  };
}

/** The repo's check: answer.txt must say 42. */
const CHECK = ['bash', '-c', 'test "$(cat answer.txt)" = 42 || { echo "wrong: $(cat answer.txt)"; exit 1; }'];

const COLS = 140;
const ROWS = 32;
const NAME = '修正 answer 🚀';

const has = (s: string | RegExp) => (t: string) => (typeof s === 'string' ? t.includes(s) : s.test(t));
const lineOf = (t: string, s: string): string | undefined => t.split('\n').find((l) => l.includes(s));

/**
 * `aicoder tui` in a `cols` × `rows` pty in `repo`: the pty, the screen it draws, a wait on that
 * screen (the screen is printed when it times out), and its exit code.
 */
function startTui(home: TestHome, repo: string, cols: number, rows: number) {
  const term = spawnPty(process.execPath, [BIN, 'tui'], { cols, rows, cwd: repo, env: home.env });
  const screen = createScreen(cols, rows);
  onTestFinished(() => screen.dispose());
  term.onData((chunk) => screen.write(chunk));
  const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
  /** Waits until the screen (what the terminal shows now) satisfies `pred`; returns it. */
  const shows = async (pred: (s: string) => boolean, what: string): Promise<string> => {
    try {
      return await waitFor(() => (pred(screen.text()) ? screen.text() : null), { what, timeoutMs: 30_000 });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- screen ---\n${screen.text()}`);
    }
  };
  return { term, screen, shows, exited };
}

test(
  'group views in a real terminal: fold/unfold, c runs the checks, C compares, P asks and y merges the picked member',
  async () => {
    h = await makeHome({ providers: [...TEST_PROVIDERS, writer('good', '42', 3), writer('bad', '41', 0)] });
    await startDaemon(h);
    const repo = makeRepo();

    const { term, screen, shows, exited } = startTui(h, repo, COLS, ROWS);
    await shows(has('Coders 0'), 'the TUI on screen');

    // Made with the CLI while the TUI runs: the group and its members arrive through the events.
    const g = await cliJson<GroupView>(h, ['create', '--agents', 'good,bad', '--name', NAME, 'answer it'], {
      cwd: repo,
    });
    const [good, bad] = g.members as [Coder, Coder];
    const ended = await runCli(h, ['wait', g.id, '--json']);
    expect(ended.code).toBe(0);

    let s = await shows(
      (t) => lineOf(t, `▾ ${g.id}`)?.includes(`${NAME} · 2 members ✓ 2 completed · no checks yet`) === true,
      'the group row, unfolded, both members completed',
    );
    const rows = s.split('\n');
    const gi = rows.findIndex((l) => l.includes(`▾ ${g.id}`));
    expect(rows[gi]).toMatch(/^> /); // newest first: the group is selected
    expect(rows[gi]).toContain(NAME);
    expect(rows[gi + 1]).toContain(`${good.id} ├ ${NAME} · good`);
    expect(rows[gi + 2]).toContain(`${bad.id} └ ${NAME} · bad`);
    // Wide names take two cells each in the terminal: the columns still line up with the header.
    const head = rows.findIndex((l) => /^ +ID +NAME +PROVIDER +STATE/.test(l));
    const cols: [string, string, string][] = [
      ['PROVIDER', '  good', '  bad'],
      ['STATE', '  ✓ completed', '  ✓ completed'],
      ['BRANCH', '  aicoder/', '  aicoder/'],
    ];
    for (const [col, a, b] of cols) {
      const at = screen.columnOf(head, col)! - 2;
      expect([screen.columnOf(gi + 1, a), screen.columnOf(gi + 2, b)], col).toEqual([at, at]);
    }

    // Space folds the group to its row and unfolds it.
    term.write(' ');
    s = await shows((t) => lineOf(t, `▸ ${g.id}`) !== undefined, 'the group folded');
    expect(s).not.toContain(`${good.id} ├`);
    expect(lineOf(s, `▸ ${g.id}`)).toContain('2 members ✓ 2 completed · no checks yet');
    term.write(' ');
    s = await shows((t) => t.includes(`${bad.id} └`), 'the group unfolded');
    expect(lineOf(s, `▾ ${g.id}`)).toMatch(/^> /);

    // C: the compare table. No checks ran yet: the smaller diff (bad's) ranks first.
    term.write('C');
    s = await shows(has(`best: ${bad.id}`), 'the compare table');
    expect(s).toContain(`Compare ${g.id} · 2 member(s) · base main`);
    expect(s).toMatch(/RANK +ID +PROVIDER +STATE +CHECKS +FILES +\+\/- +TURNS +TOKENS +COST +TIME +OVERLAP/);
    expect(s).toMatch(new RegExp(`> +1 ${bad.id} bad +✓ completed +- none +1 \\+1 -0 `));
    expect(s).toMatch(new RegExp(`  +2 ${good.id} good +✓ completed +- none +2 \\+4 -0 `));
    expect(s).toContain(`(decided by diff:`);
    // ↓ (an escape sequence from a real terminal) moves the cursor to the second member.
    term.write('\x1b[B');
    await shows(has(new RegExp(`> +2 ${good.id}`)), 'the cursor on the second row');

    // The repo gets its check now (read from the main checkout at each run): c in the compare view
    // runs it on both members, and the open table follows: checks first, the cursor stays on good.
    writeFileSync(join(repo, '.aicoder.json'), JSON.stringify({ check: [CHECK] }));
    git(repo, 'add', '.aicoder.json');
    git(repo, 'commit', '-q', '-m', 'the check');
    term.write('c');
    await shows(has(`started the checks of group ${g.id}: 2 of 2 member(s)`), 'the checks started');
    s = await shows(
      has(new RegExp(`  +2 ${bad.id} bad +✓ completed +✗ failed +1 \\+1 -0 `)),
      'the table after the checks',
    );
    expect(s).toMatch(new RegExp(`> +1 ${good.id} good +✓ completed +✓ passed +2 \\+4 -0 `));
    expect(s).toContain(
      `best: ${good.id} (decided by checks: ${good.id} first: its checks passed, ${bad.id}'s failed)`,
    );
    expect(s).toContain(`${good.id} and ${bad.id} both change answer.txt; would conflict in answer.txt`);
    expect((await cliJson<Coder>(h, ['status', bad.id])).checks).toMatchObject({
      verdict: 'failed',
      trigger: 'demand',
    });

    // P asks; Esc cancels back to the table: nothing merged, both worktrees still there.
    const before = git(repo, 'rev-parse', 'main');
    term.write('P');
    s = await shows(has(`Pick ${good.id} of group ${g.id}`), 'the pick question');
    expect(s).toContain(`Merge ${good.id} (good, ${NAME} · good) into main`);
    expect(s).toContain(`remove the worktrees of the 1 other member(s):`);
    term.write('\x1b');
    await shows((t) => !t.includes(`Pick ${good.id}`) && /> +1 /.test(t), 'back in the compare view');
    expect(git(repo, 'rev-parse', 'main')).toBe(before);
    expect(existsSync(good.workspace) && existsSync(bad.workspace)).toBe(true);

    // Esc closes the table; the group row has the verdicts.
    term.write('\x1b');
    s = await shows(
      (t) => !t.includes(`Compare ${g.id}`) && lineOf(t, `▾ ${g.id}`) !== undefined,
      'the list again',
    );
    expect(lineOf(s, `▾ ${g.id}`)).toContain('2 members ✓ 2 completed · checks ✓ 1 passed ✗ 1 failed');

    // P on the group row opens the table to choose; P there asks, n cancels, P and y merge.
    term.write('P');
    await shows(has('choose the member to pick: j/k, then P'), 'the table to choose from');
    await shows(has(new RegExp(`> +1 ${good.id}`)), 'the best member under the cursor');
    term.write('P');
    await shows(has(`Pick ${good.id} of group ${g.id}`), 'the pick question again');
    term.write('n');
    await shows((t) => !t.includes(`Pick ${good.id}`) && t.includes(`Compare ${g.id}`), 'n: back');
    expect(git(repo, 'rev-parse', 'main')).toBe(before);
    term.write('P');
    await shows(has(`Pick ${good.id} of group ${g.id}`), 'the pick question a third time');
    term.write('y');
    s = await shows(has(`picked ${good.id}: merged into main`), 'the pick reported');
    expect(s).toContain('1 other worktree(s) removed, branches kept');
    // The base branch has the picked member's work; the other's worktree is gone, its branch kept.
    expect(git(repo, 'show', 'main:answer.txt')).toBe('42');
    expect(git(repo, 'show', 'main:notes.txt')).toBe('note 1\nnote 2\nnote 3');
    expect(git(repo, 'merge-base', '--is-ancestor', before, 'main')).toBe('');
    expect(existsSync(bad.workspace)).toBe(false);
    expect(git(repo, 'branch', '--list', bad.branch)).toContain(bad.branch);
    // The group row and its detail pane say which member was picked (the other one is gone).
    s = await shows(
      (t) =>
        lineOf(t, `▾ ${g.id}`)?.includes(
          `· 1 member ✓ 1 completed · checks ✓ 1 passed · picked ${good.id}`,
        ) === true,
      'the pick on the group row',
    );
    expect(s).not.toContain(bad.id);
    term.write('k');
    await shows(has(`picked   ${good.id} (merged into main)`), 'the pick in the group detail');

    term.write('q');
    expect(await exited).toBe(0);
  },
  scaled(180_000),
);

test(
  'group views at 80x24 in a real terminal: nothing wraps, the group row keeps its summary (the name is cut), compare drops whole columns',
  async () => {
    h = await makeHome({ providers: [...TEST_PROVIDERS, writer('good', '42', 3), writer('bad', '41', 0)] });
    await startDaemon(h);
    const repo = makeRepo({ 'README.md': '# r\n', '.aicoder.json': JSON.stringify({ check: [CHECK] }) });
    const g = await cliJson<GroupView>(h, ['create', '--agents', 'good,bad', '--name', NAME, 'answer it'], {
      cwd: repo,
    });
    const [good, bad] = g.members as [Coder, Coder];
    expect((await runCli(h, ['wait', g.id])).code).toBe(0);

    const { term, screen, shows, exited } = startTui(h, repo, 80, 24);
    let s = await shows(
      (t) =>
        lineOf(t, `▾ ${g.id}`)?.includes(
          '修正 answ… · 2 members ✓ 2 completed · checks ✓ 1 passed ✗ 1 failed',
        ) === true,
      'the group row with its whole summary',
    );
    const rows = s.split('\n');
    // Nothing wrapped (a line wider than 80 cells would push the frame up a row): the list's title
    // on the first row, the key hints on the last row the TUI draws (it leaves the cursor's row).
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatch(/^▶ Coders 2 ─/);
    expect(rows[22]).toMatch(/\? help +q quit$/);
    // The name gave way to the summary, cut in cells.
    expect(lineOf(s, `▾ ${g.id}`)).toMatch(new RegExp(`^> ▾ ${g.id} 修正 answ… · 2 members .* failed$`));
    // The member rows' columns line up with the header, in cells, past the wide name.
    const head = rows.findIndex((l) => /^ +ID +NAME +PROVIDER +STATE/.test(l));
    const gi = rows.findIndex((l) => l.includes(`▾ ${g.id}`));
    expect(rows[gi + 1]).toContain(`${good.id} ├`);
    const at = screen.columnOf(head, 'STATE')! - 2;
    expect([screen.columnOf(gi + 1, '  ✓ completed'), screen.columnOf(gi + 2, '  ✓ completed')]).toEqual([
      at,
      at,
    ]);

    term.write('C');
    s = await shows(has(`best: ${good.id}`), 'the compare table');
    expect(s.split('\n')[0]).toMatch(new RegExp(`^▶ Compare ${g.id} · 2 member\\(s\\) · base main ─`));
    // Whole columns, none cut mid-cell (each row ends with its TIME cell).
    expect(s).toMatch(/^ {2}RANK +ID +PROVIDER +STATE +CHECKS +FILES +\+\/- +COST +TIME$/m);
    expect(s).toMatch(
      new RegExp(`^> +1 ${good.id} good +✓ completed +✓ passed +2 \\+4 -0 +\\$0\\.00 +\\d+s$`, 'm'),
    );
    expect(s).toMatch(
      new RegExp(`^ {2} +2 ${bad.id} bad +✓ completed +✗ failed +1 \\+1 -0 +\\$0\\.00 +\\d+s$`, 'm'),
    );

    term.write('q'); // closes the compare view
    await shows((x) => !x.includes(`Compare ${g.id}`), 'the list again');
    term.write('q');
    expect(await exited).toBe(0);
  },
  scaled(120_000),
);
