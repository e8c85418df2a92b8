/** The top level of the git repository containing a directory (argv git, no shell), or null. */
import { execFileSync } from 'node:child_process';

export function gitToplevel(dir: string): string | null {
  try {
    const out = execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return out === '' ? null : out;
  } catch {
    return null;
  }
}
