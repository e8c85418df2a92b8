/**
 * A git binary for tests that logs each call as "<its nice value> <subcommand>" (the nice value read
 * from /proc/$$/stat, proc(5) field 19), then runs the real git.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/env.js';

/** A shell command printing the nice value of the process running it (the shell itself, `$$`). */
export const PRINT_NICE = `cut -d' ' -f19 /proc/$$/stat`;

export function loggingGit(): { bin: string; log: string } {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const bin = join(dir, 'git');
  // hardenedArgs puts `-c key=value` pairs before the subcommand: the log skips them.
  writeFileSync(
    bin,
    `#!/bin/sh
n=$(${PRINT_NICE})
sub=""
skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case "$a" in -c) skip=1 ;; -*) ;; *) sub="$a"; break ;; esac
done
echo "$n $sub" >> '${log}'
exec git "$@"
`,
  );
  chmodSync(bin, 0o755);
  writeFileSync(log, '');
  return { bin, log };
}

/** The calls logged so far. */
export function gitCalls(log: string): Array<{ nice: number; sub: string }> {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [n, sub = ''] = l.split(' ');
      return { nice: Number(n), sub };
    });
}
