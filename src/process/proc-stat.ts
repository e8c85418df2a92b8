/**
 * Reading process facts from Linux /proc: state, process group and start time (the identity check that
 * protects against pid reuse). On systems without /proc every lookup answers `null`.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** Executable name (at most 15 bytes; may contain spaces and parentheses). */
  comm: string;
  /** Single-letter state: R running, S sleeping, T stopped, Z zombie, … */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22 (starttime, clock ticks since boot), kept as the decimal string the kernel wrote. */
  start_time: string;
}

/**
 * Parses the text of /proc/<pid>/stat. The second field (comm) is in parentheses and may itself hold
 * spaces and parentheses, so the fields after it are located from the LAST ')'.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // Fields from 3 (state) onwards; field N is at index N - 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  const start = rest[22 - 3];
  if (!Number.isInteger(pid) || state === undefined || start === undefined || !/^\d+$/.test(start))
    return null;
  if (!Number.isInteger(ppid) || !Number.isInteger(pgrp)) return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgrp, start_time: start };
}

/** The stat of a live (or zombie) process, or null when there is no such process or no /proc. */
export function readProcStat(pid: number): ProcStat | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return parseProcStat(text);
}

/**
 * True when `pid` is a live process (not a zombie) that started at `startTime`: the same process that
 * was recorded, not a newcomer that reuses the pid. Without /proc only liveness can be checked.
 */
export function isSameLiveProcess(pid: number, startTime: string): boolean {
  const st = readProcStat(pid);
  if (st !== null) return st.state !== 'Z' && st.state !== 'X' && st.start_time === startTime;
  if (startTime !== '') return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every process currently in process group `pgid` (scans /proc; empty without /proc). */
export function listProcessGroup(pgid: number): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const st = readProcStat(Number(name));
    if (st !== null && st.pgrp === pgid) out.push(st);
  }
  return out;
}
