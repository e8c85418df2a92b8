import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/workspace/index.js';
import { utf8Cut } from '../../src/workspace/read.js';
import { cleanupTemp, makeRepo, tempDir } from '../helpers/env.js';

const ws = createWorkspace();
afterAll(cleanupTemp);
const all = { max_bytes: 65536, offset: 0 };

describe('read confinement', () => {
  const repo = makeRepo({ 'README.md': '# r\n', 'src/a.txt': 'hello\n' });
  const outside = tempDir('aicoder-outside-');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  symlinkSync('/etc/passwd', join(repo, 'passwd-link'));
  symlinkSync(outside, join(repo, 'out-dir'));
  symlinkSync('../..', join(repo, 'src', 'up'));
  symlinkSync('.git', join(repo, 'git-link'));
  symlinkSync('loop-b', join(repo, 'loop-a'));
  symlinkSync('loop-a', join(repo, 'loop-b'));
  symlinkSync('src/a.txt', join(repo, 'inside-link'));

  it.each([
    '../../etc/passwd',
    '/etc/passwd',
    'a/../../x',
    'src/../../x',
    'passwd-link',
    'out-dir/secret.txt',
    'out-dir/missing.txt',
    'src/up/etc/passwd',
    '.git/config',
    '.git',
    'src/../.git/HEAD',
    '.GIT/config',
    'git-link/config',
    'src/a.txt\0.png',
    'loop-a',
  ])('%j → path_outside', async (p) => {
    await expect(ws.read(repo, p, all)).rejects.toMatchObject({ code: 'path_outside', field: 'path' });
  });

  it('reads files inside, also through a symlink that stays inside, and normalizes ./ and //', async () => {
    expect((await ws.read(repo, 'src/a.txt', all)).content).toBe('hello\n');
    expect((await ws.read(repo, 'inside-link', all)).content).toBe('hello\n');
    const r = await ws.read(repo, './src//a.txt', all);
    expect(r).toMatchObject({
      path: 'src/a.txt',
      size: 6,
      offset: 0,
      binary: false,
      truncated: false,
      next_offset: null,
    });
  });

  it('missing files are not_found naming the path; directories and FIFOs are invalid_input', async () => {
    const e = ws.read(repo, 'src/nope.txt', all);
    await expect(e).rejects.toMatchObject({ code: 'not_found', field: 'path' });
    await expect(e).rejects.toThrow('src/nope.txt');
    await expect(ws.read(repo, 'src', all)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(ws.read(repo, '.', all)).rejects.toMatchObject({ code: 'invalid_input' });
    execFileSync('mkfifo', [join(repo, 'fifo')]);
    await expect(ws.read(repo, 'fifo', all)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(ws.read(join(repo, 'gone'), 'README.md', all)).rejects.toMatchObject({
      code: 'worktree_gone',
    });
  });

  it('validates max_bytes and offset', async () => {
    await expect(ws.read(repo, 'src/a.txt', { max_bytes: 0, offset: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'max_bytes',
    });
    await expect(ws.read(repo, 'src/a.txt', { max_bytes: 10, offset: -1 })).rejects.toMatchObject({
      field: 'offset',
    });
    await expect(ws.read(repo, 'src/a.txt', { max_bytes: 10, offset: 7 })).rejects.toMatchObject({
      field: 'offset',
    });
    expect(await ws.read(repo, 'src/a.txt', { max_bytes: 10, offset: 6 })).toMatchObject({
      content: '',
      truncated: false,
      next_offset: null,
    });
  });
});

describe('read content', () => {
  it('binary files (NUL in the first 8 KiB) have content null', async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, 'img.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    const late = Buffer.concat([Buffer.alloc(9000, 'a'), Buffer.from([0])]);
    writeFileSync(join(repo, 'late-nul.txt'), late);
    expect(await ws.read(repo, 'img.png', all)).toEqual({
      path: 'img.png',
      size: 8,
      offset: 0,
      content: null,
      binary: true,
      truncated: false,
      next_offset: null,
    });
    expect((await ws.read(repo, 'late-nul.txt', { max_bytes: 10, offset: 0 })).binary).toBe(false);
  });

  it('truncation never splits a UTF-8 character, and paging with next_offset rebuilds the text', async () => {
    const repo = makeRepo();
    const text = 'aé€😀'.repeat(50) + 'end';
    writeFileSync(join(repo, 'u.txt'), text);
    const size = Buffer.byteLength(text);
    for (const max of [1, 2, 3, 4, 5, 7, 64]) {
      let offset: number | null = 0;
      let rebuilt = '';
      let pages = 0;
      while (offset !== null) {
        const r = await ws.read(repo, 'u.txt', { max_bytes: max, offset });
        expect(r.content).not.toContain('\uFFFD');
        expect(r.size).toBe(size);
        if (max >= 4) expect(Buffer.byteLength(r.content!)).toBeLessThanOrEqual(max);
        expect(r.truncated).toBe(r.next_offset !== null);
        rebuilt += r.content;
        offset = r.next_offset;
        pages++;
      }
      expect(rebuilt, `max_bytes ${max}`).toBe(text);
      if (max === 64) expect(pages).toBeGreaterThan(size / 64);
    }
  });

  it('a truncated page says where to continue', async () => {
    const repo = makeRepo();
    writeFileSync(join(repo, 'big.txt'), '0123456789'.repeat(10));
    const p1 = await ws.read(repo, 'big.txt', { max_bytes: 30, offset: 0 });
    expect(p1).toMatchObject({
      content: '0123456789'.repeat(3),
      truncated: true,
      next_offset: 30,
      size: 100,
    });
    const p2 = await ws.read(repo, 'big.txt', { max_bytes: 80, offset: 30 });
    expect(p2).toMatchObject({ offset: 30, truncated: false, next_offset: null });
    expect(p2.content).toHaveLength(70);
  });

  it('utf8Cut backs off to a boundary, or returns one whole character when max is smaller', () => {
    const b = Buffer.from('a€b'); // 61 e2 82 ac 62
    expect(utf8Cut(b, 1)).toBe(1);
    expect(utf8Cut(b, 2)).toBe(1);
    expect(utf8Cut(b, 3)).toBe(1);
    expect(utf8Cut(b, 4)).toBe(4);
    expect(utf8Cut(Buffer.from('€b'), 1)).toBe(3);
    expect(utf8Cut(Buffer.from('😀'), 2)).toBe(4);
  });
});

describe('read with a worktree reached through a symlink', () => {
  it('confines relative to the realpath of the worktree', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const link = join(tempDir(), 'ws-link');
    symlinkSync(repo, link);
    mkdirSync(join(repo, 'd'));
    expect((await ws.read(link, 'a.txt', all)).content).toBe('a\n');
    await expect(ws.read(link, '../ws-link/a.txt', all)).rejects.toMatchObject({ code: 'path_outside' });
  });
});

describe('hard links', () => {
  it('refuses an untracked file with more than one link (another name for an outside file)', async () => {
    const repo = makeRepo({ 'tracked.txt': 'mine\n' });
    const outside = tempDir('aicoder-outside-');
    writeFileSync(join(outside, 'secret.txt'), 'SECRET\n');
    linkSync(join(outside, 'secret.txt'), join(repo, 'innocent.txt'));
    await expect(ws.read(repo, 'innocent.txt', all)).rejects.toMatchObject({
      code: 'path_outside',
      message: expect.stringMatching(/2 hard links/),
    });
    // A tracked file that has a second name is still readable (git made it part of the worktree).
    linkSync(join(repo, 'tracked.txt'), join(outside, 'second-name.txt'));
    expect((await ws.read(repo, 'tracked.txt', all)).content).toBe('mine\n');
    // One link: readable as usual.
    writeFileSync(join(repo, 'plain.txt'), 'p\n');
    expect((await ws.read(repo, 'plain.txt', all)).content).toBe('p\n');
  });
});
