/**
 * Collects items (events) and hands them over in batches, at most one batch per `intervalMs`: a coder
 * writing thousands of lines a second causes ~20 redraws a second, not one per line. The first item
 * after a quiet period is delivered on the next tick, so single changes still show at once.
 */
export class EventBatcher<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last = -Infinity;
  private held = false;
  private closed = false;

  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly intervalMs = 50,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.queue.push(item);
    this.schedule();
  }

  /** Holds delivery (e.g. while the full list is being fetched); items keep queueing. */
  hold(): void {
    this.held = true;
    this.cancel();
  }

  release(): void {
    this.held = false;
    this.schedule();
  }

  /** Delivers what is queued now (unless held or closed). */
  flush(): void {
    this.cancel();
    if (this.held || this.closed || this.queue.length === 0) return;
    const items = this.queue;
    this.queue = [];
    this.last = this.now();
    this.deliver(items);
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.cancel();
  }

  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.timer !== null || this.held || this.closed || this.queue.length === 0) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
