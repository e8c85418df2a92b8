/**
 * A PATH on which some programs are missing, to test what happens when a tool (git-lfs, …) is not
 * installed, without uninstalling it: a temp dir of symlinks to every program on the current PATH
 * except the named ones.
 */
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
