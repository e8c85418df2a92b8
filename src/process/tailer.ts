/**
 * Tails one output file from a byte offset and delivers complete lines in order. Reads are triggered
 * by kick() (the run's directory watcher calls it on every change); kicks coalesce, and at most one
 * read loop runs at a time, so delivery is strictly ordered and never duplicates or skips bytes.
 * A delivery that throws (a full disk, a busy database) is retried with the same batch from the same
 * offset, after a backoff, until it succeeds or the tailer is stopped: nothing is skipped.
 * A delivered batch's bytes are a view of the read buffer: the deliver function uses (or copies) them
 * before it returns.
 */
import { fstatSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../core/ports.js';
import { LineBuffer, type LineBatch } from './line-buffer.js';

const READ_CHUNK = 1 << 20;
/** Backoff between delivery retries: doubles from the first to the last value. */
export const RETRY_FIRST_MS = 100;
export const RETRY_MAX_MS = 5000;
/** Reads of a stream that keeps growing start at most this often (the first one after quiet at once). */
export const READ_INTERVAL_MS = 20;
/** A stream quiet for this long gives its read buffer back. */
const IDLE_RELEASE_MS = 2000;

export type DeliverFn = (batch: LineBatch) => void;

export class StreamTailer {
  private readonly buf: LineBuffer;
  private fh: FileHandle | null = null;
  private current: Promise<void> | null = null;
  private dirty = false;
  private ended = false;
  private stopped = false;
  private warnedShrink = false;
  /** Set while the last delivery failed: the next one retries the same batch. */
  private failing = false;
  private retryMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Set while a read waits for READ_INTERVAL_MS to pass since the last one. */
  private waitTimer: NodeJS.Timeout | null = null;
  private lastRead = 0;

  constructor(
    private readonly path: string,
    offset: number,
    private readonly deliver: DeliverFn,
    private readonly log: Logger,
  ) {
    this.buf = new LineBuffer(offset);
  }

  /** Offset just after the last delivered byte. */
  get offset(): number {
    return this.buf.committed;
  }

  /**
   * Something may have been appended: read it (now, or after the read in progress). While output
   * keeps coming, reads start at most every READ_INTERVAL_MS: a writer that writes a little very
   * often gets its lines stored in fewer, larger batches (one transaction each), not one per write.
   */
  kick(): void {
    this.dirty = true;
    if (this.current !== null || this.stopped || this.waitTimer !== null) return;
    const wait = this.lastRead + READ_INTERVAL_MS - Date.now();
    if (wait > 0 && !this.ended) {
      this.waitTimer = setTimeout(() => {
        this.waitTimer = null;
        if (this.current === null && !this.stopped) this.current = this.loop();
      }, wait);
      return;
    }
    this.current = this.loop();
  }

  /**
   * The stream has ended: reads and delivers everything up to end of file, including an unterminated
   * last line. Resolves when done.
   */
  /** Resolves true once everything is delivered, false when stop() came first. */
  async drain(): Promise<boolean> {
    this.ended = true;
    this.clearWait();
    for (;;) {
      this.kick();
      await this.idle();
      if (this.stopped) return false;
      if (!this.failing && !this.dirty) return true;
      await new Promise<void>((r) => setTimeout(r, this.retryMs).unref());
    }
  }

  /** Stops reading (after the read in progress) and closes the file. Delivers nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearIdle();
    this.clearWait();
    await this.idle();
    const fh = this.fh;
    this.fh = null;
    if (fh !== null) await fh.close().catch(() => undefined);
  }

  private async idle(): Promise<void> {
    while (this.current !== null) await this.current;
  }

  private async loop(): Promise<void> {
    this.lastRead = Date.now();
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        if (!(await this.readAll(this.ended))) {
          this.scheduleRetry();
          break;
        }
        // More came meanwhile: read it once the interval has passed (kick below), not at once.
        if (this.dirty && !this.ended) break;
        this.lastRead = Date.now();
      }
    } catch (e) {
      this.log('error', 'output tailer failed', { path: this.path, error: String(e) });
    } finally {
      this.current = null;
      if (this.dirty && !this.stopped && this.retryTimer === null) this.kick();
    }
  }

  /** At the end of the file: the read buffer goes once the stream has been quiet for IDLE_RELEASE_MS. */
  private idleSince(final: boolean): void {
    if (final) {
      this.buf.release();
      return;
    }
    if (this.idleTimer !== null) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.current === null) this.buf.release();
    }, IDLE_RELEASE_MS);
    this.idleTimer.unref();
  }

  private clearWait(): void {
    if (this.waitTimer === null) return;
    clearTimeout(this.waitTimer);
    this.waitTimer = null;
  }

  private clearIdle(): void {
    if (this.idleTimer === null) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** False when a delivery failed (the batch stays pending, to be retried). */
  private async readAll(final: boolean): Promise<boolean> {
    if (!this.deliverBatches(false)) return false;
    const fh = await this.handle();
    if (fh !== null) {
      for (;;) {
        if (this.stopped) return true;
        const pos = this.buf.readPosition;
        const space = this.buf.space(READ_CHUNK);
        // A synchronous pread: the file was just written, so this copies from the page cache in
        // microseconds, where an async read is a round trip through libuv's thread pool; with ten
        // streams those wake-ups (three per read cycle, ~1,500 a second) cost the event loop its
        // core on a loaded two-core machine (the loop thread was descheduled right after them).
        const bytesRead = readSync(fh.fd, space, 0, READ_CHUNK, pos);
        if (bytesRead === 0) {
          this.idleSince(final);
          if (!this.warnedShrink && fstatSync(fh.fd).size < pos) {
            this.warnedShrink = true;
            this.log('warn', 'output file shrank below the read offset; waiting for it to grow', {
              path: this.path,
              offset: pos,
            });
          }
          break;
        }
        this.buf.wrote(bytesRead);
        this.clearIdle();
        if (!this.deliverBatches(false)) return false;
      }
    }
    return final ? this.deliverBatches(true) : true;
  }

  private deliverBatches(final: boolean): boolean {
    for (;;) {
      if (this.stopped) return true;
      const batch = this.buf.nextBatch(final);
      if (batch === null) return true;
      if (!this.deliverOnce(batch)) return false;
      this.buf.commit(batch);
    }
  }

  /** One try; a failure is logged (once per episode) and retried later from the same offset. */
  private deliverOnce(batch: LineBatch): boolean {
    try {
      this.deliver(batch);
    } catch (e) {
      if (!this.failing) {
        this.log('error', 'cannot store output; will retry from the same offset', {
          path: this.path,
          offset: this.buf.committed,
          lines: batch.count,
          error: String(e),
        });
      }
      this.failing = true;
      this.retryMs = Math.min(RETRY_MAX_MS, Math.max(RETRY_FIRST_MS, this.retryMs * 2));
      return false;
    }
    if (this.failing) {
      this.log('info', 'output stored again after failures', { path: this.path, offset: batch.end });
    }
    this.failing = false;
    this.retryMs = 0;
    return true;
  }

  private async handle(): Promise<FileHandle | null> {
    if (this.fh !== null) return this.fh;
    try {
      this.fh = await open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return null;
    }
    if (this.stopped) {
      await this.fh.close();
      this.fh = null;
    }
    return this.fh;
  }
}
