/**
 * Submodules, through the real daemon and CLI with a text provider (the task is
 * a shell script): worktrees get their submodules (nested ones too) from the user's own git settings;
 * a configuration that refuses local-path submodule URLs is obeyed and reported on the coder; diff,
 * changes, commit, merge and rm agree about changes inside a submodule; `.aicoder.json`
 * `submodules: false` leaves them empty with a warning. Only this file's own setup git calls use
 * `-c protocol.file.allow=always`; the daemon runs with the (test) user's ~/.gitconfig.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import type { Coder } from '../../src/core/coder.js';
import {
  cleanupHome,
  cli,
  cliJson,
  makeHome,
  runCli,
  startDaemon,
  TEST_PROVIDERS,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { cleanupTemp, git, makeRepo } from '../helpers/env.js';

const SHELL = {
  name: 'sh',
  description: 'the task is a shell script',
  command: ['bash', '-c', 'eval "$1"', '_', '{task}'],
  parser: 'text',
};

let h: TestHome | undefined;
let d: RunningDaemon | undefined;
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && d) console.log(`daemon output:\n${d.output().slice(-3000)}`);
  if (h) await cleanupHome(h, d);
  h = undefined;
  d = undefined;
});
afterAll(() => cleanupTemp());

/** The test's own setup: file-protocol submodules need the override here, and only here. */
function addSubmodule(repo: string, url: string, path: string): void {
  git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', url, path);
  git(repo, 'commit', '-q', '-m', `add submodule ${path}`);
}

/** app with vendor/lib (a submodule), and lib with deps/inner (a nested submodule). */
function superproject(): { app: string; lib: string; inner: string } {
  const inner = makeRepo({ 'inner.txt': 'inner v1\n' });
  const lib = makeRepo({ 'lib.txt': 'lib v1\n' });
  addSubmodule(lib, inner, 'deps/inner');
  const app = makeRepo({ 'README.md': '# app\n' });
  addSubmodule(app, lib, 'vendor/lib');
  return { app, lib, inner };
}

/** The user's own ~/.gitconfig (the daemon's HOME): an identity, and file-protocol URLs if `allowFile`. */
function userGitConfig(t: TestHome, allowFile: boolean): void {
  const lines = ['[user]', '\tname = Test', '\temail = test@example.invalid'];
  if (allowFile) lines.push('[protocol "file"]', '\tallow = always');
  writeFileSync(join(t.userHome, '.gitconfig'), `${lines.join('\n')}\n`);
}

async function start(allowFile: boolean): Promise<TestHome> {
  const t = await makeHome({ providers: [...TEST_PROVIDERS, SHELL], config: { default_provider: 'sh' } });
  userGitConfig(t, allowFile);
  h = t;
  d = await startDaemon(t);
  return t;
}

describe('submodules', () => {
  it('submodules: the task sees vendor/lib; diff, changes, commit, merge and rm agree on an edit inside it', async () => {
    const t = await start(true);
    const { app } = superproject();
    const c = await cliJson<Coder>(
      t,
      [
        'create',
        '--wait',
        'ls vendor/lib; cat vendor/lib/lib.txt; cat vendor/lib/deps/inner/inner.txt; echo edit >> vendor/lib/lib.txt',
      ],
      { cwd: app },
    );
    expect(c.state).toBe('completed');
    expect(c.warnings).toEqual([]);
    const logs = await cli(t, ['logs', c.id]);
    expect(logs).toMatch(/lib v1/);
    expect(logs).toMatch(/inner v1/); // nested submodule initialized too

    // diff and changes show the edit inside the submodule, path prefixed with the submodule's path.
    const { diff } = await cliJson<{ diff: string }>(t, ['diff', c.id]);
    expect(diff).toMatch(/^diff --git a\/vendor\/lib\/lib\.txt b\/vendor\/lib\/lib\.txt$/m);
    expect(diff).toMatch(/^\+edit$/m);
    expect(diff).not.toMatch(/Subproject commit/);
    const client = createHttpClient({ baseUrl: t.baseUrl, token: t.token });
    const ch = await client.changes(c.id);
    expect(ch.changes.map((x) => [x.path, x.status])).toEqual([['vendor/lib/lib.txt', 'modified']]);

    // rm and merge refuse, naming the submodule.
    const rm = await runCli(t, ['rm', c.id]);
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toMatch(/submodule vendor\/lib has uncommitted changes \(M lib\.txt\)/);
    const mergeDirty = await runCli(t, ['merge', c.id]);
    expect(mergeDirty.code).not.toBe(0);
    expect(mergeDirty.stderr).toMatch(/submodule vendor\/lib has uncommitted changes/);

    // commit commits inside the submodule, then the gitlink in the superproject.
    const committed = await cliJson<{ commit: string; files: number }>(t, ['commit', c.id, '-m', 'edit lib']);
    expect(committed.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(committed.files).toBe(1);
    const subHead = git(join(c.workspace, 'vendor/lib'), 'rev-parse', 'HEAD');
    expect(git(join(c.workspace, 'vendor/lib'), 'log', '-1', '--format=%s')).toBe('edit lib');
    expect(git(app, 'ls-tree', c.branch, 'vendor/lib')).toContain(subHead);
    expect(git(c.workspace, 'status', '--porcelain')).toBe('');
    // After the commit, diff and changes still show the work (committed now), the same files.
    expect((await client.changes(c.id)).changes.map((x) => x.path)).toEqual(['vendor/lib/lib.txt']);
    expect((await cliJson<{ diff: string }>(t, ['diff', c.id])).diff).toMatch(/^\+edit$/m);

    // The submodule commit exists only in this worktree: merge and rm refuse until it is pushed.
    const merge = await runCli(t, ['merge', c.id]);
    expect(merge.code).not.toBe(0);
    expect(merge.stderr).toMatch(/submodule vendor\/lib has 1 commit on no remote branch/);
    expect(merge.stderr).toMatch(/push origin HEAD:refs\/heads\//);
    const rm2 = await runCli(t, ['rm', c.id]);
    expect(rm2.code).not.toBe(0);
    expect(rm2.stderr).toMatch(/submodule vendor\/lib has 1 commit on no remote branch/);

    // Pushed (to a branch of lib, as the message says): merge goes through, then rm without force.
    git(join(c.workspace, 'vendor/lib'), 'push', '-q', 'origin', `HEAD:refs/heads/${c.branch}`);
    git(join(c.workspace, 'vendor/lib'), 'fetch', '-q', 'origin');
    const merged = await cliJson<{ outcome: string }>(t, ['merge', c.id]);
    expect(merged.outcome).toBe('fast_forward');
    expect(git(app, 'ls-tree', 'main', 'vendor/lib')).toContain(subHead);
    await cli(t, ['rm', c.id]);
    expect(existsSync(c.workspace)).toBe(false);
  });

  it('submodules: an edit in a nested submodule is shown, committed at both levels, and a new file counts', async () => {
    const t = await start(true);
    const { app } = superproject();
    const c = await cliJson<Coder>(
      t,
      [
        'create',
        '--wait',
        'echo more >> vendor/lib/deps/inner/inner.txt; echo new > vendor/lib/new.txt; echo top > top.txt',
      ],
      { cwd: app },
    );
    expect(c.state).toBe('completed');
    const client = createHttpClient({ baseUrl: t.baseUrl, token: t.token });
    const ch = await client.changes(c.id);
    expect(ch.changes.map((x) => [x.path, x.status])).toEqual([
      ['top.txt', 'untracked'],
      ['vendor/lib/deps/inner/inner.txt', 'modified'],
      ['vendor/lib/new.txt', 'untracked'],
    ]);
    const { diff } = await cliJson<{ diff: string }>(t, ['diff', c.id]);
    expect(diff).toMatch(/^\+\+\+ b\/vendor\/lib\/deps\/inner\/inner\.txt$/m);
    expect(diff).toMatch(/^\+\+\+ b\/vendor\/lib\/new\.txt$/m);
    expect(diff).toMatch(/^\+\+\+ b\/top\.txt$/m);

    const committed = await cliJson<{ files: number }>(t, ['commit', c.id]);
    expect(committed.files).toBe(3);
    const lib = join(c.workspace, 'vendor/lib');
    expect(git(lib, 'ls-tree', 'HEAD', 'deps/inner')).toContain(
      git(join(lib, 'deps/inner'), 'rev-parse', 'HEAD'),
    );
    expect(git(c.workspace, 'status', '--porcelain')).toBe('');
    expect((await client.changes(c.id)).total).toBe(3);
    // rm --force removes it anyway (its work is lost, as asked).
    await cli(t, ['rm', '--force', c.id]);
    expect(existsSync(c.workspace)).toBe(false);
  });

  it("submodules: the user's git refuses file-protocol URLs: the coder warns naming the submodule and the setting; nothing is overridden", async () => {
    const t = await start(false);
    const { app, lib } = superproject();
    const c = await cliJson<Coder>(t, ['create', '--wait', 'ls -A vendor/lib | wc -l'], { cwd: app });
    expect(c.state).toBe('completed');
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(
      /submodule vendor\/lib not initialized: .*protocol\.file\.allow.*does not override/,
    );
    expect(await cli(t, ['status', c.id])).toMatch(/protocol\.file\.allow/);
    // The folder the agent saw is empty; the user's config is untouched.
    expect(await cli(t, ['logs', c.id])).toMatch(/\b0\b/);
    expect(readFileSync(join(t.userHome, '.gitconfig'), 'utf8')).not.toMatch(/allow/);
    // A submodule the agent did not init: nothing to show, commit, or refuse.
    expect((await cliJson<{ diff: string }>(t, ['diff', c.id])).diff).toBe('');
    expect((await cliJson<{ commit: string | null }>(t, ['commit', c.id])).commit).toBeNull();
    await cli(t, ['rm', c.id]);

    // An agent that clones the library into the empty folder itself (a `.git` folder, not git's
    // submodule): diff and commit treat it as git does, by its gitlink, and never fail on it.
    const e = await cliJson<Coder>(t, ['create', '--wait', 'true'], { cwd: app });
    git(e.workspace, '-c', 'protocol.file.allow=always', 'clone', '-q', lib, 'vendor/lib');
    expect((await cliJson<{ diff: string }>(t, ['diff', e.id])).diff).toBe('');
    writeFileSync(join(e.workspace, 'vendor/lib/lib.txt'), 'changed\n');
    expect((await cliJson<{ diff: string }>(t, ['diff', e.id])).diff).toBe('');
    expect((await createHttpClient({ baseUrl: t.baseUrl, token: t.token }).changes(e.id)).total).toBe(0);
    await cli(t, ['rm', '--force', e.id]);
  });

  it('submodules: .aicoder.json "submodules": false leaves them empty with a warning; an agent init is then seen by diff', async () => {
    const t = await start(true);
    const { app } = superproject();
    writeFileSync(join(app, '.aicoder.json'), JSON.stringify({ submodules: false }));
    git(app, 'add', '.aicoder.json');
    git(app, 'commit', '-q', '-m', 'no submodules');
    const c = await cliJson<Coder>(
      t,
      ['create', '--wait', 'test -e vendor/lib/lib.txt && echo present || echo absent'],
      { cwd: app },
    );
    expect(c.warnings).toEqual([
      'submodules not initialized (.aicoder.json "submodules": false): vendor/lib is empty',
    ]);
    expect(await cli(t, ['logs', c.id])).toMatch(/absent/);
    // The agent initializes it itself (its own git call, with the user's config) and edits inside.
    git(c.workspace, '-c', 'protocol.file.allow=always', 'submodule', 'update', '--init');
    writeFileSync(join(c.workspace, 'vendor/lib/lib.txt'), 'changed\n');
    const { diff } = await cliJson<{ diff: string }>(t, ['diff', c.id]);
    expect(diff).toMatch(/^-lib v1$/m);
    expect(diff).toMatch(/^\+changed$/m);
    await cli(t, ['rm', '--force', c.id]);
  });
});
