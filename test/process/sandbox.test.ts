/**
 * The bwrap sandbox's pure parts (process/sandbox.ts), which run everywhere: the options it builds,
 * the provider's state_paths expanded, bwrap looked up on a PATH, the git paths a commit needs.
 * The real sandbox is proved in test/agents/sandbox.test.ts.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { bwrapArgs, expandStatePaths, findOnPath, gitPaths, tmpTops } from '../../src/process/sandbox.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

describe('bwrap sandbox parts', () => {
  test('programs and PATH folders under /tmp are bound again above the private /tmp, by their top folder', () => {
    expect(
      tmpTops([
        '/tmp/ci7/node_modules/.bin/claude',
        '/tmp/ci7/node_modules/@anthropic-ai/claude-code/cli.js',
        '/tmp/other/bin',
        '/usr/local/bin',
        '/tmpx/bin',
        'relative/tmp/x',
      ]),
    ).toEqual(['/tmp/ci7', '/tmp/other']);
  });

  test('options: no capabilities, root read-only, private /tmp, read-only then writable binds, no network only for off', () => {
    const args = bwrapArgs({ readonly: ['/r'], writable: ['/w', '/w', '/x'], tmp: '/t', network: 'on' });
    expect(args).toEqual([
      '--cap-drop',
      'ALL',
      '--ro-bind',
      '/',
      '/',
      '--dev',
      '/dev',
      '--proc',
      '/proc',
      '--bind',
      '/t',
      '/tmp',
      '--ro-bind',
      '/r',
      '/r',
      '--bind',
      '/w',
      '/w',
      '--bind',
      '/x',
      '/x',
    ]);
    expect(bwrapArgs({ writable: [], tmp: '/t', network: 'off' }).at(-1)).toBe('--unshare-net');
  });

  test('state_paths: ~ and $VARS expand from the run env; folders are made; missing files and unset variables are skipped', () => {
    const home = tempDir('sbx-home-');
    writeFileSync(join(home, '.tool.json'), '{}');
    const env = { HOME: home, CONF: join(home, 'conf') };
    const got = expandStatePaths(
      ['~/.tool/', '~/.tool.json', '~/.missing.json', '$CONF/', '${UNSET}/x/', 'relative/', '/'],
      env,
    );
    expect(got).toEqual([join(home, '.tool'), join(home, '.tool.json'), join(home, 'conf')]);
    expect(existsSync(join(home, '.tool'))).toBe(true);
  });

  test('bwrap is looked up on the given PATH only, executable files only', () => {
    const a = tempDir('sbx-a-');
    const b = tempDir('sbx-b-');
    writeFileSync(join(a, 'bwrap'), 'not executable');
    writeFileSync(join(b, 'bwrap'), '#!/bin/sh\n');
    chmodSync(join(b, 'bwrap'), 0o755);
    expect(findOnPath('bwrap', `${a}:${b}`)).toBe(join(b, 'bwrap'));
    expect(findOnPath('bwrap', a)).toBeNull();
  });

  test("git paths: the worktree's admin dir, objects, and the branch's ref and reflog folders", async () => {
    const repo = makeRepo();
    const wt = join(tempDir('sbx-wt-'), 'w');
    git(repo, 'worktree', 'add', '-q', '-b', 'aicoder/ab12-task', wt);
    const p = await gitPaths(wt, 'aicoder/ab12-task');
    const common = join(repo, '.git');
    expect(p.common).toBe(common);
    expect(p.writable).toEqual([
      join(common, 'worktrees', 'w'),
      join(common, 'objects'),
      join(common, 'refs', 'heads', 'aicoder'),
      join(common, 'logs', 'refs', 'heads', 'aicoder'),
    ]);
    await expect(gitPaths(tempDir('sbx-none-'), 'x')).rejects.toMatchObject({ code: 'sandbox_unavailable' });
  });
});
