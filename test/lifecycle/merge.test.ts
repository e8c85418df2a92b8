/** commit + merge back, the conflict forecast, and merge refusing without touching the user's checkout. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAicoderError } from '../../src/core/errors.js';
import { cleanupTemp, git, makeRepo } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';
import { WRITER_PROVIDER } from '../helpers/coders.js';

const writer = WRITER_PROVIDER;

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

async function run(task: string, repo: string): Promise<string> {
  const c = await tm!.manager.create({ task, repo, provider: 'writer' });
  const r = await tm!.manager.wait(c.id, { for: 'terminal', timeout_ms: 20_000 });
  expect(r.coder.state).toBe('completed');
  return c.id;
}

function snapshot(repo: string): { status: string; head: string; branch: string; file: string } {
  return {
    status: git(repo, 'status', '--porcelain'),
    head: git(repo, 'rev-parse', 'HEAD'),
    branch: git(repo, 'symbolic-ref', 'HEAD'),
    file: readFileSync(join(repo, 'shared.txt'), 'utf8'),
  };
}

describe('commit and merge', () => {
  it('commit + merge lands on base and keeps the main checkout consistent', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const id = await run('new.txt=hello', repo);
    const committed = await tm.manager.commit(id, {});
    expect(committed.files).toBe(1);
    expect(committed.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(git(repo, 'log', '-1', '--format=%s', committed.commit!)).toBe('new.txt=hello');
    // nothing more to commit
    expect((await tm.manager.commit(id, {})).commit).toBeNull();

    const merged = await tm.manager.merge(id, {});
    expect(merged.outcome).toBe('fast_forward');
    expect(merged.after).toBe(committed.commit);
    expect(merged.updated_checkout).toBe(repo);
    expect(git(repo, 'rev-parse', 'main')).toBe(committed.commit);
    expect(readFileSync(join(repo, 'new.txt'), 'utf8')).toBe('hello\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    // merged: rm needs no force now
    await tm.manager.control(id, { action: 'remove' });
  });

  it('squash makes one commit on base; a diverged base gets a merge commit', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const a = await run('a.txt=A', repo);
    const b = await run('b.txt=B', repo);
    await tm.manager.commit(a, { message: 'add a' });
    await tm.manager.commit(b, { message: 'add b' });
    const first = await tm.manager.merge(a, { strategy: 'squash' });
    expect(first.outcome).toBe('merged');
    expect(git(repo, 'rev-list', '--count', 'main')).toBe('2');
    expect(git(repo, 'log', '-1', '--format=%P', 'main').split(' ')).toHaveLength(1);
    const second = await tm.manager.merge(b, {});
    expect(second.outcome).toBe('merged');
    expect(git(repo, 'log', '-1', '--format=%P', 'main').split(' ')).toHaveLength(2);
    expect(existsSync(join(repo, 'a.txt')) && existsSync(join(repo, 'b.txt'))).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('rebase replays the branch on the moved base and fast-forwards', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const a = await run('a.txt=A', repo);
    await tm.manager.commit(a, {});
    writeFileSync(join(repo, 'upstream.txt'), 'u\n');
    git(repo, 'add', 'upstream.txt');
    git(repo, 'commit', '-q', '-m', 'upstream');
    const r = await tm.manager.merge(a, { strategy: 'rebase' });
    expect(r.outcome).toBe('fast_forward');
    expect(git(repo, 'log', '--format=%s', '-2', 'main')).toBe('a.txt=A\nupstream');
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('0');
  });

  it('a conflicting pair is forecast, and merge refuses without touching the user checkout', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const a = await run('shared.txt=from a', repo);
    const b = await run('shared.txt=from b', repo);
    const c = await run('other.txt=c', repo);
    // uncommitted work counts in the forecast
    const [report] = await tm.manager.conflicts({ repo });
    expect(report!.pairs).toEqual([{ a: [a, b].sort()[0], b: [a, b].sort()[1], files: ['shared.txt'] }]);
    expect(report!.coders.sort()).toEqual([a, b, c].sort());
    expect(report!.with_base).toEqual([]);

    await tm.manager.commit(a, {});
    await tm.manager.commit(b, {});
    await tm.manager.merge(a, {});
    const before = snapshot(repo);
    // b now conflicts with base
    const [after] = await tm.manager.conflicts({ coder: b });
    expect(after!.with_base).toEqual([{ coder: b, base_ref: 'main', files: ['shared.txt'] }]);
    const err = await tm.manager.merge(b, {}).catch((e: unknown) => e);
    expect(isAicoderError(err) && err.code).toBe('conflict');
    expect((err as Error).message).toMatch(/would conflict in shared\.txt; nothing was changed/);
    expect(isAicoderError(err) && err.details?.files).toEqual(['shared.txt']);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses when the checkout of base has uncommitted changes, changing nothing', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const a = await run('a.txt=A', repo);
    await tm.manager.commit(a, {});
    writeFileSync(join(repo, 'shared.txt'), 'user edit\n');
    const before = snapshot(repo);
    await expect(tm.manager.merge(a, {})).rejects.toThrow(/checked out at .* has uncommitted changes/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses to merge uncommitted work', async () => {
    tm = await startTestManager({ providers: [writer] });
    const repo = makeRepo({ 'shared.txt': 'one\n' });
    const a = await run('a.txt=A', repo);
    await expect(tm.manager.merge(a, {})).rejects.toThrow(/uncommitted changes; commit them first/);
    expect(git(repo, 'rev-list', '--count', 'main')).toBe('1');
  });
});
