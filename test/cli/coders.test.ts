/** Coders end to end through the real CLI against a real daemon: create, wait, logs, pause/resume/stop, errors. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlResult } from '../../src/core/api.js';
import type { Coder } from '../../src/core/coder.js';
import type { ListCodersPage } from '../../src/core/ports.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { cleanupTemp, git, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { cli, cliJson, groupStates, makeHome, runCli, type TestHome, logText } from '../helpers/daemon.js';

let h: TestHome | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

/** The last log sequence number (polled over HTTP: cheaper than a CLI process per poll). */
async function lastSeq(home: TestHome, id: string): Promise<number> {
  return (await createHttpClient({ baseUrl: home.baseUrl, token: home.token }).logs(id, { tail: 1 }))
    .next_seq;
}

describe('coders through the CLI', () => {
  it('create --json returns the record on its own branch; wait exits 0 or 1; logs come in order', async () => {
    h = await makeHome();
    const repo = makeRepo();
    const ok = await cliJson<Coder>(h, ['create', '--provider', 'lines', '5 0'], { cwd: repo });
    expect(ok).toMatchObject({ task: '5 0', provider: 'lines', repo, base_ref: 'main', exit_code: null });
    expect(ok.id).toMatch(/^[0-9a-z]+$/);
    expect(ok.branch).toMatch(new RegExp(`^aicoder/${ok.id}-`));
    expect(['queued', 'starting', 'running', 'completed']).toContain(ok.state);
    expect(ok.workspace.startsWith(join(h.home, 'worktrees'))).toBe(true);
    expect(git(ok.workspace, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(ok.branch);
    expect(git(repo, 'worktree', 'list')).toContain(ok.workspace);
    expect(git(repo, 'status', '--porcelain')).toBe(''); // the user's checkout stays clean

    const waited = await runCli(h, ['wait', ok.id]);
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    expect(waited.stdout).toBe(`coder ${ok.id} completed (exit code 0)\n`);
    // The run is framed by aicoder's notes (») so that runs stay apart; --kind text leaves them out.
    expect(logText(await cli(h, ['logs', ok.id]))).toBe(
      '» ── run 1 started ──\nline 1\nline 2\nline 3\nline 4\nline 5\n» run 1 ended: the agent finished (exit code 0)\n',
    );
    expect(logText(await cli(h, ['logs', ok.id, '--kind', 'text']))).toBe(
      'line 1\nline 2\nline 3\nline 4\nline 5\n',
    );
    const entries = (await cli(h, ['logs', ok.id, '--kind', 'text', '--json']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(entries[0]).toMatchObject({ coder_id: ok.id, stream: 'stdout', kind: 'text', text: 'line 1' });
    expect(logText(await cli(h, ['logs', ok.id, '--kind', 'text', '--tail', '2']))).toBe('line 4\nline 5\n');
    expect(logText(await cli(h, ['logs', ok.id, '--kind', 'text', '--since', '4']))).toBe('line 4\nline 5\n');

    const bad = await cliJson<Coder>(h, ['create', '--provider', 'lines', '--name', 'three', '4 3'], {
      cwd: repo,
    });
    const failed = await runCli(h, ['wait', bad.id, '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      id: bad.id,
      name: 'three',
      state: 'failed',
      exit_code: 3,
    });
    expect((await cliJson<Coder>(h, ['status', bad.id.slice(0, 4)])).exit_code).toBe(3);
    expect(logText(await cli(h, ['logs', bad.id, '--kind', 'text']))).toBe(
      'line 1\nline 2\nline 3\nline 4\n',
    );

    // --wait on create, and logs -f that follows a slower coder to its end.
    const withWait = await runCli(h, ['create', '--provider', 'lines', '--wait', '2 3'], { cwd: repo });
    expect(withWait.code).toBe(1);
    expect(withWait.stdout).toMatch(/failed \(exit code 3\)/);
    const slow = await cliJson<Coder>(h, ['create', '--provider', 'lines', '6 0 0.05'], { cwd: repo });
    expect(logText(await cli(h, ['logs', slow.id, '-f', '--kind', 'text']))).toBe(
      'line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n',
    );
    expect((await cliJson<Coder>(h, ['status', slow.id])).state).toBe('completed');

    const page = await cliJson<ListCodersPage>(h, ['list']);
    expect(page.total).toBe(4);
    expect(page.coders.map((c) => c.id)).toEqual(expect.arrayContaining([ok.id, bad.id, slow.id]));
    const failedOnly = await cliJson<ListCodersPage>(h, ['list', '--state', 'failed']);
    expect(failedOnly.coders.map((c) => c.state)).toEqual(['failed', 'failed']);
    const table = (await cli(h, ['list'])).split('\n');
    expect(table[0]).toMatch(/^ID\s+NAME\s+PROVIDER\s+STATE\s+EXIT\s+AGE\s+COST\s+BRANCH$/);
    const stateCol = table[0]!.indexOf('STATE');
    for (const row of table.slice(1, 5)) expect(row.slice(stateCol)).toMatch(/^(completed|failed)\s/);

    const timedOut = await runCli(h, [
      'wait',
      (await cliJson<Coder>(h, ['create', '--provider', 'stubborn', 'x'], { cwd: repo })).id,
      '--timeout',
      '0.3',
    ]);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toMatch(
      /^aicoder: timed out after 0.3 s waiting for coder \w+ to end \(it is (running|starting)\)\n$/,
    );
  });

  it('pause stops the whole process group, resume continues it, stop ends it within the grace period', async () => {
    h = await makeHome({ config: { stop_grace_s: 1 } });
    const repo = makeRepo();
    const client = () => createHttpClient({ baseUrl: h!.baseUrl, token: h!.token });
    const c = await cliJson<Coder>(h, ['create', '--provider', 'lines', '100000 0 0.02'], { cwd: repo });
    await waitFor(async () => (await lastSeq(h!, c.id)) >= 3, { what: 'output' });
    const pid = (await cliJson<Coder>(h, ['status', c.id])).pid as number;

    const paused = await cliJson<ControlResult>(h, ['pause', c.id]);
    expect(paused).toMatchObject({ removed: false, coder: { id: c.id, state: 'paused' } });
    await waitFor(
      () => {
        const st = groupStates(pid);
        return st.size >= 2 && [...st.values()].every((s) => s === 'T');
      },
      { what: 'every process of the group stopped (T)' },
    );
    // Output stops: a 700 ms follow long poll after the last entry brings nothing. Lines written just
    // before the stop may still be on their way in (the daemon reads a growing file in batches), so
    // the window starts again after any that arrive; a writer still running (a line every 20 ms)
    // never leaves a quiet window.
    let seq = await lastSeq(h, c.id);
    await waitFor(
      async () => {
        const quiet = await client().logs(c.id, { since_seq: seq, follow: true, timeout_ms: 700 });
        if (quiet.entries.length === 0) return true;
        seq = quiet.next_seq;
        return false;
      },
      { what: 'a 700 ms window without output while paused', timeoutMs: 5_000 },
    );

    const again = await runCli(h, ['pause', c.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`aicoder: cannot pause coder ${c.id}: it is paused\n`);

    expect((await cliJson<ControlResult>(h, ['resume', c.id])).coder.state).toBe('running');
    await waitFor(async () => (await lastSeq(h!, c.id)) > seq + 2, { what: 'output after resume' });
    expect([...groupStates(pid).values()].some((s) => s !== 'T')).toBe(true);
    const resumeAgain = await runCli(h, ['resume', c.id]);
    expect(resumeAgain.code).toBe(1);
    expect(resumeAgain.stderr).toBe(
      `aicoder: cannot resume coder ${c.id}: it is running (it is not paused)\n`,
    );
    const rmRunning = await runCli(h, ['rm', c.id]);
    expect(rmRunning.code).toBe(1);
    expect(rmRunning.stderr).toMatch(
      /^aicoder: cannot remove coder \w+: it is running \(stop it first, or force the removal\)\n$/,
    );

    // SIGTERM ends an agent that obeys it: exit 143 (128 + 15) proves no SIGKILL was needed, whatever
    // the machine's load does to wall-clock time.
    const stoppedFast = (await cliJson<ControlResult>(h, ['stop', c.id])).coder;
    expect(stoppedFast.state).toBe('stopped');
    expect(stoppedFast.exit_code).toBe(143);
    await waitFor(() => groupStates(pid).size === 0, { what: 'group gone' });

    // One that ignores SIGTERM is killed when the grace period ends.
    const s = await cliJson<Coder>(h, ['create', '--provider', 'stubborn', 'x'], { cwd: repo });
    await waitFor(async () => (await lastSeq(h!, s.id)) >= 2, { what: 'ticks' });
    const spid = (await cliJson<Coder>(h, ['status', s.id])).pid as number;
    // Timed through the in-process client: a CLI process's own start would dominate on a loaded machine.
    const t1 = Date.now();
    const stopped = await client().control(s.id, { action: 'stop' });
    const took = Date.now() - t1;
    expect(stopped.coder.state).toBe('stopped');
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(1000 + 2500);
    await waitFor(() => groupStates(spid).size === 0, { what: 'stubborn group gone' });

    const pauseEnded = await runCli(h, ['pause', s.id]);
    expect(pauseEnded.code).toBe(1);
    expect(pauseEnded.stderr).toBe(`aicoder: cannot pause coder ${s.id}: it is stopped\n`);
    const restarted = await cliJson<ControlResult>(h, ['restart', s.id]);
    expect(['queued', 'starting', 'running']).toContain(restarted.coder.state);
    const removed = await cliJson<ControlResult>(h, ['rm', s.id, '--force']);
    expect(removed).toMatchObject({ removed: true, coder: { id: s.id } });
    expect(existsSync(s.workspace)).toBe(false);
    expect(git(repo, 'branch', '--list', s.branch)).toBe('');
    expect((await runCli(h, ['status', s.id])).code).toBe(4);
  });

  it('not a repo, bad ref, unknown provider, unknown id, a shell-looking task: clear errors, nothing stray', async () => {
    h = await makeHome();
    const repo = makeRepo();
    const notRepo = tempDir('aicoder-plain-');

    const r1 = await runCli(h, ['create', '--provider', 'lines', '1 0'], { cwd: notRepo });
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe(`aicoder: not a git repository: ${notRepo}\n`);
    const r2 = await runCli(h, ['create', '--provider', 'lines', '--base', 'no-such-ref', '1 0'], {
      cwd: repo,
    });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toBe(`aicoder: unknown ref 'no-such-ref' in ${repo}\n`);
    const r3 = await runCli(h, ['create', '--provider', 'nope', '1 0'], { cwd: repo });
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/^aicoder: unknown provider 'nope'; registered: .*lines/);
    for (const args of [
      ['status', 'zzzz'],
      ['logs', 'zzzz'],
      ['pause', 'zzzz'],
      ['wait', 'zzzz'],
      ['rm', 'zzzz'],
    ]) {
      const r = await runCli(h, args);
      expect(r.code, args.join(' ')).toBe(4);
      expect(r.stderr).toBe("aicoder: no coder 'zzzz'\n");
    }
    const usage = await runCli(h, ['create']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("aicoder: missing required argument 'task'\n");
    const badOpt = await runCli(h, ['logs', 'x', '--tail', 'many']);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toMatch(
      /^aicoder: option '--tail <n>' argument 'many' is invalid\. must be an integer/,
    );
    expect((await runCli(h, ['frobnicate'])).code).toBe(2);
    const badState = await runCli(h, ['list', '--state', 'sleeping']);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toMatch(/^aicoder: state must be a comma-separated list of created, queued/);

    // Nothing half-made: no coder, no branch, no worktree.
    expect((await cliJson<ListCodersPage>(h, ['list'])).total).toBe(0);
    expect(git(repo, 'branch', '--list').trim()).toBe('* main');
    expect(git(repo, 'worktree', 'list').split('\n')).toHaveLength(1);
    const wt = join(h.home, 'worktrees');
    const leftovers = existsSync(wt) ? readdirSync(wt).flatMap((d) => readdirSync(join(wt, d))) : [];
    expect(leftovers).toEqual([]);

    // A task that looks like shell is passed as one literal argument.
    const task = '$(touch $HOME/pwned) `touch $HOME/pwned2`; touch pwned3 && echo "$PATH"';
    const c = await cliJson<Coder>(h, ['create', '--provider', 'echo', '--wait', task], { cwd: repo });
    expect(c).toMatchObject({ task, state: 'completed', exit_code: 0 });
    expect(logText(await cli(h, ['logs', c.id, '--kind', 'text']))).toBe(`${task}\n`);
    for (const f of [
      join(h.userHome, 'pwned'),
      join(h.userHome, 'pwned2'),
      join(c.workspace, 'pwned3'),
      join(repo, 'pwned3'),
    ]) {
      expect(existsSync(f), f).toBe(false);
    }
    expect(git(c.workspace, 'status', '--porcelain')).toBe('');
    expect(await cli(h, ['diff', c.id])).toBe('');
  });
});
