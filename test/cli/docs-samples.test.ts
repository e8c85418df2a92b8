/**
 * Sample outputs in docs/ come from real runs (scripts/gen-cli-docs.mjs: a real daemon, git repo and
 * CLI; built code, run `npm run build` first). This fails when a doc's sample differs from what the
 * code prints now: run `npm run docs`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { scaled } from '../helpers/load.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/gen-cli-docs.mjs', import.meta.url));

test(
  'docs samples (cli.md, providers.md, worktrees.md) match a real run',
  async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [SCRIPT, '--check'],
        { encoding: 'utf8', timeout: 180_000 },
        (err, _o, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }),
      );
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  },
  scaled(200_000),
);
