/**
 * Big trees for the workspace tests (test/workspace/big-tree*.test.ts): many empty untracked files
 * written by a child process (the test's own event loop stays free to measure), on tmpfs when the
 * machine has one, and the percentile of the latencies measured meanwhile.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';

/** Writes `files` empty files under `root`/gen, `perDir` a folder (gen/d0/f0.txt …), in a child process. */
export async function generateFiles(root: string, files: number, perDir = 1000): Promise<void> {
  const script = `
    const { mkdirSync, writeFileSync } = require('node:fs');
    const { join } = require('node:path');
    const [root, files, per] = process.argv.slice(1);
    for (let d = 0; d < files / per; d++) {
      const p = join(root, 'gen', 'd' + d);
      mkdirSync(p, { recursive: true });
      for (let f = 0; f < per; f++) writeFileSync(join(p, 'f' + f + '.txt'), '');
    }`;
  await promisify(execFile)(process.execPath, ['-e', script, root, String(files), String(perDir)]);
}

/**
 * Inside a test: temp dirs made from now on (tempDir, makeRepo, makeHome) go to tmpfs (/dev/shm)
 * when there is one, until the test finishes.
 */
export function tempOnTmpfs(): void {
  if (!existsSync('/dev/shm')) return;
  const old = process.env.TMPDIR;
  process.env.TMPDIR = '/dev/shm';
  onTestFinished(() => {
    if (old === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = old;
  });
}

/** The `p`th percentile (0–100, nearest rank) of `xs`; 0 for none. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}
