/**
 * Vitest global setup and teardown for every run (`globalSetup` in the vitest configs).
 *
 * Setup marks this run: it puts `VITEST_RUN_AICODER=<random id>` into the environment, which every
 * worker, every daemon a test starts, and every agent process a daemon spawns inherit (the marker's
 * name does not start with `AICODER_`, so test/helpers/daemon.ts passes it on).
 *
 * Teardown looks through /proc for live processes that carry this run's marker: a daemon, an agent,
 * or a background process (even one that escaped with setsid) that a test started and did not end.
 * It gives them a short grace period to finish exiting, then kills each one's process group and the
 * process itself with SIGKILL, prints them, and fails the run (exit code 1). Two runs side by side
 * have different markers, so one never touches the other's processes. Linux only (/proc); elsewhere
 * the check is skipped.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

const MARKER = 'VITEST_RUN_AICODER';
/** Processes of the test runner itself, which carry the marker too. */
const RUNNER = /node_modules\/(?:vitest|tinypool|esbuild|@esbuild|vite)\//;
const GRACE_MS = 5_000;

interface Leftover {
  pid: number;
  pgid: number;
  cmd: string;
  cwd: string;
}

function groupOf(pid: string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function marked(runId: string): Leftover[] {
  const needle = `${MARKER}=${runId}`;
  const out: Leftover[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (!environ.includes(needle)) continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (RUNNER.test(cmd)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] === 'Z') continue;
      let cwd = '?';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        /* gone meanwhile */
      }
      out.push({ pid, pgid: Number(rest[2]), cmd, cwd });
    } catch {
      /* exited meanwhile, or not readable */
    }
  }
  return out;
}

export default function setup(): () => Promise<void> {
  const runId = randomUUID();
  process.env[MARKER] = runId;
  return async () => {
    if (!existsSync('/proc/self/environ')) return;
    const deadline = Date.now() + GRACE_MS;
    let left = marked(runId);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = marked(runId);
    }
    if (left.length === 0) return;
    const ownGroup = groupOf('self');
    for (const p of left) {
      // Never signal the runner's own group (a leftover that a worker spawned without setsid shares it).
      for (const target of p.pgid === ownGroup ? [p.pid] : [-p.pgid, p.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    const lines = left.map((p) => `  pid ${p.pid} (group ${p.pgid}) cwd ${p.cwd}: ${p.cmd.slice(0, 200)}`);
    process.stderr.write(
      `\nLeftover processes: ${left.length} process(es) started by tests were still running after the ` +
        `run (now killed). A test that starts a daemon or a process group must end it, even on failure:\n` +
        `${lines.join('\n')}\n`,
    );
    process.exitCode = 1;
  };
}
