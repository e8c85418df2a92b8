import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DAEMON_UMASK, secureHome } from '../../src/daemon/home-modes.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

const mode = (p: string) => statSync(p).mode & 0o7777;
const original = process.umask();

afterEach(() => process.umask(original));
afterAll(cleanupTemp);

describe('secureHome', () => {
  it('tightens an existing home made under umask 022 and leaves worktrees and link targets alone', () => {
    const home = tempDir('aicoder-modes-');
    const outside = tempDir('aicoder-modes-outside-');
    writeFileSync(join(outside, 'target'), 'x', { mode: 0o644 });
    chmodSync(join(outside, 'target'), 0o644);
    chmodSync(home, 0o755);
    mkdirSync(join(home, 'coders', 'c1', 'run-1'), { recursive: true, mode: 0o755 });
    writeFileSync(join(home, 'aicoder.db'), '', { mode: 0o644 });
    writeFileSync(join(home, 'coders', 'c1', 'run-1', 'stdout.log'), 'out', { mode: 0o644 });
    writeFileSync(join(home, 'hook.sh'), '#!/bin/sh', { mode: 0o755 });
    mkdirSync(join(home, 'worktrees', 'repo-1', 'c1'), { recursive: true, mode: 0o755 });
    writeFileSync(join(home, 'worktrees', 'repo-1', 'c1', 'f.txt'), 'x', { mode: 0o644 });
    chmodSync(join(home, 'worktrees', 'repo-1', 'c1', 'f.txt'), 0o644);
    symlinkSync(join(outside, 'target'), join(home, 'link'));
    for (const p of ['aicoder.db', 'coders', 'coders/c1', 'coders/c1/run-1', 'coders/c1/run-1/stdout.log'])
      chmodSync(join(home, p), p.endsWith('.db') || p.endsWith('.log') ? 0o644 : 0o755);

    const r = secureHome(home);

    expect(r.previousUmask).toBe(original);
    expect(process.umask()).toBe(DAEMON_UMASK);
    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, 'aicoder.db'))).toBe(0o600);
    expect(mode(join(home, 'coders', 'c1', 'run-1'))).toBe(0o700);
    expect(mode(join(home, 'coders', 'c1', 'run-1', 'stdout.log'))).toBe(0o600);
    expect(mode(join(home, 'hook.sh'))).toBe(0o700); // the owner's x bit stays
    expect(mode(join(outside, 'target'))).toBe(0o644); // a link is never followed
    expect(mode(join(home, 'worktrees', 'repo-1', 'c1', 'f.txt'))).toBe(0o644); // git's business
    expect(r.fixed.length).toBeGreaterThanOrEqual(7);
    // A second start finds nothing to fix.
    expect(secureHome(home).fixed).toEqual([]);
  });

  it('creates a missing home 0700 and new files under it are 0600 whatever the umask was', () => {
    process.umask(0o000);
    const home = join(tempDir('aicoder-modes-'), 'nested', 'home');
    secureHome(home);
    writeFileSync(join(home, 'daemon.json'), '{}');
    mkdirSync(join(home, 'coders'));
    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, 'daemon.json'))).toBe(0o600);
    expect(mode(join(home, 'coders'))).toBe(0o700);
  });
});
