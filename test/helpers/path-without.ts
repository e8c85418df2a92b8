/**
 * A PATH on which some programs are missing, to test what happens when a tool (git-lfs, …) is not
 * installed, without uninstalling it: a temp dir of symlinks to every program on the current PATH
 * except the named ones. And where a program is on the current PATH, for tests that need it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tempDir } from './env.js';

export function pathWithout(...missing: string[]): string {
  const dir = tempDir('aicoder-path-');
  const seen = new Set(missing);
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const n of names) {
      if (seen.has(n)) continue;
      seen.add(n);
      symlinkSync(join(d, n), join(dir, n));
    }
  }
  return dir;
}

/** Runs `fn` with process.env.PATH set to `path`, restoring it afterwards. */
export async function withPath<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env.PATH;
  process.env.PATH = path;
  try {
    return await fn();
  } finally {
    process.env.PATH = old;
  }
}

/** The absolute path of `program` on the current PATH (`command -v`), or null when it is not there. */
export function onPath(program: string): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', '_', program], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
