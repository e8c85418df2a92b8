/**
 * The fake GitPort against the real one (src/git) on what the Manager asks: locate and refs, the
 * worktree create/remove guards and error codes, change lists with paging, and a repository that is
 * gone. Each case runs on both; a side says how to make a repository, edit a worktree and commit.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GitPort, RemoveWorktreeSpec } from '../../src/core/ports.js';
import { createGit } from '../../src/git/index.js';
import { cleanupTemp, git, makeRepo, tempDir, rejectionOf } from '../helpers/env.js';
import { FakeGit } from './git.js';

afterAll(cleanupTemp);

interface Side {
  port: GitPort;
  /** A repository with one commit on main, and a subfolder `sub`. */
  repo(): string;
  /** An uncommitted change of `file` in the worktree. */
  edit(worktree: string, file: string): void;
  /** Commits everything in the worktree. */
  commit(worktree: string): void;
}

function realSide(): Side {
  return {
    port: createGit(),
    repo: () => makeRepo({ 'README.md': '# r\n', 'sub/a.txt': 'a\n' }),
    edit: (wt, file) => writeFileSync(join(wt, file), 'changed\n'),
    commit: (wt) => {
      git(wt, 'add', '-A');
      git(wt, 'commit', '-q', '-m', 'work');
    },
  };
}

function fakeSide(): Side {
  const fake = new FakeGit();
  return {
    port: fake,
    repo: () => {
      const dir = tempDir('aicoder-repo-');
      writeFileSync(join(dir, 'README.md'), '# r\n');
      mkdirSync(join(dir, 'sub'));
      fake.addRepo(dir);
      return dir;
    },
    edit: (wt, file) => {
      writeFileSync(join(wt, file), 'changed\n');
      fake.edit(wt, file, { status: 'added' });
    },
    commit: (wt) => void fake.commit(wt),
  };
}

async function errOf(p: Promise<unknown>): Promise<{ code: string; field?: string }> {
  const { code, field } = await rejectionOf(p);
  return { code, field };
}

for (const [name, make] of [
  ['real', realSide],
  ['fake', fakeSide],
] as const) {
  describe(`GitPort contract: ${name}`, () => {
    it('locates a repository from a subfolder; refs resolve to 40-hex ids; bad refs and folders are refused', async () => {
      const s = make();
      const repo = s.repo();
      const sub = join(repo, 'sub');
      expect(await s.port.toplevel(sub)).toBe(repo);
      expect(await s.port.headRef(repo)).toBe('main');
      const head = await s.port.resolveCommit(repo, 'main');
      expect(head).toMatch(/^[0-9a-f]{40}$/);
      expect(await s.port.locate!(repo)).toEqual({ toplevel: repo, base_ref: 'main', base_commit: head });
      expect(await s.port.locate!(repo, 'nope')).toBeNull();
      expect(await s.port.branchExists(repo, 'main')).toBe(true);
      expect(await s.port.branchExists(repo, 'other')).toBe(false);
      expect(await errOf(s.port.resolveCommit(repo, 'nope'))).toEqual({
        code: 'unknown_ref',
        field: 'base_ref',
      });
      expect(await errOf(s.port.resolveCommit(repo, '--all'))).toEqual({
        code: 'invalid_input',
        field: 'base_ref',
      });
      expect(await errOf(s.port.toplevel(tempDir('aicoder-plain-')))).toEqual({
        code: 'not_a_repo',
        field: 'repo',
      });
      expect(await errOf(s.port.toplevel('/no/such/dir'))).toEqual({ code: 'not_a_repo', field: 'repo' });
    });

    it('creates a worktree on a new branch; refuses a taken branch or path; guards dirty and unmerged work', async () => {
      const s = make();
      const repo = s.repo();
      const base = await s.port.resolveCommit(repo, 'HEAD');
      const path = join(tempDir('aicoder-home-'), 'worktrees', 'c1');
      const spec = { repo, base_commit: base, branch: 'aicoder/c1', path };
      expect(await s.port.createWorktree(spec)).toEqual({ warnings: [] });
      expect(await s.port.branchExists(repo, 'aicoder/c1')).toBe(true);
      expect(await errOf(s.port.createWorktree({ ...spec, path: `${path}-2` }))).toEqual({
        code: 'branch_exists',
        field: 'branch',
      });
      expect(await errOf(s.port.createWorktree({ ...spec, branch: 'aicoder/c2' }))).toEqual({
        code: 'conflict',
        field: 'path',
      });
      expect(await errOf(s.port.createWorktree({ ...spec, branch: '-x', path: `${path}-3` }))).toMatchObject({
        code: 'invalid_input',
        field: 'branch',
      });

      const rm: RemoveWorktreeSpec = {
        repo,
        path,
        branch: 'aicoder/c1',
        base_ref: 'main',
        base_commit: base,
        force: false,
        keep_branch: false,
      };
      s.edit(path, 'new.txt');
      expect(await s.port.countChanges(path, base)).toBe(1);
      expect((await errOf(s.port.removeWorktree(rm))).code).toBe('dirty_worktree');
      s.commit(path);
      expect(await errOf(s.port.removeWorktree(rm))).toEqual({ code: 'unmerged_commits', field: 'branch' });
      expect(await s.port.removeWorktree({ ...rm, keep_branch: true })).toEqual({ notes: [] });
      expect(await s.port.branchExists(repo, 'aicoder/c1')).toBe(true);
    });

    it('lists changes sorted by path in pages; counts them; force removes worktree and branch', async () => {
      const s = make();
      const repo = s.repo();
      const base = await s.port.resolveCommit(repo, 'HEAD');
      const path = join(tempDir('aicoder-home-'), 'wt');
      await s.port.createWorktree({ repo, base_commit: base, branch: 'aicoder/c3', path });
      for (const f of ['c.txt', 'a.txt', 'b.txt']) s.edit(path, f);
      const p1 = await s.port.changes(path, base, { limit: 2 });
      expect(p1.changes.map((c) => c.path)).toEqual(['a.txt', 'b.txt']);
      expect(p1.total).toBe(3);
      expect(p1.next_cursor).not.toBeNull();
      const p2 = await s.port.changes(path, base, { limit: 2, cursor: p1.next_cursor! });
      expect(p2.changes.map((c) => c.path)).toEqual(['c.txt']);
      expect(p2.next_cursor).toBeNull();
      expect(await s.port.countChanges(path, base)).toBe(3);
      const spec = {
        repo,
        path,
        branch: 'aicoder/c3',
        base_ref: 'main',
        base_commit: base,
        keep_branch: false,
      };
      expect(await s.port.removeWorktree({ ...spec, force: true })).toEqual({ notes: [] });
      expect(await s.port.branchExists(repo, 'aicoder/c3')).toBe(false);
    });

    it('a gone repository: remove refuses with worktree_gone; force deletes the folder with a note', async () => {
      const s = make();
      const repo = s.repo();
      const base = await s.port.resolveCommit(repo, 'HEAD');
      const path = join(tempDir('aicoder-home-'), 'wt');
      await s.port.createWorktree({ repo, base_commit: base, branch: 'aicoder/c4', path });
      rmSync(repo, { recursive: true, force: true });
      const spec = {
        repo,
        path,
        branch: 'aicoder/c4',
        base_ref: 'main',
        base_commit: base,
        keep_branch: false,
      };
      expect(await errOf(s.port.removeWorktree({ ...spec, force: false }))).toEqual({
        code: 'worktree_gone',
        field: 'repo',
      });
      const r = await s.port.removeWorktree({ ...spec, force: true });
      expect(r.notes.join(' ')).toMatch(/is gone .*deleted the worktree folder/);
    });
  });
}
