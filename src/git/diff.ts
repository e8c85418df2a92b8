/**
 * Diffs of a worktree against its base commit, covering committed, staged, unstaged and untracked
 * (not ignored) files. Works on a throwaway copy of the worktree's index (GIT_INDEX_FILE in a temp
 * dir), so the user's index, HEAD and status are untouched.
 */
import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AicoderError } from '../core/errors.js';
import type { ChangesPage, FileChange, FileChangeStatus } from '../core/ports.js';
import type { ChangesCache } from './changes-cache.js';
import { gitMessage, isNotARepo, type GitRunner } from './exec.js';
import { ensureWorktreeDir, explainNotARepo } from './gone.js';
import type { GitStreamer } from './stream.js';
import { lfsCheckout } from './lfs.js';
import { sortByPath, type Pager, type PageQuery } from './paging.js';
import { notARepo, validateRefArg } from './refs.js';
import { checkedOutSubmodules, excludeSubmodules } from './submodules.js';

/** Stable output whatever the user's diff configuration says; `prefix` goes before every path. */
function diffFlags(prefix = ''): string[] {
  return [
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    `--src-prefix=a/${prefix}`,
    `--dst-prefix=b/${prefix}`,
    '-M',
  ];
}
const DIFF_FLAGS = diffFlags();

/**
 * The repositories a worktree's diff is made of: the worktree itself, then each checked-out submodule
 * that has a baseline gitlink (recursively). Each leaves out its own such submodules (their changes
 * come from their own entry, file by file, instead of a gitlink line).
 */
interface DiffUnit {
  dir: string;
  base: string;
  /** '' or the submodule's path with a trailing '/'. */
  prefix: string;
  exclude: string[];
}

async function diffUnits(git: GitRunner, worktree: string, baseCommit: string): Promise<DiffUnit[]> {
  const subs = (await checkedOutSubmodules(git, worktree, baseCommit)).filter((s) => s.base !== null);
  const childrenOf = (prefix: string, depth: number) =>
    excludeSubmodules(
      subs
        .filter((s) => s.depth === depth && s.path.startsWith(prefix))
        .map((s) => s.path.slice(prefix.length)),
    );
  return [
    { dir: worktree, base: baseCommit, prefix: '', exclude: childrenOf('', 0) },
    ...subs.map((s) => ({
      dir: s.dir,
      base: s.base!,
      prefix: `${s.path}/`,
      exclude: childrenOf(`${s.path}/`, s.depth + 1),
    })),
  ];
}

/** Runs `fn` with GIT_INDEX_FILE pointing at a temp index that mirrors the whole work tree. */
export async function withWorktreeIndex<T>(
  git: GitRunner,
  worktree: string,
  fn: (env: Record<string, string>) => Promise<T>,
): Promise<T> {
  await ensureWorktreeDir(worktree);
  const where = await git(['rev-parse', '--git-path', 'index'], { cwd: worktree });
  if (isNotARepo(where)) throw (await explainNotARepo(worktree)) ?? notARepo(worktree);
  if (where.exitCode !== 0) throw new AicoderError('internal', `git rev-parse failed: ${gitMessage(where)}`);
  const dir = await mkdtemp(join(tmpdir(), 'aicoder-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      // Starting from a copy keeps git's stat cache, so unchanged files are not re-hashed. The copy
      // keeps the original's mtime: git compares it with file mtimes to spot "racily clean" entries
      // (a file changed in the same second it was indexed), and a fresh mtime would hide them.
      const source = resolve(worktree, where.stdout.trim());
      await copyFile(source, env.GIT_INDEX_FILE);
      const st = await stat(source);
      await utimes(env.GIT_INDEX_FILE, st.atime, st.mtime);
    } catch {
      const rt = await git(['read-tree', 'HEAD'], { cwd: worktree, env });
      if (rt.exitCode !== 0) await rm(env.GIT_INDEX_FILE, { force: true });
    }
    // Without git-lfs, a worktree of an LFS repository holds pointer files and the required filter
    // cannot run: the temporary index takes the files as they are.
    const lfs = await lfsCheckout(git, worktree);
    const add = await git([...lfs.args, 'add', '-A', '--ignore-errors'], { cwd: worktree, env });
    if (add.exitCode !== 0 && !/unable to (index|stat)|failed to insert/i.test(add.stderr)) {
      throw new AicoderError(
        'internal',
        `git add (temporary index) failed in ${worktree}: ${gitMessage(add)}`,
      );
    }
    return await fn(env);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function baseError(worktree: string, base: string, stderr: string): AicoderError {
  if (/bad revision|unknown revision|bad object|ambiguous argument|not a tree/i.test(stderr)) {
    return new AicoderError('unknown_ref', `unknown ref '${base}' in ${worktree}`, { field: 'base_commit' });
  }
  return new AicoderError('internal', `git diff against ${base} failed in ${worktree}: ${stderr.trim()}`);
}

/**
 * The worktree's unified diff against baseCommit (see the module doc), followed by the diff of each
 * checked-out submodule against the commit the base recorded for it, its paths prefixed with the
 * submodule's path (`a/vendor/lib/x.c`), uncommitted and untracked files included.
 */
export async function diff(git: GitRunner, worktree: string, baseCommit: string): Promise<string> {
  validateRefArg(baseCommit, 'base_commit');
  await ensureWorktreeDir(worktree);
  const parts: string[] = [];
  for (const u of await diffUnits(git, worktree, baseCommit)) {
    parts.push(
      await withWorktreeIndex(git, u.dir, async (env) => {
        // Argv git, not simple-git: the unified diff is returned as git wrote it; there is nothing to parse.
        const args = ['diff', '--cached', ...diffFlags(u.prefix), u.base, '--', ...u.exclude];
        const r = await git(args, { cwd: u.dir, env });
        if (r.exitCode !== 0) throw baseError(u.dir, u.base, r.stderr);
        return r.stdout;
      }),
    );
  }
  return parts.join('');
}

function statusOf(letter: string): FileChangeStatus {
  switch (letter.charAt(0)) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return 'renamed';
    default:
      return 'modified'; // M, T (type change), C, U, X
  }
}

/**
 * Incremental parser of `git diff --raw --numstat -z` output: first one raw record per file
 * (":mode mode sha sha STATUS\0path\0", renames and copies with two paths), then one numstat record
 * per file in the same order ("ins\tdel\tpath\0", or "ins\tdel\t\0from\0to\0"; binary counts "-").
 */
class RawNumstatParser {
  readonly list: FileChange[] = [];
  private pending: string[] = [];
  private need = 0;
  private numstat = 0;
  private header = '';

  feed(records: readonly string[]): void {
    for (const rec of records) {
      if (this.need > 0) {
        this.pending.push(rec);
        if (--this.need === 0) this.flush();
      } else if (rec.startsWith(':') && this.numstat === 0) {
        this.header = rec;
        const code = rec.slice(rec.lastIndexOf(' ') + 1);
        this.need = code.startsWith('R') || code.startsWith('C') ? 2 : 1;
        this.pending = [];
      } else {
        this.numstatRecord(rec);
      }
    }
  }

  private renameTail = 0;

  private flush(): void {
    const code = this.header.slice(this.header.lastIndexOf(' ') + 1);
    const status = statusOf(code);
    if (code.startsWith('R')) {
      this.list.push({
        path: this.pending[1] ?? '',
        status,
        insertions: 0,
        deletions: 0,
        from: this.pending[0] ?? '',
      });
    } else if (code.startsWith('C')) {
      this.list.push({ path: this.pending[1] ?? '', status: 'added', insertions: 0, deletions: 0 });
    } else {
      this.list.push({ path: this.pending[0] ?? '', status, insertions: 0, deletions: 0 });
    }
  }

  private numstatRecord(rec: string): void {
    if (this.renameTail > 0) {
      this.renameTail--; // the from/to paths of a rename's numstat record
      return;
    }
    const [ins = '-', del = '-', ...rest] = rec.split('\t');
    if (rest.join('\t') === '') this.renameTail = 2;
    const entry = this.list[this.numstat++];
    if (entry === undefined) return;
    const n = (v: string) => (v === '-' ? 0 : Number.parseInt(v, 10) || 0);
    entry.insertions = n(ins);
    entry.deletions = n(del);
  }
}

/** Lets other work run between slices of a long loop over `n` items. */
async function inSlices(n: number, fn: (from: number, to: number) => void, slice = 20_000): Promise<void> {
  for (let i = 0; i < n; i += slice) {
    fn(i, Math.min(n, i + slice));
    if (i + slice < n) await new Promise<void>((r) => setImmediate(r));
  }
}

/**
 * Every changed file of the worktree against baseCommit (committed, staged, unstaged, untracked),
 * sorted by path. Output is streamed and parsed chunk by chunk, so a tree with 200,000 new files
 * does not block the event loop.
 */
export async function allChanges(
  git: GitRunner,
  stream: GitStreamer,
  worktree: string,
  baseCommit: string,
): Promise<FileChange[]> {
  validateRefArg(baseCommit, 'base_commit');
  await ensureWorktreeDir(worktree);
  const units = await diffUnits(git, worktree, baseCommit);
  if (units.length === 1) return sortByPath(await unitChanges(git, stream, worktree, baseCommit, []));
  const all: FileChange[] = [];
  for (const u of units) {
    for (const c of await unitChanges(git, stream, u.dir, u.base, u.exclude)) {
      all.push({
        ...c,
        path: `${u.prefix}${c.path}`,
        ...(c.from === undefined ? {} : { from: `${u.prefix}${c.from}` }),
      });
    }
  }
  return sortByPath(all);
}

/** The changes of one repository of the worktree (see allChanges), paths relative to it. */
async function unitChanges(
  git: GitRunner,
  stream: GitStreamer,
  worktree: string,
  baseCommit: string,
  exclude: readonly string[],
): Promise<FileChange[]> {
  return withWorktreeIndex(git, worktree, async (env) => {
    const parser = new RawNumstatParser();
    const untracked = new Set<string>();
    // Argv git, not simple-git: diffSummary buffers the whole output and parses it in one go; on a 200,000-file tree
    // this -z stream is parsed chunk by chunk (RawNumstatParser) without blocking the event loop.
    const [diffRun, untrackedRun] = await Promise.all([
      stream(
        ['diff', '--cached', ...DIFF_FLAGS, '--raw', '--numstat', '-z', baseCommit, '--', ...exclude],
        { cwd: worktree, env },
        (recs) => parser.feed(recs),
      ),
      // The real index: which of the added files git does not track yet.
      stream(['ls-files', '-o', '--exclude-standard', '-z'], { cwd: worktree }, (recs) => {
        for (const p of recs) untracked.add(p);
      }),
    ]);
    if (diffRun.exitCode !== 0) throw baseError(worktree, baseCommit, diffRun.stderr);
    const list = parser.list;
    if (untrackedRun.exitCode === 0) {
      await inSlices(list.length, (from, to) => {
        for (let i = from; i < to; i++) {
          const c = list[i]!;
          if (c.status === 'added' && untracked.has(c.path)) c.status = 'untracked';
        }
      });
    }
    return list;
  });
}

/**
 * How many entries {@link allChanges} would list, counted from git's streamed output without building
 * them (the running coder's files_changed): the event loop's work is a split per chunk.
 */
export async function countChanges(
  git: GitRunner,
  stream: GitStreamer,
  worktree: string,
  baseCommit: string,
): Promise<number> {
  validateRefArg(baseCommit, 'base_commit');
  await ensureWorktreeDir(worktree);
  let total = 0;
  for (const u of await diffUnits(git, worktree, baseCommit)) {
    total += await withWorktreeIndex(git, u.dir, async (env) => {
      let n = 0;
      // Argv git, not simple-git: a streamed count of -z records; nothing is kept, so nothing to parse.
      const args = ['diff', '--cached', ...DIFF_FLAGS, '--name-only', '-z', u.base, '--', ...u.exclude];
      const r = await stream(args, { cwd: u.dir, env }, (recs) => (n += recs.length));
      if (r.exitCode !== 0) throw baseError(u.dir, u.base, r.stderr);
      return n;
    });
  }
  return total;
}

/**
 * One page of {@link allChanges} (see paging.ts for cursors, limits and the size budget). With a
 * `cache`, a first page reuses the last list while nothing it depends on changed (changes-cache.ts).
 */
export async function changes(
  git: GitRunner,
  stream: GitStreamer,
  pager: Pager<FileChange>,
  worktree: string,
  baseCommit: string,
  q: PageQuery = {},
  cache?: ChangesCache,
): Promise<ChangesPage> {
  validateRefArg(baseCommit, 'base_commit');
  const compute = () => allChanges(git, stream, worktree, baseCommit);
  const page = await pager.page(`changes\0${worktree}\0${baseCommit}`, q, () =>
    cache === undefined ? compute() : cache.list(worktree, baseCommit, compute),
  );
  return { changes: page.entries, total: page.total, next_cursor: page.next_cursor };
}
