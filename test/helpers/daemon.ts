/**
 * Real daemons for tests: each test gets its own AICODER_HOME, HOME and loopback port. The daemon runs
 * as `node bin/aicoder.js daemon run` (built code in dist: run `npm run build` first) and the CLI as a
 * real child process. Cleanup kills every agent process whose cwd is in the home's worktrees, then
 * stops the daemon.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFailed, onTestFinished } from 'vitest';
import type { Health } from '../../src/client/types.js';
import { freePort, tempDir, waitFor } from './env.js';
import { scaled } from './load.js';

export const BIN = fileURLToPath(new URL('../../bin/aicoder.js', import.meta.url));

/** Providers used by the daemon and CLI tests. Every task reaches the command as one argv element. */
export const TEST_PROVIDERS: Record<string, unknown>[] = [
  {
    name: 'lines',
    description: 'task "N [CODE [DELAY]]": prints "line 1".."line N", then exits with CODE',
    command: [
      'bash',
      '-c',
      'read -r n code delay <<< "$1"; for i in $(seq 1 "$n"); do echo "line $i"; if [ -n "$delay" ]; then sleep "$delay"; fi; done; exit "${code:-0}"',
      '_',
      '{task}',
    ],
    parser: 'text',
  },
  {
    name: 'echo',
    description: 'prints the task literally',
    command: ['printf', '%s\\n', '{task}'],
    parser: 'text',
  },
  {
    name: 'stubborn',
    description: 'ignores SIGTERM and prints a tick every 50 ms',
    command: ['bash', '-c', 'trap "" TERM; i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.05; done'],
    parser: 'text',
  },
];

export interface TestHome {
  home: string;
  /** A private HOME for the daemon and CLI (nothing may be written to the real one). */
  userHome: string;
  port: number;
  env: Record<string, string>;
  baseUrl: string;
  /** The owner token (written into the home before the daemon starts; docs/security.md). */
  token: string;
  /** `{authorization: "Bearer <token>"}`: every /api and /mcp request needs it. */
  auth: Record<string, string>;
}

export async function makeHome(
  opts: {
    config?: Record<string, unknown>;
    providers?: Record<string, unknown>[];
    /** Where the homes are made (default the OS temp dir). */
    base?: string;
  } = {},
): Promise<TestHome> {
  const home = tempDir('aicoder-home-', opts.base);
  const userHome = tempDir('aicoder-user-', opts.base);
  const port = await freePort();
  mkdirSync(join(home, 'providers'), { recursive: true });
  for (const p of opts.providers ?? TEST_PROVIDERS) {
    writeFileSync(join(home, 'providers', `${String(p.name)}.json`), JSON.stringify(p, null, 2));
  }
  writeFileSync(
    join(home, 'config.json'),
    JSON.stringify({ default_provider: 'lines', stop_grace_s: 2, ...opts.config }, null, 2),
  );
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('AICODER_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
  }
  Object.assign(env, { AICODER_HOME: home, AICODER_PORT: String(port), HOME: userHome });
  const token = randomBytes(32).toString('hex');
  writeFileSync(join(home, 'owner-token'), `${token}\n`, { mode: 0o600 });
  const h: TestHome = {
    home,
    userHome,
    port,
    env,
    baseUrl: `http://127.0.0.1:${port}`,
    token,
    auth: { authorization: `Bearer ${token}` },
  };
  endWithTest(h);
  return h;
}

/** Daemons started by startDaemon, per home. */
const daemonsOf = new Map<string, RunningDaemon[]>();

/**
 * A home made inside a test is ended when that test finishes, passed, failed or timed out: its
 * agents killed and every daemon of it stopped (cleanupHome), so a file needs no afterEach of its
 * own. A home made outside a test (beforeAll) is ended by the file's afterAll.
 */
function endWithTest(h: TestHome): void {
  try {
    onTestFinished(() => cleanupHome(h), scaled(30_000));
  } catch {
    /* not inside a test */
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/aicoder.js ...args` as a child process. */
export function runCli(
  h: TestHome,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: opts.cwd ?? h.userHome,
        env: { ...h.env, ...opts.env },
        timeout: scaled(opts.timeoutMs ?? 60_000),
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(new Error(String(err.message)));
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Like runCli, but the exit code must be `code` (default 0); returns stdout. */
export async function cli(
  h: TestHome,
  args: string[],
  opts: { cwd?: string; code?: number } = {},
): Promise<string> {
  const r = await runCli(h, args, opts);
  if (r.code !== (opts.code ?? 0)) {
    throw new Error(
      `aicoder ${args.join(' ')} exited ${r.code} (expected ${opts.code ?? 0}): ${r.stderr}${r.stdout}`,
    );
  }
  return r.stdout;
}

export async function cliJson<T>(
  h: TestHome,
  args: string[],
  opts: { cwd?: string; code?: number } = {},
): Promise<T> {
  return JSON.parse(await cli(h, [...args, '--json'], opts)) as T;
}

export async function health(h: TestHome): Promise<Health | null> {
  try {
    const res = await fetch(`${h.baseUrl}/health`, { signal: AbortSignal.timeout(scaled(2000)) });
    return res.ok ? ((await res.json()) as Health) : null;
  } catch {
    return null;
  }
}

export interface RunningDaemon {
  proc: ChildProcess;
  pid: number;
  output(): string;
}

/**
 * Starts `aicoder daemon run` in the foreground as a child of the test and waits until /health answers
 * and the daemon has finished starting (its manager loaded, crash recovery done). Started inside a
 * test, the end of its output is printed when the test fails.
 */
export async function startDaemon(h: TestHome): Promise<RunningDaemon> {
  const proc = spawn(process.execPath, [BIN, 'daemon', 'run'], {
    env: h.env,
    cwd: h.userHome,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  proc.on('exit', () => (exited = true));
  const d: RunningDaemon = { proc, pid: proc.pid!, output: () => out };
  daemonsOf.set(h.home, [...(daemonsOf.get(h.home) ?? []), d]);
  try {
    // A test that fails shows the end of what its daemon printed.
    onTestFailed(() => console.log(`daemon ${d.pid} output (end):\n${out.slice(-3000)}`));
  } catch {
    /* not inside a test (beforeAll) */
  }
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`daemon exited: ${out}`);
        const hh = await health(h);
        // The daemon answers /health while it still loads (`starting`); a test starts on a started one.
        return hh !== null && hh.pid === proc.pid && hh.starting !== true;
      },
      { what: 'daemon /health without starting', timeoutMs: 20_000 },
    );
  } catch (e) {
    if (!exited) proc.kill('SIGKILL');
    throw e;
  }
  return d;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of live processes whose cwd lies under `dir`. */
export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + '/')) pids.push(Number(name));
    } catch {
      /* gone, or not ours */
    }
  }
  return pids;
}

/** /proc facts of the processes in a process group: pid → state letter. */
export function groupStates(pgid: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) out.set(Number(name), rest[0]!);
    } catch {
      /* gone */
    }
  }
  return out;
}

function daemonPid(h: TestHome): number | null {
  try {
    return (JSON.parse(readFileSync(join(h.home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

/**
 * Every `aicoder daemon run` process running with AICODER_HOME=home, found in /proc: the daemons a CLI
 * call autostarted included, even when daemon.json is gone (a file's afterEach(cleanupTemp) runs
 * before the onTestFinished cleanup and removes the home with it).
 */
function daemonsByEnv(home: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('daemon\0run')) continue;
      if (isDaemonOf(pid, home)) out.push(pid);
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

/** True when process `pid` runs with AICODER_HOME=home (a daemon of this home, not a reused pid). */
function isDaemonOf(pid: number, home: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`AICODER_HOME=${home}`);
  } catch {
    return false;
  }
}

/**
 * Kills the agents of this home and stops its daemons: those startDaemon started (and `d`) and the one
 * daemon.json names (an autostarted one), whoever started them. Safe to call again.
 */
export async function cleanupHome(h: TestHome, d?: RunningDaemon): Promise<void> {
  for (const pid of processesUnder(join(h.home, 'worktrees'))) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  const pids = new Set<number>();
  const fromFile = daemonPid(h);
  if (fromFile !== null && isDaemonOf(fromFile, h.home)) pids.add(fromFile);
  for (const pid of daemonsByEnv(h.home)) pids.add(pid);
  for (const x of [...(daemonsOf.get(h.home) ?? []), ...(d ? [d] : [])]) {
    if (x.proc.exitCode === null && x.proc.signalCode === null) pids.add(x.pid);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await waitFor(() => [...pids].every((p) => !pidAlive(p)), { what: 'daemon exit', timeoutMs: 15_000 });
  daemonsOf.delete(h.home);
}

/** `aicoder logs` human output without the entry numbers that start each entry's line. */
export function logText(out: string): string {
  return out.replace(/^ *\d+ {2}/gm, '');
}
