/** The worktree lifecycle through the real CLI and daemon (npm run build first). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import type { ConflictReport, GcResult } from '../../src/core/worktree-types.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { cli, cliJson, makeHome, runCli, type TestHome } from '../helpers/daemon.js';
import { WRITER_PROVIDER } from '../helpers/coders.js';

const writer = WRITER_PROVIDER;

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

describe('worktree lifecycle through the CLI', () => {
  it('commit, conflicts, merge (refused without touching the checkout), gc, list --disk and pr', async () => {
    h = await makeHome({ providers: [writer], config: { default_provider: 'writer' } });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const a = await cliJson<Coder>(h, ['create', '--wait', 'shared.txt=from a'], { cwd: repo });
    const b = await cliJson<Coder>(h, ['create', '--wait', 'shared.txt=from b'], { cwd: repo });

    // conflicts: --repo accepts any folder inside the repo
    mkdirSync(join(repo, 'sub'));
    const listed = await cliJson<{ total: number }>(h, ['list', '--repo', join(repo, 'sub')]);
    expect(listed.total).toBe(2);
    const reports = await cliJson<ConflictReport[]>(h, ['conflicts', '--repo', repo]);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.pairs).toEqual([
      { a: [a.id, b.id].sort()[0], b: [a.id, b.id].sort()[1], files: ['shared.txt'] },
    ]);
    expect(await cli(h, ['conflicts'])).toMatch(/shared\.txt/);

    expect(await cli(h, ['commit', a.id, '-m', 'from a'])).toMatch(/committed 1 file\(s\)/);
    await cli(h, ['commit', b.id]);
    expect(await cli(h, ['merge', a.id])).toMatch(/fast-forwarded main/);
    expect(readFileSync(join(repo, 'shared.txt'), 'utf8')).toBe('from a\n');

    const before = { status: git(repo, 'status', '--porcelain'), head: git(repo, 'rev-parse', 'HEAD') };
    const refused = await runCli(h, ['merge', b.id, '--squash']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^aicoder: merging .* would conflict in shared\.txt; nothing was changed\n$/,
    );
    expect({ status: git(repo, 'status', '--porcelain'), head: git(repo, 'rev-parse', 'HEAD') }).toEqual(
      before,
    );

    const disk = await cliJson<{ disk: { id: string; bytes: number }[] }>(h, [
      'list',
      '--disk',
      '--repo',
      repo,
    ]);
    expect(disk.disk.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(disk.disk.every((d) => d.bytes > 0)).toBe(true);
    expect(await cli(h, ['list', '--disk'])).toMatch(/DISK/);

    const dry = await cliJson<GcResult>(h, ['gc', '--dry-run']);
    expect(dry.removed.map((i) => i.id)).toEqual([a.id]);
    const real = await cliJson<GcResult>(h, ['gc']);
    expect(real.removed.map((i) => i.id)).toEqual([a.id]);
    expect((await cliJson<{ total: number }>(h, ['list'])).total).toBe(1);

    // gh is not installed here: a clear message and exit 1, nothing pushed
    const emptyBin = tempDir('aicoder-nobin-');
    const pr = await runCli(h, ['pr', b.id], { env: { PATH: `${emptyBin}:/usr/bin:/bin` } });
    expect(pr.code).toBe(1);
    expect(pr.stderr).toMatch(/the GitHub CLI 'gh' is not installed .* git push -u origin aicoder\//);
    const usage = await runCli(h, ['gc', '--older-than', 'soon']);
    expect(usage.code).toBe(2);
  });

  it('a bad .aicoder.json is a one-line error naming the file and key', async () => {
    h = await makeHome({ providers: [writer], config: { default_provider: 'writer' } });
    const repo = makeRepo();
    writeFileSync(join(repo, '.aicoder.json'), JSON.stringify({ ports: 'two' }));
    const r = await runCli(h, ['create', 'x=y'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.aicoder\.json: "ports" is invalid: ports must be an integer from 0 to 16\n$/);
  });
});
