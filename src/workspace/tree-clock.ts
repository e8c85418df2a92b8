/**
 * A change clock per worktree: whether any file of the worktree can have changed between two moments.
 * Watches every directory of the tree that git does not ignore (watch-dirs.ts: one inotify watch per
 * directory) and counts every event, before any filtering, so a count that did not move means no file
 * there was written, created, removed or renamed. `changes` answers a repeated call from its last
 * result while the count stays the same (git/changes-cache.ts).
 *
 * Soundness, step by step:
 * - A write's inotify event is queued by the kernel before the write returns. token() lets the event
 *   loop poll again before it reads the count (two setImmediate turns: the second runs after a poll
 *   that began after the call), so every event queued before the call has been counted, even for a
 *   write made by this thread just before.
 * - A new directory is walked and watched after its event; files written in it before its watch
 *   existed have no event of their own, so the count moves again once the walk has added the watches:
 *   a computation that started before is never reused.
 * - An inotify queue overflow drops events only while older ones wait unread; those are counted after
 *   any computation that started meanwhile, so it is not reused either.
 * - Directories git ignored at the start are not watched: a changed `.gitignore` could un-ignore one,
 *   so after one the clock stops answering for that worktree (null), as it does when the watch limit is
 *   reached (more than `maxDirs` directories, or the system's inotify limit).
 * Writes through a shared memory map raise no inotify event (inotify(7)); tools that write files that
 * way in a worktree are not seen until another event.
 *
 * A worktree's watches start with its first token() call (that call answers null) and end after
 * `idleMs` without calls.
 */
import { statSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { splitZ, type GitRunner } from '../git/exec.js';
import { dirWatches, type DirWatches } from './watch-dirs.js';

export interface TreeClock {
  /**
   * A token for the worktree's files now: equal tokens mean no file changed in between. null while
   * the worktree's watches are being set up, or when they cannot see every change (see the module doc).
   */
  token(worktree: string): Promise<string | null>;
  /** Ends every watch. */
  close(): void;
}

export interface TreeClockOptions {
  git: GitRunner;
  /** A worktree's watches end after this long without a token() call (default 5 minutes). */
  idleMs?: number;
  /** Directories watched at most per worktree (default 20,000); beyond, token() answers null. */
  maxDirs?: number;
}

interface Entry {
  id: number;
  /** The worktree folder's device and inode when its watches started. */
  inode: string;
  count: number;
  reliable: boolean;
  ready: boolean;
  closed: boolean;
  lastUse: number;
  dirs: DirWatches | null;
}

let nextId = 1;
/** The folder's device and inode ('-' when missing); one stat, synchronous (microseconds). */
const inodeOf = (path: string): string => {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? '-' : `${st.dev}:${st.ino}`;
};
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export function createTreeClock(opts: TreeClockOptions): TreeClock {
  const idleMs = opts.idleMs ?? 5 * 60_000;
  const maxDirs = opts.maxDirs ?? 20_000;
  const entries = new Map<string, Entry>();
  let sweeper: NodeJS.Timeout | undefined;

  const end = (root: string, e: Entry): void => {
    e.closed = true;
    for (const w of e.dirs?.watchers.values() ?? []) w.close();
    e.dirs?.watchers.clear();
    if (entries.get(root) === e) entries.delete(root);
  };

  const sweep = (): void => {
    const now = Date.now();
    for (const [root, e] of entries) if (now - e.lastUse > idleMs) end(root, e);
    if (entries.size === 0 && sweeper !== undefined) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const start = (root: string): Entry => {
    const e: Entry = {
      id: nextId++,
      inode: '',
      count: 0,
      reliable: true,
      ready: false,
      closed: false,
      lastUse: Date.now(),
      dirs: null,
    };
    entries.set(root, e);
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, Math.max(1000, Math.min(idleMs, 60_000)));
      sweeper.unref();
    }
    const dirs = dirWatches({
      root,
      maxDirs,
      persistent: false,
      onRaw: (ev) => {
        e.count++;
        if (basename(ev.rel) === '.gitignore') e.reliable = false;
        if (ev.type === 'rename') void follow(ev.rel);
      },
      onUnnamed: () => e.count++,
      onLimit: () => {
        e.reliable = false;
      },
      isClosed: () => e.closed,
    });
    e.dirs = dirs;
    /**
     * A path that appeared, went or was replaced: if it was a watched directory, its watches see
     * nothing any more; if it is a directory now, watch it and everything below it.
     */
    const follow = async (rel: string): Promise<void> => {
      if (dirs.isSkipped(rel)) return;
      const st = await lstat(resolve(root, rel)).catch(() => null);
      if (e.closed) return;
      if (dirs.watchers.has(rel)) dirs.unwatchTree(rel);
      if (st?.isDirectory()) await dirs.walk(rel, false);
      // Files written before the new watches existed had no event: nothing computed before counts.
      e.count++;
    };
    void (async () => {
      try {
        // Argv git, not simple-git: a -z name list needs no parser (as watch.ts).
        const r = await opts.git(['ls-files', '-o', '-i', '--exclude-standard', '--directory', '-z'], {
          cwd: root,
        });
        if (r.exitCode !== 0) throw new Error(r.stderr);
        e.inode = inodeOf(root);
        for (const p of splitZ(r.stdout)) if (p.endsWith('/')) dirs.ignoredDirs.add(p.slice(0, -1));
        await dirs.walk('', false);
        e.count++;
        e.ready = true;
      } catch {
        e.reliable = false;
      }
    })();
    return e;
  };

  return {
    async token(worktree) {
      const root = resolve(worktree);
      const e = entries.get(root);
      if (e === undefined) {
        start(root);
        return null;
      }
      e.lastUse = Date.now();
      // Every inotify event queued before this call is counted once the loop has polled again.
      await turn();
      await turn();
      if (e.closed || !e.ready || !e.reliable) return null;
      const count = e.count;
      // A worktree removed (or made again at the same path) leaves watches that see nothing.
      if (!e.dirs?.watchers.has('') || inodeOf(root) !== e.inode) {
        end(root, e);
        return null;
      }
      return `${e.id}:${count}`;
    },
    close() {
      for (const [root, e] of entries) end(root, e);
      if (sweeper !== undefined) clearInterval(sweeper);
      sweeper = undefined;
    },
  };
}
