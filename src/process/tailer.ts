/**
 * Tails one output file from a byte offset and delivers complete lines in order. Reads are triggered
 * by kick() (the run's directory watcher calls it on every change); kicks coalesce, and at most one
 * read loop runs at a time, so delivery is strictly ordered and never duplicates or skips bytes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../core/ports.js';
import { LineBuffer, type LineBatch } from './line-buffer.js';

const READ_CHUNK = 1 << 20;

export type DeliverFn = (lines: string[], end: number) => void;

export class StreamTailer {
  private readonly buf: LineBuffer;
  private fh: FileHandle | null = null;
  private current: Promise<void> | null = null;
  private dirty = false;
  private ended = false;
  private stopped = false;
  private warnedShrink = false;

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

  /** Something may have been appended: read it (now, or after the read in progress). */
  kick(): void {
    this.dirty = true;
    if (this.current !== null || this.stopped) return;
    this.current = this.loop();
  }

  /**
   * The stream has ended: reads and delivers everything up to end of file, including an unterminated
   * last line. Resolves when done.
   */
  drain(): Promise<void> {
    this.ended = true;
    this.kick();
    return this.idle();
  }

  /** Stops reading (after the read in progress) and closes the file. Delivers nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
    const fh = this.fh;
    this.fh = null;
    if (fh !== null) await fh.close().catch(() => undefined);
  }

  private async idle(): Promise<void> {
    while (this.current !== null) await this.current;
  }

  private async loop(): Promise<void> {
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        await this.readAll(this.ended);
      }
    } catch (e) {
      this.log('error', 'output tailer failed', { path: this.path, error: String(e) });
    } finally {
      this.current = null;
    }
  }

  private async readAll(final: boolean): Promise<void> {
    const fh = await this.handle();
    if (fh !== null) {
      for (;;) {
        if (this.stopped) return;
        const chunk = Buffer.allocUnsafe(READ_CHUNK);
        const pos = this.buf.readPosition;
        const { bytesRead } = await fh.read(chunk, 0, READ_CHUNK, pos);
        if (bytesRead === 0) {
          if (!this.warnedShrink && (await fh.stat()).size < pos) {
            this.warnedShrink = true;
            this.log('warn', 'output file shrank below the read offset; waiting for it to grow', {
              path: this.path,
              offset: pos,
            });
          }
          break;
        }
        this.buf.push(chunk.subarray(0, bytesRead));
        this.deliverBatches(false);
      }
    }
    if (final) this.deliverBatches(true);
  }

  private deliverBatches(final: boolean): void {
    for (;;) {
      if (this.stopped) return;
      const batch = this.buf.nextBatch(final);
      if (batch === null) return;
      this.deliverOnce(batch);
      this.buf.commit(batch);
    }
  }

  /** An observer that throws gets one more try with the same batch; then the batch is passed over. */
  private deliverOnce(batch: LineBatch): void {
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        this.deliver(batch.lines, batch.end);
        return;
      } catch (e) {
        this.log(attempt === 1 ? 'warn' : 'error', 'output observer threw', {
          path: this.path,
          end: batch.end,
          lines: batch.lines.length,
          attempt,
          error: String(e),
          ...(attempt === 2 ? { action: 'batch skipped' } : { action: 'retrying once' }),
        });
      }
    }
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
