/**
 * Finding the processes a coder left behind, from Linux /proc: the live members of a run's process
 * group, every process of this user whose working directory lies inside a worktree (which also
 * finds those that left the group with setsid), and every process whose environment carries the
 * coder's AICODER_CODER_ID mark (which also finds those that left both the group and the worktree,
 * `setsid` plus `cd /`). Without /proc every lookup answers an empty list.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { sep } from 'node:path';
import type { ProcessInfo } from '../core/ports.js';
import { coderIdInEnviron } from './environ.js';
import { readProcStat, type ProcStat } from './proc-stat.js';

/** Longest command line kept in a ProcessInfo (characters). */
const COMMAND_MAX = 200;

function pids(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map(Number);
}

/** /proc/<pid>/cmdline as one line (arguments joined by spaces), or the comm when it is empty. */
export function commandOf(pid: number, fallback = ''): string {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* gone or not readable */
  }
  const cmd = text.replace(/\0+$/, '').replace(/\0/g, ' ').trim() || fallback;
  return cmd.length > COMMAND_MAX ? `${cmd.slice(0, COMMAND_MAX - 1)}…` : cmd;
}

function info(st: ProcStat): ProcessInfo {
  return { pid: st.pid, start_time: st.start_time, pgid: st.pgrp, command: commandOf(st.pid, st.comm) };
}

function alive(st: ProcStat | null): st is ProcStat {
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

/** Live (non-zombie) members of process group `pgid`, never the calling process. */
export function groupMembers(pgid: number): ProcessInfo[] {
  if (!Number.isInteger(pgid) || pgid <= 1) return [];
  const out: ProcessInfo[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const st = readProcStat(pid);
    if (alive(st) && st.pgrp === pgid) out.push(info(st));
  }
  return out;
}

/**
 * Live processes whose current directory is `dir` or below it (readlink of /proc/<pid>/cwd: only our
 * own user's processes are readable), never the calling process nor its process group.
 */
export function processesUnder(dir: string): ProcessInfo[] {
  if (dir === '' || dir === sep) return [];
  const own = readProcStat(process.pid)?.pgrp;
  const out: ProcessInfo[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    // A process whose directory was deleted shows "<path> (deleted)".
    const path = cwd.endsWith(' (deleted)') ? cwd.slice(0, -' (deleted)'.length) : cwd;
    if (path !== dir && !path.startsWith(dir + sep)) continue;
    const st = readProcStat(pid);
    if (alive(st) && st.pgrp !== own) out.push(info(st));
  }
  return out;
}

/** True while `p` is the same live process (pid and start time). */
export function stillRunning(p: Pick<ProcessInfo, 'pid' | 'start_time'>): boolean {
  const st = readProcStat(p.pid);
  return alive(st) && st.start_time === p.start_time;
}

/**
 * Live processes whose environment carries `AICODER_CODER_ID=<coderId>` (proc(5): /proc/<pid>/environ
 * is the environment the process started with, readable for our own user's processes only), never the
 * calling process nor its process group (a daemon started from inside a coder inherits its mark, and so
 * do the daemon's own short-lived helpers).
 */
export function processesMarked(coderId: string): ProcessInfo[] {
  if (coderId === '') return [];
  const own = readProcStat(process.pid)?.pgrp;
  const out: ProcessInfo[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    if (coderIdInEnviron(environ) !== coderId) continue;
    const st = readProcStat(pid);
    if (alive(st) && st.pgrp !== own) out.push(info(st));
  }
  return out;
}
