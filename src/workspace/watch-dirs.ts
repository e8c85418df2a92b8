/**
 * The directory watches of a worktree watcher (watch.ts): one non-recursive `fs.watch` (inotify) per
 * directory, never inside `.git`, `node_modules` or a git-ignored directory (`ignoredDirs`, repo-relative,
 * filled by the caller). Beyond `maxDirs` watches, or at the system's inotify or fd limit, it adds no
 * more and calls `onLimit` (the caller polls instead).
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const ALWAYS_IGNORED = new Set(['.git', 'node_modules']);
/** Directories walked between two yields to the event loop. */
const WALK_SLICE = 64;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** One fs.watch event, its path relative to the worktree. */
export interface RawEvent {
  rel: string;
  type: 'rename' | 'change';
}

export interface DirWatchOptions {
  /** The worktree (absolute). */
  root: string;
  maxDirs: number;
  /** A named event under a watched directory. */
  onRaw: (ev: RawEvent) => void;
  /** An event without a file name: something changed somewhere. */
  onUnnamed: () => void;
  /** The watch limit was reached. */
  onLimit: () => void;
  /** Files and directories a walk found, when it was asked to report them. */
  onEvent?: ((event: string, relPath: string) => void) | undefined;
  /** True once the watcher closed: walks stop. */
  isClosed: () => boolean;
  /** Whether the watches keep the process alive (fs.watch `persistent`, default true). */
  persistent?: boolean;
}

export interface DirWatches {
  /** Git-ignored directories, never entered (repo-relative, no trailing slash). */
  readonly ignoredDirs: Set<string>;
  /** Directories watched now. */
  readonly watchers: Map<string, FSWatcher>;
  isSkipped: (rel: string) => boolean;
  unwatchTree: (rel: string) => void;
  /** Watches `top` and every directory below it (breadth first, yielding); reports files if asked. */
  walk: (top: string, report: boolean) => Promise<void>;
}

export function dirWatches(opts: DirWatchOptions): DirWatches {
  const { root, maxDirs, onRaw } = opts;
  const watchers = new Map<string, FSWatcher>();
  const ignoredDirs = new Set<string>();

  const isSkipped = (rel: string): boolean => {
    let prefix = '';
    for (const seg of rel.split('/')) {
      if (ALWAYS_IGNORED.has(seg)) return true;
      prefix = prefix === '' ? seg : `${prefix}/${seg}`;
      if (ignoredDirs.has(prefix)) return true;
    }
    return false;
  };

  /** Watches `rel` (a directory); false when it cannot (limit reached, gone). */
  const watchDir = (rel: string): boolean => {
    if (watchers.has(rel)) return true;
    if (watchers.size >= maxDirs) {
      opts.onLimit();
      return false;
    }
    try {
      const w = fsWatch(join(root, rel), { persistent: opts.persistent ?? true }, (type, name) => {
        if (typeof name === 'string' && name !== '')
          onRaw({ rel: rel === '' ? name : `${rel}/${name}`, type });
        else opts.onUnnamed();
      });
      w.on('error', () => {
        w.close();
        if (watchers.get(rel) === w) watchers.delete(rel);
      });
      watchers.set(rel, w);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EMFILE') opts.onLimit(); // inotify watch or fd limit
      return false;
    }
  };

  const unwatchTree = (rel: string): void => {
    for (const [dir, w] of watchers) {
      if (dir === rel || dir.startsWith(`${rel}/`)) {
        w.close();
        watchers.delete(dir);
      }
    }
  };

  const walk = async (top: string, report: boolean): Promise<void> => {
    const queue = [top];
    let n = 0;
    while (queue.length > 0 && !opts.isClosed()) {
      const rel = queue.shift()!;
      if (!watchDir(rel)) continue;
      let entries;
      try {
        entries = await readdir(join(root, rel), { withFileTypes: true });
      } catch {
        unwatchTree(rel);
        continue;
      }
      for (const e of entries) {
        const child = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) {
          if (!isSkipped(child)) {
            queue.push(child);
            if (report) opts.onEvent?.('addDir', child);
          }
        } else if (report && !isSkipped(child)) {
          opts.onEvent?.('add', child);
        }
      }
      if (++n % WALK_SLICE === 0) await tick();
    }
  };

  return { ignoredDirs, watchers, isSkipped, unwatchTree, walk };
}
