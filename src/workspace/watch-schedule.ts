/**
 * When a worktree watcher (watch.ts) calls its onChange: debounced, and throttled by onChange's own
 * cost (after a call that took T ms the next waits at least 4·T); never two calls at once (a change
 * during a call runs one more afterwards). In polling mode onChange also runs on a slow timer whose
 * period scales with its cost (at least pollMs, at least 10·T).
 */
export interface ChangeSchedulerOptions {
  /** Quiet period before onChange, in ms. */
  debounceMs: number;
  /** Longest delay of onChange while changes keep coming, in ms. */
  maxWaitMs: number;
  /** Poll period once polling started, in ms (or 10 × onChange's cost if longer). */
  pollMs: number;
}

export interface ChangeScheduler {
  /** Something changed: onChange runs once the debounce and throttle allow. */
  schedule: () => void;
  /** Falls back to calling onChange on the poll timer (idempotent). */
  startPolling: () => void;
  readonly polling: boolean;
  /** No more calls; pending timers are cleared. */
  close(): void;
}

export function changeScheduler(onChange: () => unknown, opts: ChangeSchedulerOptions): ChangeScheduler {
  const { debounceMs, maxWaitMs, pollMs } = opts;
  let polling = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt: number | undefined;
  let running = false;
  let again = false;
  let lastCost = 0;
  let lastEnd = 0;

  const fire = async (): Promise<void> => {
    timer = undefined;
    firstPendingAt = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    const t0 = performance.now();
    try {
      await onChange();
    } catch {
      /* the listener's problem; the watcher keeps going */
    } finally {
      lastCost = performance.now() - t0;
      lastEnd = performance.now();
      running = false;
    }
    if (again && !closed) {
      again = false;
      schedule();
    }
  };

  const schedule = (): void => {
    if (closed) return;
    const now = performance.now();
    firstPendingAt ??= now;
    if (timer !== undefined) clearTimeout(timer);
    const debounced = Math.min(debounceMs, firstPendingAt + maxWaitMs - now);
    const throttled = lastEnd + 4 * lastCost - now;
    timer = setTimeout(() => void fire(), Math.max(0, debounced, throttled));
  };

  const startPolling = (): void => {
    if (polling || closed) return;
    polling = true;
    const next = (): void => {
      if (closed) return;
      pollTimer = setTimeout(
        () => {
          schedule();
          next();
        },
        Math.max(pollMs, 10 * lastCost),
      );
      pollTimer.unref();
    };
    next();
  };

  return {
    schedule,
    startPolling,
    get polling() {
      return polling;
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (pollTimer !== undefined) clearTimeout(pollTimer);
      timer = undefined;
    },
  };
}
