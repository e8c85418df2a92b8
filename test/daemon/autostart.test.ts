/**
 * Autostart from the real CLI (built code: run `npm run build` first).
 * - Every kind of startup failure of the daemon a command starts is reported as soon as the daemon
 *   exits, with the daemon's own message (a config.json typo must not make `list` wait 28 s).
 * - A live daemon that does not answer (stopped with SIGSTOP, standing in for a busy event loop) is
 *   waited for with a note; a second daemon is never started beside it, and the CLI never reports
 *   its port as "already in use".
 */
import { createServer, type Server } from 'node:net';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTemp, waitFor } from '../helpers/env.js';
import { BIN, cleanupHome, cli, makeHome, pidAlive, runCli, type TestHome } from '../helpers/daemon.js';

let h: TestHome | undefined;
let stopped: number | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  if (stopped !== undefined) {
    try {
      process.kill(stopped, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
  stopped = undefined;
  if (blocker) await new Promise((r) => blocker!.close(r));
  blocker = undefined;
  if (h) await cleanupHome(h);
  h = undefined;
  cleanupTemp();
});

/** Pids of `daemon run` processes whose AICODER_HOME is this home. */
function daemonsOf(home: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!(argv.includes('daemon') && argv.includes('run'))) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (env.includes(`AICODER_HOME=${home}`) && pidAlive(Number(name))) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

function daemonJsonPid(home: string): number {
  return (JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
}

describe('autostart reports the daemon startup error at once', () => {
  it('config.json typo: list fails in seconds with the daemon’s own message (exit 3)', async () => {
    h = await makeHome({ config: { max_concurent: 2 } });
    const t0 = Date.now();
    const r = await runCli(h, ['list']);
    const ms = Date.now() - t0;
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the aicoder daemon could not start');
    expect(r.stderr).toContain('unknown key "max_concurent"');
    expect(r.stderr).toContain('config.json');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Well under the 20 s start timeout: it did not wait for /health.
    expect(ms).toBeLessThan(15_000);
    expect(daemonsOf(h.home)).toEqual([]);
    // No start-report files are left in the home.
    expect(readdirSync(h.home).filter((f) => f.startsWith('.start-report'))).toEqual([]);
  });

  it('port held by another program: the daemon’s "in use" error, at once', async () => {
    h = await makeHome();
    // Reads (and drops) what clients send, so their sockets close when they go away.
    blocker = createServer((s) => s.resume().on('error', () => undefined));
    await new Promise<void>((r) => blocker!.listen(h!.port, '127.0.0.1', r));
    const t0 = Date.now();
    const r = await runCli(h, ['list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`could not start: port ${h.port} on 127.0.0.1 is already in use`));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(daemonsOf(h.home)).toEqual([]);
  });

  it('a database that cannot be opened: the cause, at once', async () => {
    h = await makeHome();
    mkdirSync(join(h.home, 'aicoder.db')); // a folder where the SQLite file should be
    const t0 = Date.now();
    const r = await runCli(h, ['status', 'abc']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the aicoder daemon could not start');
    expect(r.stderr).not.toContain('did not answer');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(daemonsOf(h.home)).toEqual([]);
  });

  it('daemon start reports the same cause as autostart', async () => {
    h = await makeHome();
    writeFileSync(join(h.home, 'config.json'), '{"stop_grace_s": "ten"}');
    const r = await runCli(h, ['daemon', 'start']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('stop_grace_s');
  });
});

describe('a live daemon that does not answer is waited for, never replaced', () => {
  it('SIGSTOPped daemon: list says so, waits, and succeeds once it continues; still one daemon', async () => {
    h = await makeHome();
    await cli(h, ['daemon', 'start']);
    const pid = daemonJsonPid(h.home);
    process.kill(pid, 'SIGSTOP');
    stopped = pid;
    const child = spawn(process.execPath, [BIN, 'list'], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    await waitFor(() => stderr.includes(`the aicoder daemon (pid ${pid}) is stopped`), {
      what: 'the waiting note',
      timeoutMs: 30_000,
    });
    expect(daemonsOf(h.home)).toEqual([pid]);
    process.kill(pid, 'SIGCONT');
    stopped = undefined;
    expect(await code).toBe(0);
    expect(stdout).toContain('no coders');
    expect(stderr).not.toContain('already in use');
    expect(daemonsOf(h.home)).toEqual([pid]);
    expect(daemonJsonPid(h.home)).toBe(pid);
  });

  it('a daemon silent past AICODER_CONNECT_TIMEOUT_S: exit 3 saying it is alive; no second daemon', async () => {
    h = await makeHome();
    await cli(h, ['daemon', 'start']);
    const pid = daemonJsonPid(h.home);
    process.kill(pid, 'SIGSTOP');
    stopped = pid;
    for (const args of [['list'], ['daemon', 'start']]) {
      const r = await runCli(h, args, { env: { AICODER_CONNECT_TIMEOUT_S: '2' } });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`the aicoder daemon (pid ${pid}) is running but has not answered`);
      expect(r.stderr).toContain('no second daemon was started');
      expect(r.stderr).not.toContain('already in use');
      expect(daemonsOf(h.home)).toEqual([pid]);
    }
    const status = await runCli(h, ['daemon', 'status']);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain(
      `the aicoder daemon (pid ${pid}) is stopped (SIGSTOP?) and not answering`,
    );
    const json = await runCli(h, ['daemon', 'status', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ running: true, responding: false, pid, port: h.port });
    process.kill(pid, 'SIGCONT');
    stopped = undefined;
    expect((await runCli(h, ['list'])).code).toBe(0);
    expect(daemonJsonPid(h.home)).toBe(pid);
  });
});
