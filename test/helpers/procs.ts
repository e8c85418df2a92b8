/**
 * Looking at and ending the real processes a test started, from Linux /proc: by a unique marker in
 * the command line (a sleep length), by the coder-id mark aicoder puts in every environment
 * (AICODER_CODER_ID), or by working directory. Tests call endCoderLeftovers in afterEach so nothing
 * outlives them even when an assertion failed first.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** /proc/<pid>/cmdline with its NULs as spaces ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** True while `pid` is a live process (not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The environment entry test/global-setup.ts gives this vitest run (inherited by all it starts). */
function runMark(): string | null {
  const id = process.env.VITEST_RUN_AICODER;
  return id ? `VITEST_RUN_AICODER=${id}` : null;
}

/** True when `pid` belongs to this vitest run (always true outside a marked run). */
function ofThisRun(pid: number): boolean {
  const mark = runMark();
  if (mark === null) return true;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(mark);
  } catch {
    return false;
  }
}

/**
 * Live processes of this vitest run whose command line contains `marker` (e.g. a unique
 * `sleep 1013`). Another run side by side (another engineer's, CI's) has the same markers: its
 * processes carry another run mark and are never counted nor killed.
 */
export function pidsOf(marker: string): number[] {
  return allPids().filter((pid) => alive(pid) && cmdline(pid).includes(marker) && ofThisRun(pid));
}

/** The working directory of `pid` ('' when gone or not ours). */
export function cwdOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/** Live processes whose environment carries AICODER_CODER_ID=<one of ids>. */
export function pidsMarked(ids: readonly string[]): number[] {
  const needles = ids.map((id) => `AICODER_CODER_ID=${id}`);
  return allPids().filter((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      return alive(pid) && needles.some((n) => env.includes(n));
    } catch {
      return false;
    }
  });
}

/** Live processes whose working directory is `dir` or below it. */
export function pidsUnder(dir: string): number[] {
  return allPids().filter((pid) => {
    const cwd = cwdOf(pid).replace(/ \(deleted\)$/, '');
    return alive(pid) && (cwd === dir || cwd.startsWith(dir + '/'));
  });
}

/** SIGKILL to each pid (gone ones are skipped). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Ends, with SIGKILL, every process marked with one of these coder ids or running under `dir`. */
export function endCoderLeftovers(o: {
  ids?: readonly string[];
  dir?: string;
  markers?: readonly string[];
}): void {
  const pids = new Set<number>([
    ...(o.ids && o.ids.length > 0 ? pidsMarked(o.ids) : []),
    ...(o.dir ? pidsUnder(o.dir) : []),
    ...(o.markers ?? []).flatMap((m) => pidsOf(m)),
  ]);
  killAll(pids);
}

/** The ids of the coders an AICODER_HOME has folders for (coders/<id>/). */
export function coderIdsIn(home: string): string[] {
  try {
    return readdirSync(join(home, 'coders'));
  } catch {
    return [];
  }
}

/**
 * For afterEach: SIGKILL to everything the coders of `home` started (marked with their ids, or
 * running under the home's folders), and to processes whose command line holds one of `markers`.
 */
export function endHomeLeftovers(home: string, markers: readonly string[] = []): void {
  endCoderLeftovers({ ids: coderIdsIn(home), dir: home, markers });
}
