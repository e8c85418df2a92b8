/** /proc/<pid>/stat parsing and lookups. */
import { describe, expect, it } from 'vitest';
import {
  isSameLiveProcess,
  listProcessGroup,
  parseProcStat,
  readProcStat,
} from '../../src/process/proc-stat.js';

function statLine(comm: string, start: string): string {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice threads itrealvalue starttime vsize …
  return `4242 (${comm}) S 1 4242 4242 0 -1 4194560 10 0 0 0 1 2 0 0 20 0 1 0 ${start} 1000 200 18446744073709551615\n`;
}

describe('proc stat', () => {
  it('parses field 22 even when comm holds spaces and parentheses', () => {
    for (const comm of ['sh', 'my prog', 'a) S 9 9 (b', ')(', '  ']) {
      expect(parseProcStat(statLine(comm, '987654'))).toEqual({
        pid: 4242,
        comm,
        state: 'S',
        ppid: 1,
        pgrp: 4242,
        start_time: '987654',
      });
    }
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('12 (x) S 1 2')).toBeNull();
  });

  it('reads a live process and recognises it by start time', () => {
    const me = readProcStat(process.pid)!;
    expect(me.pid).toBe(process.pid);
    expect(me.state).not.toBe('Z');
    expect(isSameLiveProcess(process.pid, me.start_time)).toBe(true);
    expect(isSameLiveProcess(process.pid, String(Number(me.start_time) + 1))).toBe(false);
    expect(listProcessGroup(me.pgrp).map((p) => p.pid)).toContain(process.pid);
    expect(readProcStat(0)).toBeNull();
    expect(readProcStat(2 ** 31 - 1)).toBeNull();
    expect(isSameLiveProcess(2 ** 31 - 1, '')).toBe(false);
  });
});
