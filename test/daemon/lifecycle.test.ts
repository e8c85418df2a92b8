/** daemon start | status | stop | run through the real CLI, autostart, and config errors. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonStatusJson } from '../../src/cli/commands/daemon.js';
import type { Health } from '../../src/client/types.js';
import type { ListCodersPage } from '../../src/core/ports.js';
import type { ProviderInfo } from '../../src/core/api.js';
import type { Coder } from '../../src/core/coder.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import {
  cli,
  cliJson,
  health,
  makeHome,
  pidAlive,
  runCli,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

describe('daemon lifecycle', () => {
  it('daemon start, status, stop', async () => {
    h = await makeHome();
    const before = await runCli(h, ['daemon', 'status', '--json']);
    expect(before.code).toBe(3);
    expect(JSON.parse(before.stdout)).toEqual({ running: false, home: h.home, port: h.port });

    const started = await cliJson<Health & { already_running: boolean }>(h, ['daemon', 'start']);
    expect(started).toMatchObject({ ok: true, port: h.port, home: h.home, already_running: false });
    const info = JSON.parse(readFileSync(join(h.home, 'daemon.json'), 'utf8'));
    expect(info).toMatchObject({ pid: started.pid, port: h.port, version: expect.any(String) });
    expect(new Date(info.started_at).getTime()).not.toBeNaN();
    expect(pidAlive(started.pid)).toBe(true);

    const again = await cliJson<Health & { already_running: boolean }>(h, ['daemon', 'start']);
    expect(again).toMatchObject({ pid: started.pid, already_running: true });

    const status = await cliJson<DaemonStatusJson>(h, ['daemon', 'status']);
    expect(status).toMatchObject({ running: true, pid: started.pid, port: h.port, home: h.home });
    expect(status.counts).toEqual({
      created: 0,
      queued: 0,
      starting: 0,
      running: 0,
      needs_input: 0,
      paused: 0,
      waiting: 0,
      attached: 0,
      completed: 0,
      failed: 0,
      stopped: 0,
      interrupted: 0,
      checking: 0,
    });
    const human = await cli(h, ['daemon', 'status']);
    expect(human).toMatch(/aicoder daemon running/);
    expect(human).toContain(`http://127.0.0.1:${h.port}`);
    expect(human).not.toContain('\u001b['); // no colour when not a TTY

    // A second foreground daemon on the same home refuses, naming the owner.
    const second = await runCli(h, ['daemon', 'run']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^aicoder: another aicoder daemon \\(pid ${started.pid}\\) already owns`),
    );

    const stopped = await cliJson<{ was_running: boolean; pid: number | null; signalled: boolean }>(h, [
      'daemon',
      'stop',
    ]);
    expect(stopped).toEqual({ was_running: true, pid: started.pid, signalled: false });
    expect(pidAlive(started.pid)).toBe(false);
    expect(existsSync(join(h.home, 'daemon.json'))).toBe(false);
    expect(existsSync(join(h.home, 'daemon.lock'))).toBe(false);
    expect(await cli(h, ['daemon', 'stop'])).toMatch(/not running/);

    const log = readFileSync(join(h.home, 'daemon.log'), 'utf8');
    const events = log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l).msg);
    expect(events).toEqual(expect.arrayContaining(['daemon listening', 'daemon stopping', 'daemon stopped']));
  });

  it('any command starts the daemon; AICODER_NO_AUTOSTART=1 gives exit 3', async () => {
    h = await makeHome();
    const off = await runCli(h, ['list'], { env: { AICODER_NO_AUTOSTART: '1' } });
    expect(off.code).toBe(3);
    expect(off.stderr).toMatch(/^aicoder: the aicoder daemon is not running .*AICODER_NO_AUTOSTART=1/);
    expect(off.stderr.trim().split('\n')).toHaveLength(1);
    expect(await health(h)).toBeNull();
    expect(existsSync(join(h.home, 'daemon.json'))).toBe(false);

    const page = await cliJson<ListCodersPage>(h, ['list']);
    expect(page).toEqual({ coders: [], total: 0, next_cursor: null });
    const hh = await health(h);
    expect(hh).toMatchObject({ ok: true, home: h.home, port: h.port });
    // The CLI exited; the daemon it started lives on, detached.
    expect(pidAlive(hh!.pid)).toBe(true);

    // Two commands racing to start it end up with one daemon.
    await cli(h, ['daemon', 'stop']);
    await expect(createHttpClient({ baseUrl: h.baseUrl, token: h.token }).list()).rejects.toMatchObject({
      code: 'daemon_unreachable',
      message: expect.stringContaining(`cannot reach the aicoder daemon at ${h.baseUrl}`),
    });
    const [a, b] = await Promise.all([
      cliJson<ProviderInfo[]>(h, ['providers']),
      cliJson<ProviderInfo[]>(h, ['providers']),
    ]);
    expect(a.map((p) => p.name)).toEqual(expect.arrayContaining(['lines', 'echo']));
    expect(b).toEqual(a);
    const owner = await health(h);
    const info = JSON.parse(readFileSync(join(h.home, 'daemon.json'), 'utf8'));
    expect(owner!.pid).toBe(info.pid);
  });

  it('a stopped daemon leaves coders running; the next one re-adopts them', async () => {
    h = await makeHome();
    d = await startDaemon(h);
    const repo = makeRepo();
    const c = await cliJson<Coder>(h, ['create', '--provider', 'stubborn', 'tick'], { cwd: repo });
    await waitFor(async () => (await cliJson<Coder>(h!, ['status', c.id])).state === 'running', {
      what: 'running',
    });
    const pid = (await cliJson<Coder>(h, ['status', c.id])).pid as number;
    await cli(h, ['daemon', 'stop']);
    await waitFor(() => d!.proc.exitCode !== null, { what: 'daemon exit' });
    expect(d.proc.exitCode).toBe(0);
    expect(pidAlive(pid)).toBe(true);
    // Autostart by the next command; the coder is still running under the new daemon.
    const after = await cliJson<Coder>(h, ['status', c.id]);
    expect(after).toMatchObject({ state: 'running', pid });
    const seq = (await runCli(h, ['logs', c.id, '--json', '--tail', '1'])).stdout;
    const last = JSON.parse(seq.trim()).seq as number;
    await waitFor(
      async () => {
        const r = await cli(h!, ['logs', c.id, '--since', String(last), '--json']);
        return r.trim().split('\n').filter(Boolean).length >= 2;
      },
      { what: 'new output after re-adoption' },
    );
  });

  it('refuses a bad config.json, naming the file and the key', async () => {
    h = await makeHome();
    writeFileSync(join(h.home, 'config.json'), JSON.stringify({ max_concurent: 3 }));
    const r = await runCli(h, ['daemon', 'run']);
    expect(r.code).toBe(2); // invalid input
    expect(r.stderr).toBe(
      `aicoder: ${join(h.home, 'config.json')}: unknown key "max_concurent" (allowed: max_concurrent, stop_grace_s, stop_grace_ms, default_provider, default_repo, claude_permission_mode, provider_env, stall_after_s, ask_timeout_s, max_turns, timeout_s, budget_usd, hook, usage_limit_retries, usage_limit_backoff_s, worktree, keep_processes)\n`,
    );
    writeFileSync(join(h.home, 'config.json'), JSON.stringify({ max_concurrent: 0 }));
    const r2 = await runCli(h, ['daemon', 'run']);
    expect(r2.stderr).toContain('"max_concurrent" must be an integer from 1 to 256');
    // Autostart reports the daemon's own reason.
    const r3 = await runCli(h, ['list']);
    expect(r3.code).toBe(3);
    expect(r3.stderr).toMatch(/the aicoder daemon could not start: .*"max_concurrent" must be an integer/);
    expect(existsSync(join(h.home, 'daemon.lock'))).toBe(false);
  });
});
