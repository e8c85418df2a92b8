/**
 * What a new user trips on in the CLI, against a real daemon, git and CLI process (built code: run
 * `npm run build` first): text that starts with "-", numbered logs, commit without a git identity,
 * the rm refusal's option name, and list --help.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, git, makeRepo } from '../helpers/env.js';
import {
  cli,
  cliJson,
  makeHome,
  runCli,
  startDaemon,
  TEST_PROVIDERS,
  type TestHome,
} from '../helpers/daemon.js';

let h: TestHome | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

const WRITER = {
  name: 'writer',
  description: 'writes the task to out.txt',
  command: ['bash', '-c', 'printf "%s\\n" "$1" > out.txt; echo wrote', '_', '{task}'],
  parser: 'text',
};

async function setup(): Promise<{ h: TestHome; repo: string }> {
  h = await makeHome({ providers: [...TEST_PROVIDERS, WRITER] });
  await startDaemon(h);
  return { h, repo: makeRepo() };
}

describe('CLI first-hour fixes', () => {
  it('a task that starts with "-": the unknown-option error says to put -- before it, and -- works', async () => {
    const { h, repo } = await setup();
    const r = await runCli(h, ['create', '-fix', 'the', 'bug'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '-fix'");
    expect(r.stderr).toContain('put -- before the text: aicoder create -- "-x …"');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const m = await runCli(h, ['message', 'abcd', '--verbose-please']);
    expect(m.stderr).toContain('aicoder message <id> -- "-x …"');
    // An unknown option of a command without free text gets no such hint.
    expect((await runCli(h, ['list', '--bogus'])).stderr).not.toContain('put --');

    const created = await cli(
      h,
      ['create', '--provider', 'echo', '--wait', '--json', '--', '-fix', 'the', 'bug'],
      {
        cwd: repo,
      },
    );
    const c = JSON.parse(created) as Coder;
    expect(c.task).toBe('-fix the bug');
    expect(c.state).toBe('completed');
  });

  it('logs shows each entry with its number, and --since takes that number', async () => {
    const { h, repo } = await setup();
    const c = await cliJson<Coder>(h, ['create', '--provider', 'lines', '--wait', '4'], { cwd: repo });
    const out = await cli(h, ['logs', c.id]);
    const numbered = out
      .trimEnd()
      .split('\n')
      .filter((l) => / line \d$/.test(l))
      .map((l) => /^ *(\d+) {2}(line \d)$/.exec(l));
    expect(numbered.every((m) => m !== null)).toBe(true);
    expect(numbered.map((m) => m![2])).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    const seqOfLine2 = Number(numbered[1]![1]);
    const since = await cli(h, ['logs', c.id, '--since', String(seqOfLine2)]);
    expect(since).not.toContain('line 2');
    expect(since).toContain(`${seqOfLine2 + 1}  line 3`);
  });

  it('commit without a git identity says how to set user.name and user.email', async () => {
    const { h, repo } = await setup();
    git(repo, 'config', '--unset', 'user.name');
    git(repo, 'config', '--unset', 'user.email');
    git(repo, 'config', 'user.useConfigOnly', 'true'); // no guessing from the host name
    const c = await cliJson<Coder>(h, ['create', '--provider', 'writer', '--wait', 'hello'], { cwd: repo });
    const r = await runCli(h, ['commit', c.id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('git has no identity to commit with');
    expect(r.stderr).toContain('git config --global user.name "Your Name"');
    expect(r.stderr).toContain('git config --global user.email you@example.com');
  });

  it('the rm refusal names the --force option', async () => {
    const { h, repo } = await setup();
    const c = await cliJson<Coder>(h, ['create', '--provider', 'writer', '--wait', 'hi'], { cwd: repo });
    const r = await runCli(h, ['rm', c.id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('uncommitted changes');
    expect(r.stderr).toContain('--force');
    expect(r.stderr).not.toMatch(/use force\b/);
    writeFileSync(join(c.workspace, 'more.txt'), 'x\n');
    expect((await runCli(h, ['rm', c.id, '--force'])).code).toBe(0);
  });

  it('list --help states the default of --limit once', async () => {
    const { h } = await setup();
    const help = await cli(h, ['list', '--help']);
    const limit = help.split('\n').filter((l) => l.includes('--limit'));
    expect(limit).toHaveLength(1);
    expect(limit[0]!.match(/default/g)).toHaveLength(1);
    expect(limit[0]).toContain('(default: 50)');
  });
});
