/**
 * A fake of the GitPort (src/core/ports/git.ts): repositories, branches and worktrees held in memory,
 * answering what the Manager asks (locate, refs, create/remove worktree with their guards, diff and
 * change lists). The folders are real (a repository is a temp folder a test registers; a worktree
 * folder is made by createWorktree and deleted by removeWorktree), so the workspace and prep ports
 * and the agents' cwd work on them unchanged. File changes, dirtiness and commits in a worktree are
 * set by the test (edit, commit), not read from the folder.
 *
 * Kept from the real port (test/fakes/git.test.ts checks both on these points): the error codes and
 * fields (not_a_repo/repo, unknown_ref/base_ref, branch_exists/branch, conflict/path, dirty_worktree,
 * unmerged_commits/branch, worktree_gone/repo, invalid_input on option-like refs), toplevel of a
 * subfolder, HEAD's branch as base_ref, 40-hex commit ids, changes sorted by path and paged with
 * next_cursor, countChanges = changes' total, and a repository folder that is gone.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { AicoderError } from '../../src/core/errors.js';
import { notARepo, validateRefArg } from '../../src/git/refs.js';
import type {
  ChangesPage,
  CreatedWorktree,
  FileChange,
  GitPort,
  LocatedRepo,
  PageQuery,
  RemovedWorktree,
  RemoveWorktreeSpec,
  WorktreeSpec,
} from '../../src/core/ports.js';

export interface FakeRepo {
  path: string;
  /** HEAD's branch; null when detached (then `detachedAt` is HEAD's commit). */
  head: string | null;
  detachedAt: string | null;
  /** Branch name → its tip commit. */
  branches: Map<string, string>;
  /** Commit → its parent (null for a root): enough to count commits not in a base. */
  parents: Map<string, string | null>;
}

export interface FakeWorktree {
  repo: string;
  path: string;
  branch: string;
  base_commit: string;
  /** Uncommitted changes (dirty when any). */
  uncommitted: Map<string, FileChange>;
  /** Committed changes since base_commit. */
  committed: Map<string, FileChange>;
}

let commitCounter = 0;
/** A new 40-hex commit id. */
function newCommit(): string {
  return createHash('sha1').update(`fake-commit-${++commitCounter}-${process.pid}`).digest('hex');
}

export class FakeGit implements GitPort {
  readonly repos = new Map<string, FakeRepo>();
  readonly worktrees = new Map<string, FakeWorktree>();
  /** Every port call, as "method arg1 arg2" (for tests that check what the core asked). */
  readonly calls: string[] = [];

  /**
   * Registers an existing folder as a repository with one commit on `branch` (default main); returns
   * the commit.
   */
  addRepo(path: string, branch = 'main'): string {
    const real = realpathSync(path);
    const c = newCommit();
    this.repos.set(real, {
      path: real,
      head: branch,
      detachedAt: null,
      branches: new Map([[branch, c]]),
      parents: new Map([[c, null]]),
    });
    return c;
  }

  /** The repository registered at `path` (exactly), or throws. */
  repo(path: string): FakeRepo {
    const r = this.repos.get(path);
    if (!r) throw new Error(`no fake repository at ${path}`);
    return r;
  }

  /** Adds a commit on `branch` of the repository (the branch is made from HEAD when new); returns it. */
  commitOn(repoPath: string, branch: string): string {
    const r = this.repo(repoPath);
    const parent = r.branches.get(branch) ?? headCommit(r);
    const c = newCommit();
    r.parents.set(c, parent);
    r.branches.set(branch, c);
    return c;
  }

  /** The worktree at `path`, or throws. */
  worktree(path: string): FakeWorktree {
    const w = this.worktrees.get(path);
    if (!w) throw new Error(`no fake worktree at ${path}`);
    return w;
  }

  /** An uncommitted change in a worktree (the agent edited a file): makes it dirty. */
  edit(path: string, file: string, change: Partial<FileChange> = {}): void {
    const w = this.worktree(path);
    w.uncommitted.set(file, { path: file, status: 'modified', insertions: 1, deletions: 0, ...change });
  }

  /** Commits the worktree's uncommitted changes on its branch; returns the commit. */
  commit(path: string): string {
    const w = this.worktree(path);
    for (const [f, ch] of w.uncommitted)
      w.committed.set(f, ch.status === 'untracked' ? { ...ch, status: 'added' } : ch);
    w.uncommitted.clear();
    return this.commitOn(w.repo, w.branch);
  }

  toplevel(path: string): Promise<string> {
    this.calls.push(`toplevel ${path}`);
    return Promise.resolve().then(() => this.find(path).path);
  }

  headRef(repo: string): Promise<string> {
    this.calls.push(`headRef ${repo}`);
    return Promise.resolve().then(() => {
      const r = this.find(repo);
      return r.head ?? r.detachedAt!;
    });
  }

  resolveCommit(repo: string, ref: string): Promise<string> {
    this.calls.push(`resolveCommit ${repo} ${ref}`);
    return Promise.resolve().then(() => {
      validateRefArg(ref, 'base_ref');
      return this.resolve(this.find(repo), ref);
    });
  }

  branchExists(repo: string, branch: string): Promise<boolean> {
    this.calls.push(`branchExists ${repo} ${branch}`);
    return Promise.resolve().then(() => {
      checkBranch(branch);
      return this.find(repo).branches.has(branch);
    });
  }

  locate(path: string, baseRef?: string): Promise<LocatedRepo | null> {
    this.calls.push(`locate ${path}${baseRef === undefined ? '' : ` ${baseRef}`}`);
    return Promise.resolve().then(() => {
      if (baseRef !== undefined) validateRefArg(baseRef, 'base_ref');
      let r: FakeRepo;
      let commit: string;
      try {
        r = this.find(path);
        commit = this.resolve(r, baseRef ?? 'HEAD');
      } catch {
        return null;
      }
      return { toplevel: r.path, base_ref: baseRef ?? r.head ?? commit, base_commit: commit };
    });
  }

  createWorktree(spec: WorktreeSpec): Promise<CreatedWorktree> {
    this.calls.push(`createWorktree ${spec.path} ${spec.branch}`);
    return Promise.resolve().then(() => {
      const r = this.find(spec.repo);
      checkBranch(spec.branch);
      const base = this.resolve(r, spec.base_commit);
      if (r.branches.has(spec.branch)) {
        throw new AicoderError('branch_exists', `branch '${spec.branch}' already exists in ${spec.repo}`, {
          field: 'branch',
        });
      }
      if (existsSync(spec.path)) {
        throw new AicoderError('conflict', `worktree path already exists: ${spec.path}`, { field: 'path' });
      }
      mkdirSync(spec.path, { recursive: true });
      r.branches.set(spec.branch, base);
      this.worktrees.set(spec.path, {
        repo: r.path,
        path: spec.path,
        branch: spec.branch,
        base_commit: base,
        uncommitted: new Map(),
        committed: new Map(),
      });
      return { warnings: [] };
    });
  }

  removeWorktree(spec: RemoveWorktreeSpec): Promise<RemovedWorktree> {
    this.calls.push(
      `removeWorktree ${spec.path}${spec.force ? ' force' : ''}${spec.keep_branch ? ' keep_branch' : ''}`,
    );
    return Promise.resolve().then(() => {
      validateRefArg(spec.base_commit, 'base_commit');
      validateRefArg(spec.base_ref, 'base_ref');
      const r = this.repos.get(spec.repo);
      if (!r || !existsSync(r.path)) {
        if (!spec.force) {
          throw new AicoderError(
            'worktree_gone',
            `repository ${spec.repo} is gone (deleted, moved or renamed), so the worktree cannot be checked for unsaved work; use force to delete the worktree folder ${spec.path} and the coder`,
            { field: 'repo' },
          );
        }
        rmSync(spec.path, { recursive: true, force: true });
        this.worktrees.delete(spec.path);
        return {
          notes: [
            `repository ${spec.repo} is gone (deleted, moved or renamed): deleted the worktree folder ${spec.path}, but not its registration nor branch '${spec.branch}'`,
          ],
        };
      }
      const w = this.worktrees.get(spec.path);
      if (!spec.force) {
        if (w && existsSync(w.path) && w.uncommitted.size > 0) {
          const files = [...w.uncommitted.keys()].sort();
          throw new AicoderError(
            'dirty_worktree',
            `worktree ${spec.path} has uncommitted changes (${files.slice(0, 5).join(', ')}); commit or discard them, or use force`,
            { details: { files, submodules: [] } },
          );
        }
        if (!spec.keep_branch) {
          const n = this.unmerged(r, spec);
          if (n > 0) {
            throw new AicoderError(
              'unmerged_commits',
              `branch '${spec.branch}' has ${n} commit${n === 1 ? '' : 's'} not in '${spec.base_ref}' nor in base commit ${spec.base_commit.slice(0, 12)}; merge them, keep the branch (keep_branch), or use force`,
              { field: 'branch', details: { count: n } },
            );
          }
        }
      }
      if (!w && existsSync(spec.path) && !spec.force) {
        throw new AicoderError(
          'conflict',
          `${spec.path} exists but is not a registered worktree of ${spec.repo}; use force to delete the directory`,
          { field: 'path' },
        );
      }
      rmSync(spec.path, { recursive: true, force: true });
      this.worktrees.delete(spec.path);
      if (!spec.keep_branch) r.branches.delete(spec.branch);
      return { notes: [] };
    });
  }

  diff(workspace: string, baseCommit: string): Promise<string> {
    this.calls.push(`diff ${workspace} ${baseCommit}`);
    return Promise.resolve().then(() =>
      this.all(workspace)
        .map((c) => `diff --git a/${c.from ?? c.path} b/${c.path}\n`)
        .join(''),
    );
  }

  changes(workspace: string, baseCommit: string, page: PageQuery = {}): Promise<ChangesPage> {
    this.calls.push(`changes ${workspace} ${baseCommit}`);
    return Promise.resolve().then(() => {
      const all = this.all(workspace);
      const limit = page.limit ?? 1000;
      if (!Number.isInteger(limit) || limit < 1 || limit > 5000) {
        throw new AicoderError('invalid_input', 'limit must be an integer from 1 to 5000', {
          field: 'limit',
        });
      }
      const start = page.cursor === undefined ? 0 : all.findIndex((c) => c.path > page.cursor!);
      const from = start < 0 ? all.length : start;
      const slice = all.slice(from, from + limit);
      const more = from + limit < all.length;
      return { changes: slice, total: all.length, next_cursor: more ? slice.at(-1)!.path : null };
    });
  }

  countChanges(workspace: string, baseCommit: string): Promise<number> {
    this.calls.push(`countChanges ${workspace} ${baseCommit}`);
    return Promise.resolve().then(() => this.all(workspace).length);
  }

  /** Committed and uncommitted changes of a worktree, sorted by path (uncommitted win). */
  private all(workspace: string): FileChange[] {
    const w = this.worktrees.get(workspace);
    if (!w || !existsSync(workspace)) {
      throw new AicoderError(
        'worktree_gone',
        `worktree ${workspace} is gone (its folder was deleted or moved); its commits stay on its branch; rm (with force) removes the coder`,
        { field: 'workspace' },
      );
    }
    const m = new Map([...w.committed, ...w.uncommitted]);
    return [...m.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** The repository holding `path` (its folder or a subfolder); not_a_repo otherwise. */
  private find(path: string): FakeRepo {
    let p: string;
    try {
      p = realpathSync(path);
    } catch {
      throw notARepo(path, 'no such directory');
    }
    for (let d = p; ; d = dirname(d)) {
      const r = this.repos.get(d);
      if (r) return r;
      if (d === dirname(d)) throw notARepo(path);
    }
  }

  private resolve(r: FakeRepo, ref: string): string {
    if (ref === 'HEAD') {
      const c = headCommit(r);
      if (c) return c;
    } else if (r.branches.has(ref)) return r.branches.get(ref)!;
    else if (ref.startsWith('refs/heads/') && r.branches.has(ref.slice(11)))
      return r.branches.get(ref.slice(11))!;
    else if (/^[0-9a-f]{40}$/.test(ref) && r.parents.has(ref)) return ref;
    throw new AicoderError('unknown_ref', `unknown ref '${ref}' in ${r.path}`, { field: 'base_ref' });
  }

  /** Commits on the branch not reachable from base_ref's tip nor from base_commit. */
  private unmerged(r: FakeRepo, spec: RemoveWorktreeSpec): number {
    const tip = r.branches.get(spec.branch);
    if (tip === undefined) return 0;
    const reach = new Set<string>();
    for (const start of [spec.base_commit, r.branches.get(spec.base_ref)]) {
      for (let c: string | null | undefined = start; c; c = r.parents.get(c)) reach.add(c);
    }
    let n = 0;
    for (let c: string | null | undefined = tip; c && !reach.has(c); c = r.parents.get(c)) n++;
    return n;
  }
}

function headCommit(r: FakeRepo): string | null {
  return r.head !== null ? (r.branches.get(r.head) ?? null) : r.detachedAt;
}

/** A subset of `git check-ref-format --branch`: enough for the names the core makes and tests try. */
function checkBranch(branch: string): void {
  const bad = (why: string): AicoderError =>
    new AicoderError('invalid_input', `branch '${branch}' is not a valid branch name: ${why}`, {
      field: 'branch',
    });
  if (typeof branch !== 'string' || branch.length === 0) {
    throw new AicoderError('invalid_input', 'branch must be a non-empty branch name', { field: 'branch' });
  }
  if (branch.startsWith('-')) throw bad("it must not start with '-'");
  if (branch.includes('@{')) throw bad("it must not contain '@{'");
  if (branch === 'HEAD') throw bad("'HEAD' is reserved");
  if (branch.length > 250) throw bad('it must be at most 250 characters');
  if (/\.\.|[\s~^:?*[\\]|\/\/|\.lock$|\/$|\.$|^\.|\/\./.test(branch))
    throw bad('git check-ref-format rejects it');
}
