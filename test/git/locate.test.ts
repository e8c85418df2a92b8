/**
 * GitPort.locate: what create needs (toplevel, base commit, HEAD's branch) from one `git rev-parse`,
 * the same answers as the one-by-one lookups, and null wherever those would give an error.
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';

const port = createGit();
afterAll(cleanupTemp);

describe('locate', () => {
  it('agrees with toplevel, headRef and resolveCommit, from a subdirectory and through a symlink', async () => {
    const repo = makeRepo({ 'src/a.txt': 'a\n' });
    git(repo, 'checkout', '-q', '-b', 'feature/x');
    const link = join(tempDir(), 'link');
    symlinkSync(repo, link);
    for (const at of [repo, join(repo, 'src'), link]) {
      const top = await port.toplevel(at);
      const head = await port.headRef(top);
      expect(await port.locate!(at)).toEqual({
        toplevel: top,
        base_ref: head,
        base_commit: await port.resolveCommit(top, head),
      });
    }
    expect((await port.locate!(repo))!.base_ref).toBe('feature/x');
    expect((await port.locate!(repo))!.toplevel).toBe(realpathSync(repo));
  });

  it('answers a given base ref, a detached HEAD, and a repo with a file named like the ref', async () => {
    const repo = makeRepo();
    const first = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'second');
    git(repo, 'tag', 'v1', first);
    expect(await port.locate!(repo, 'v1')).toEqual({
      toplevel: realpathSync(repo),
      base_ref: 'v1',
      base_commit: first,
    });
    writeFileSync(join(repo, 'HEAD'), 'a file named HEAD\n');
    expect((await port.locate!(repo))!.base_ref).toBe('main');
    git(repo, 'checkout', '-q', '--detach', first);
    expect(await port.locate!(repo)).toEqual({
      toplevel: realpathSync(repo),
      base_ref: first,
      base_commit: first,
    });
  });

  it('is null where the one-by-one lookups name an error, and refuses option-like refs', async () => {
    const repo = makeRepo();
    expect(await port.locate!(repo, 'no-such-ref')).toBeNull();
    const plain = tempDir();
    expect(await port.locate!(plain)).toBeNull();
    expect(await port.locate!(join(plain, 'missing'))).toBeNull();
    const empty = tempDir();
    git(empty, 'init', '-q', '-b', 'main');
    expect(await port.locate!(empty)).toBeNull();
    const bare = join(tempDir(), 'bare.git');
    mkdirSync(bare);
    git(bare, 'init', '-q', '--bare');
    expect(await port.locate!(bare)).toBeNull();
    await expect(port.locate!(repo, '--output=x')).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
