/**
 * Shared helpers of the bench scripts: a private AICODER_HOME with command providers, the real daemon
 * (`node bin/aicoder.js daemon run`, built code in dist/), its REST API, generated repos, /proc
 * figures, and medians/percentiles. Plain .mjs: benches run on a clean clone after `npm run build`.
 */
/* global process, console, fetch, AbortSignal, setTimeout */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'aicoder.js');
export const ARGS = process.argv.slice(2);
export const QUICK = ARGS.includes('--quick');
export const JSON_OUT = ARGS.includes('--json');

if (!existsSync(join(ROOT, 'dist', 'daemon', 'server.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const temps = [];
export function tempDir(prefix) {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
export function cleanupTemps() {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};
export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV, maxBuffer: 1 << 26 }).trim();
}

/** A git repo with `files` generated files (100 folders), one commit on main. */
export function makeRepo(files = 1) {
  const dir = tempDir('aicoder-bench-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'commit.gpgsign', 'false');
  writeFileSync(join(dir, 'README.md'), '# bench\n');
  for (let i = 1; i < files; i++) {
    const sub = join(dir, `src${i % 100}`);
    if (i <= 100) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file${i}.ts`), `export const v${i} = ${i};\n// generated file ${i}\n`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Command providers used by the benches. Tasks reach the command as one argv element. */
export const PROVIDERS = [
  {
    name: 'sleeper',
    description: 'sleeps for the task (seconds)',
    command: ['sleep', '{task}'],
    parser: 'text',
  },
  {
    name: 'writer',
    description: 'task "N": prints N numbered lines of ~100 bytes',
    command: [
      process.execPath,
      '-e',
      `const n=Number(process.argv[1]);const pad='x'.repeat(88);let i=0;const out=process.stdout;
function go(){let ok=true;while(i<n&&ok){let s='';for(let k=0;k<1000&&i<n;k++){i++;s+=i+' '+pad+'\\n';}ok=out.write(s);}if(i<n)out.once('drain',go);}go();`,
      '{task}',
    ],
    parser: 'text',
  },
  {
    name: 'counter',
    description: 'task "N": prints the numbers 1..N, one per line (seq)',
    command: ['seq', '1', '{task}'],
    parser: 'text',
  },
];

export async function makeHome(config = {}) {
  const home = tempDir('aicoder-bench-home-');
  const userHome = tempDir('aicoder-bench-user-');
  const port = await freePort();
  mkdirSync(join(home, 'providers'), { recursive: true });
  for (const p of PROVIDERS) writeFileSync(join(home, 'providers', `${p.name}.json`), JSON.stringify(p));
  writeFileSync(
    join(home, 'config.json'),
    JSON.stringify({ default_provider: 'sleeper', stop_grace_s: 1, max_concurrent: 128, ...config }),
  );
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AICODER_')) env[k] = v;
  Object.assign(env, { AICODER_HOME: home, AICODER_PORT: String(port), HOME: userHome });
  // The owner token every /api and /mcp request carries (docs/security.md).
  const token = randomBytes(32).toString('hex');
  writeFileSync(join(home, 'owner-token'), `${token}\n`, { mode: 0o600 });
  const auth = { authorization: `Bearer ${token}` };
  return { home, userHome, port, env, base: `http://127.0.0.1:${port}`, token, auth };
}

export async function api(h, method, path, body) {
  const res = await fetch(`${h.base}${path}`, {
    method,
    headers: method === 'GET' ? h.auth : { ...h.auth, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text === '' ? null : JSON.parse(text);
}

/**
 * Starts the real daemon for home `h`. BENCH_DAEMON_NODE_ARGS (space-separated) adds node options to
 * the daemon only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under a bench.
 */
export async function startDaemon(h) {
  const nodeArgs = (process.env.BENCH_DAEMON_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const proc = spawn(process.execPath, [...nodeArgs, BIN, 'daemon', 'run'], {
    env: h.env,
    cwd: h.userHome,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`daemon exited: ${err}`);
    try {
      // The daemon answers /health while it still loads its store and manager (`starting: true`);
      // a bench starts on a started daemon (as test/helpers/daemon.ts does).
      const hh = await api(h, 'GET', '/health');
      if (hh.pid === proc.pid && hh.starting !== true) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('daemon did not answer /health');
    await sleep(20);
  }
  return proc;
}

/** Kills agents under the home's worktrees, stops the daemon, removes temp dirs. */
export async function stopAll(h, proc) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/cwd`).startsWith(join(h.home, 'worktrees')))
        process.kill(Number(name), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}

/** utime+stime (clock ticks) and RSS (bytes) of a pid from /proc. */
export function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  return { ticks, rss, hwm };
}
export const CLK_TCK = 100;

export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p50: q(0.5), p99: q(0.99), max: s.at(-1) };
}
export const median = (xs) => stats(xs).median;

export const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
export const ms = (x) => `${x.toFixed(1)} ms`;

/**
 * Prints a figure: `result` = { bench, title, project, floor, unit, ratio, goal, goal_met, notes[] }.
 * With --json, prints it as one JSON line (run-all reads that).
 */
export function report(result) {
  if (JSON_OUT) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(result.title);
  for (const line of result.lines ?? []) console.log(`  ${line}`);
  console.log(`  goal: ${result.goal} → ${result.goal_met ? 'met' : 'MISSED'}`);
}

/** Waits until `pid` has used no CPU for `quietMs` (deadline 15 s): lets background work finish between runs. */
export async function settle(pid, quietMs = 300) {
  const deadline = Date.now() + 15_000;
  let last = procStat(pid).ticks;
  while (Date.now() < deadline) {
    await sleep(quietMs);
    const now = procStat(pid).ticks;
    if (now === last) return;
    last = now;
  }
}
