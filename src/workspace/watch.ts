/**
 * A chokidar watcher over a worktree that ignores .git, node_modules and git-ignored paths, and
 * calls onChange debounced. Uses the OS's file events (no polling), so it is idle when nothing changes.
 */
import { resolve, relative, isAbsolute, sep, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { WatchHandle } from '../core/ports.js';
import { splitZ, type GitRunner } from '../git/exec.js';

export interface WatchOptions {
  git: GitRunner;
  /** Quiet period before onChange (default 300 ms). */
  debounceMs?: number;
  /** Longest delay of onChange while changes keep coming (default 10 × debounceMs, at least 1 s). */
  maxWaitMs?: number;
  /** Every event that passed the filters, with its repo-relative path (diagnostics and tests). */
  onEvent?: (event: string, relPath: string) => void;
}

export interface WorkspaceWatch extends WatchHandle {
  /** Resolves once the watcher is set up and sees changes (never rejects). */
  ready: Promise<void>;
}

const ALWAYS_IGNORED = new Set(['.git', 'node_modules']);

export function watchWorkspace(workspace: string, onChange: () => void, opts: WatchOptions): WorkspaceWatch {
  const root = resolve(workspace);
  const debounceMs = Math.max(0, opts.debounceMs ?? 300);
  const maxWaitMs = opts.maxWaitMs ?? Math.max(debounceMs * 10, 1000);
  const ignoredDirs = new Set<string>();
  const ignoredFiles = new Set<string>();
  let watcher: FSWatcher | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt: number | undefined;

  const relOf = (abs: string): string | null => {
    const rel = relative(root, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) return null;
    return rel.split(sep).join('/');
  };

  const isIgnored = (abs: string): boolean => {
    const rel = relOf(abs);
    if (rel === null || rel === '') return false;
    if (ignoredFiles.has(rel)) return true;
    const segs = rel.split('/');
    let prefix = '';
    for (const s of segs) {
      if (ALWAYS_IGNORED.has(s)) return true;
      prefix = prefix === '' ? s : `${prefix}/${s}`;
      if (ignoredDirs.has(prefix)) return true;
    }
    return false;
  };

  const fire = (): void => {
    timer = undefined;
    firstPendingAt = undefined;
    if (closed) return;
    try {
      onChange();
    } catch {
      /* the listener's problem; the watcher keeps going */
    }
  };

  const schedule = (): void => {
    const now = Date.now();
    firstPendingAt ??= now;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, firstPendingAt + maxWaitMs - now)));
  };

  const emit = (event: string, rel: string): void => {
    opts.onEvent?.(event, rel);
    schedule();
  };

  // A new directory may be one git ignores (e.g. dist/ made by a build). Its events are held until
  // `git check-ignore` answers; if ignored, they are dropped and the directory is no longer watched.
  const held = new Map<string, { event: string; rel: string }[]>();
  let queue: string[] = [];
  let checking = false;
  const heldUnder = (rel: string): { event: string; rel: string }[] | undefined => {
    for (const [dir, events] of held) if (rel === dir || rel.startsWith(`${dir}/`)) return events;
    return undefined;
  };
  const checkNewDirs = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      while (queue.length > 0 && !closed) {
        const batch = queue;
        queue = [];
        let ignored = new Set<string>();
        try {
          const r = await opts.git(['check-ignore', '--stdin', '-z'], {
            cwd: root,
            input: batch.join('\0') + '\0',
          });
          if (r.exitCode === 0) ignored = new Set(splitZ(r.stdout).map((p) => p.replace(/\/$/, '')));
        } catch {
          /* treat as not ignored */
        }
        for (const dir of batch) {
          const events = held.get(dir) ?? [];
          held.delete(dir);
          if (ignored.has(dir)) {
            ignoredDirs.add(dir);
            watcher?.unwatch(join(root, dir));
          } else if (!closed) {
            for (const e of events) emit(e.event, e.rel);
          }
        }
      }
    } finally {
      checking = false;
    }
  };

  const onEvent = (event: string, path: string): void => {
    if (closed) return;
    const rel = relOf(path);
    if (rel === null || isIgnored(path)) return;
    const pending = heldUnder(rel);
    if (pending !== undefined) {
      pending.push({ event, rel });
      return;
    }
    if (event === 'addDir' && rel !== '') {
      held.set(rel, [{ event, rel }]);
      queue.push(rel);
      void checkNewDirs();
      return;
    }
    emit(event, rel);
  };

  const ready = (async () => {
    try {
      const r = await opts.git(['ls-files', '-o', '-i', '--exclude-standard', '--directory', '-z'], {
        cwd: root,
      });
      if (r.exitCode === 0) {
        for (const p of splitZ(r.stdout)) {
          if (p.endsWith('/')) ignoredDirs.add(p.slice(0, -1));
          else ignoredFiles.add(p);
        }
      }
    } catch {
      /* not a repository: watch with the fixed ignores only */
    }
    if (closed) return;
    const w = watch(root, {
      ignored: (p: string) => isIgnored(p),
      ignoreInitial: true,
      followSymlinks: false,
      persistent: true,
    });
    watcher = w;
    w.on('error', () => undefined);
    w.on('all', onEvent);
    await new Promise<void>((res) => {
      w.once('ready', () => res());
      w.once('error', () => res());
    });
  })().catch(() => undefined);

  return {
    ready,
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await ready;
      await watcher?.close();
    },
  };
}
