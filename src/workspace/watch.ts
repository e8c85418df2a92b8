/**
 * Change detection for a running coder's worktree that costs O(changes), not O(tree): one inotify
 * watch per directory (Node's `fs.watch`, not recursive), no per-file state, no stat of files that did
 * not change. `.git`, `node_modules` and git-ignored directories are never entered. Each event is
 * checked with `git check-ignore` (batched, in git's process) before it counts, and onChange runs
 * debounced and throttled by its own cost: after a call that took T ms the next waits at least
 * 4·T, so a slow `changes` on a huge tree never takes more than about a fifth of a core.
 * When a tree has more directories than `maxDirs`, or the system's inotify watch limit is reached,
 * the watcher stops adding watches and calls onChange on a slow timer instead (a poll whose period
 * also scales with its cost). Event names follow chokidar's (add, addDir, change, unlink, unlinkDir).
 */
import { lstat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { WatchHandle } from '../core/ports.js';
import { splitZ, type GitRunner } from '../git/exec.js';
import { dirWatches, type RawEvent } from './watch-dirs.js';
import { changeScheduler } from './watch-schedule.js';

export interface WatchOptions {
  git: GitRunner;
  /** Quiet period before onChange (default 300 ms). */
  debounceMs?: number;
  /** Longest delay of onChange while changes keep coming (default 10 × debounceMs, at least 1 s). */
  maxWaitMs?: number;
  /** Directories watched at most (default 20,000); beyond, the watcher polls (see module doc). */
  maxDirs?: number;
  /** Poll period when watching is not possible (default 10 s, or 10 × onChange's cost if longer). */
  pollMs?: number;
  /** Every event that passed the filters, with its repo-relative path (diagnostics and tests). */
  onEvent?: (event: string, relPath: string) => void;
}

export interface WorktreeWatch extends WatchHandle {
  /** Resolves once the watcher is set up and sees changes (never rejects). */
  ready: Promise<void>;
  /** Directories watched now, and whether it fell back to polling. */
  stats(): { dirs: number; polling: boolean };
}

/** Paths per `git check-ignore` call. */
const BATCH = 1000;

export function watchWorktree(worktree: string, onChange: () => unknown, opts: WatchOptions): WorktreeWatch {
  const root = resolve(worktree);
  const debounceMs = Math.max(0, opts.debounceMs ?? 300);
  const maxWaitMs = opts.maxWaitMs ?? Math.max(debounceMs * 10, 1000);
  const maxDirs = opts.maxDirs ?? 20_000;
  const pollMs = opts.pollMs ?? 10_000;
  let closed = false;
  const changes = changeScheduler(onChange, { debounceMs, maxWaitMs, pollMs });
  const { schedule, startPolling } = changes;

  const { ignoredDirs, watchers, isSkipped, unwatchTree, walk } = dirWatches({
    root,
    maxDirs,
    onRaw: (ev) => onRaw(ev),
    onUnnamed: schedule,
    onLimit: startPolling,
    onEvent: opts.onEvent,
    isClosed: () => closed,
  });

  // ---------------------------------------------------------------- events
  let queue: RawEvent[] = [];
  let draining = false;

  const onRaw = (ev: RawEvent): void => {
    if (closed || isSkipped(ev.rel)) return;
    queue.push(ev);
    if (queue.length > 50 * BATCH) {
      // A flood (a build writing thousands of files): the details do not matter, the change does.
      queue = [];
      schedule();
      return;
    }
    void drain();
  };

  const checkIgnore = async (rels: string[]): Promise<Set<string>> => {
    try {
      // Argv git, not simple-git: check-ignore --stdin answers a batch in one spawn (simple-git's checkIgnore has no --stdin).
      const r = await opts.git(['check-ignore', '--stdin', '-z'], {
        cwd: root,
        input: rels.join('\0') + '\0',
      });
      if (r.exitCode === 0) return new Set(splitZ(r.stdout).map((p) => p.replace(/\/$/, '')));
    } catch {
      /* treat as not ignored */
    }
    return new Set();
  };

  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0 && !closed) {
        const batch = queue.splice(0, BATCH).filter((ev) => !isSkipped(ev.rel));
        const unique = [...new Set(batch.map((ev) => ev.rel))];
        const kinds = new Map<string, 'dir' | 'file' | 'gone'>();
        await Promise.all(
          unique.map(async (rel) => {
            const st = await lstat(join(root, rel)).catch(() => null);
            kinds.set(rel, st === null ? 'gone' : st.isDirectory() ? 'dir' : 'file');
          }),
        );
        const ignored = await checkIgnore(unique);
        if (closed) return;
        let changed = false;
        for (const ev of batch) {
          const kind = kinds.get(ev.rel)!;
          if (kind === 'gone') {
            const wasDir = watchers.has(ev.rel);
            if (wasDir) unwatchTree(ev.rel);
            if (ignored.has(ev.rel) || isSkipped(ev.rel)) continue;
            opts.onEvent?.(wasDir ? 'unlinkDir' : 'unlink', ev.rel);
            changed = true;
            continue;
          }
          if (ignored.has(ev.rel)) {
            if (kind === 'dir') ignoredDirs.add(ev.rel);
            continue;
          }
          if (kind === 'dir') {
            if (!watchers.has(ev.rel)) {
              opts.onEvent?.('addDir', ev.rel);
              changed = true;
              // Files may be in it before its watch exists: the walk reports them.
              await walk(ev.rel, true);
            }
            continue;
          }
          opts.onEvent?.(ev.type === 'rename' ? 'add' : 'change', ev.rel);
          changed = true;
        }
        if (changed) schedule();
      }
    } finally {
      draining = false;
    }
  };

  const ready = (async () => {
    try {
      // Git-ignored directories (collapsed: `dist/`, not its files) are never entered.
      // Argv git, not simple-git: a -z name list needs no parser (simple-git has no ls-files).
      const r = await opts.git(['ls-files', '-o', '-i', '--exclude-standard', '--directory', '-z'], {
        cwd: root,
      });
      if (r.exitCode === 0) {
        for (const p of splitZ(r.stdout)) if (p.endsWith('/')) ignoredDirs.add(p.slice(0, -1));
      }
    } catch {
      /* not a repository: the fixed ignores only */
    }
    if (!closed) await walk('', false);
    // What changed before the watches existed (an agent writes as soon as it starts) is seen once.
    schedule();
  })().catch(() => undefined);

  return {
    ready,
    stats: () => ({ dirs: watchers.size, polling: changes.polling }),
    async close() {
      closed = true;
      changes.close();
      await ready;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
