/**
 * Cuts the bytes of one output stream into batches of lines. Pure (no I/O): the tailer pushes what it
 * read and delivers the batches. Offsets are absolute byte offsets in the stream's file.
 */

/** A batch holds at most this many lines … */
export const MAX_BATCH_LINES = 10_000;
/** … and is closed once it covers this many bytes. */
export const MAX_BATCH_BYTES = 1 << 20;
/** A line longer than this (in bytes, without its newline) is delivered in pieces of at most this size. */
export const MAX_LINE_BYTES = 1 << 20;

const NL = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/**
 * Lines as read: `bytes` (a view of the line buffer's storage, valid until its next read) holds `count` lines, each followed by `\n` except a last one that has none
 * (a piece of an over-long line, which is then alone in its batch, or the unterminated end of a
 * stream). `lines` decodes them on first use (without the `\n` and one trailing `\r`).
 */
export class LineBatch {
  #lines: string[] | null = null;

  constructor(
    readonly bytes: Buffer,
    readonly count: number,
    /** Offset just after the last byte this batch covers (after the newline, or after a piece). */
    readonly end: number,
    private readonly piece: boolean,
  ) {}

  get lines(): string[] {
    if (this.#lines !== null) return this.#lines;
    const buf = this.bytes;
    const out: string[] = [];
    if (this.piece) out.push(buf.toString('utf8'));
    else {
      let pos = 0;
      while (pos < buf.length) {
        let nl = buf.indexOf(NL, pos);
        if (nl === -1) nl = buf.length;
        out.push(buf.toString('utf8', pos, stripCr(buf, pos, nl)));
        pos = nl + 1;
      }
    }
    this.#lines = out;
    return out;
  }
}

/**
 * The pending bytes live in one reusable buffer: the tailer reads into space() and the bytes of a
 * batch are a view of it, valid until the next space()/push() (which may move or overwrite them).
 * Reusing the buffer keeps the log path from allocating (and the GC from collecting) a MiB per read.
 */
export class LineBuffer {
  /** Offset of the first byte not yet committed (the start of the pending bytes). */
  private start: number;
  private store: Buffer = EMPTY;
  /** The pending bytes are store[head, tail). */
  private head = 0;
  private tail = 0;

  constructor(offset: number) {
    this.start = offset;
  }

  /** Everything before this offset has been delivered. */
  get committed(): number {
    return this.start;
  }

  /** The offset from which the next read must continue. */
  get readPosition(): number {
    return this.start + this.tail - this.head;
  }

  /**
   * A writable area of at least `min` bytes just after the pending bytes: read into it, then call
   * wrote(n). Invalidates the bytes of earlier batches.
   */
  space(min: number): Buffer {
    if (this.store.length - this.tail < min) {
      const pending = this.tail - this.head;
      if (this.store.length - pending >= min) {
        this.store.copyWithin(0, this.head, this.tail);
      } else {
        // Doubling: small reads into a full buffer do not copy the pending bytes every time.
        const next = Buffer.allocUnsafe(Math.max(pending + min, 2 * this.store.length, 4096));
        this.store.copy(next, 0, this.head, this.tail);
        this.store = next;
      }
      this.head = 0;
      this.tail = pending;
    }
    return this.store.subarray(this.tail);
  }

  /** `n` bytes were written at the start of the last space(). */
  wrote(n: number): void {
    if (n < 0 || this.tail + n > this.store.length) throw new Error(`line buffer: bad write of ${n}`);
    this.tail += n;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    chunk.copy(this.space(chunk.length));
    this.wrote(chunk.length);
  }

  /** Lets go of the buffer when nothing is pending (an idle stream keeps no memory). */
  release(): void {
    if (this.head === this.tail) {
      this.store = EMPTY;
      this.head = this.tail = 0;
    }
  }

  /**
   * The next batch of complete lines, or null when there is none yet. With `final`, an unterminated
   * rest counts as a last line (the stream has ended). Does not consume: call commit(batch) after.
   */
  nextBatch(final: boolean): LineBatch | null {
    const buf = this.store.subarray(this.head, this.tail);
    let pos = 0;
    let count = 0;
    let piece = false;
    while (count < MAX_BATCH_LINES && pos < MAX_BATCH_BYTES && pos < buf.length) {
      const nl = buf.indexOf(NL, pos);
      const lineLen = nl === -1 ? buf.length - pos : nl - pos;
      if (lineLen > MAX_LINE_BYTES) {
        if (count > 0) break; // a piece travels alone
        pos = utf8Boundary(buf, pos, pos + MAX_LINE_BYTES);
        count = 1;
        piece = true;
        break;
      } else if (nl !== -1) {
        pos = nl + 1;
        count++;
      } else if (final) {
        pos = buf.length;
        count++;
        break;
      } else {
        break;
      }
    }
    return count === 0 ? null : new LineBatch(buf.subarray(0, pos), count, this.start + pos, piece);
  }

  /** Drops the bytes of a batch returned by nextBatch (delivered). */
  commit(batch: { end: number }): void {
    const n = batch.end - this.start;
    if (n < 0 || n > this.tail - this.head) throw new Error(`line buffer: bad commit to ${batch.end}`);
    this.head += n;
    if (this.head === this.tail) this.head = this.tail = 0;
    this.start = batch.end;
  }
}

/** End of a line without a trailing \r. */
function stripCr(buf: Buffer, from: number, end: number): number {
  return end > from && buf[end - 1] === CR ? end - 1 : end;
}

/** Moves `cut` back (at most 3 bytes) so that it does not split a UTF-8 sequence. */
function utf8Boundary(buf: Buffer, from: number, cut: number): number {
  let c = cut;
  while (c > from && cut - c < 3 && ((buf[c] ?? 0) & 0xc0) === 0x80) c--;
  return c > from && ((buf[c] ?? 0) & 0xc0) !== 0x80 ? c : cut;
}
