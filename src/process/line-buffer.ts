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

/**
 * Lines as read: `bytes` holds `count` lines, each followed by `\n` except a last one that has none
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

export class LineBuffer {
  /** Offset of the first byte not yet committed (the start of `pending`). */
  private start: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(offset: number) {
    this.start = offset;
  }

  /** Everything before this offset has been delivered. */
  get committed(): number {
    return this.start;
  }

  /** The offset from which the next read must continue. */
  get readPosition(): number {
    return this.start + this.pending.length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
  }

  /**
   * The next batch of complete lines, or null when there is none yet. With `final`, an unterminated
   * rest counts as a last line (the stream has ended). Does not consume: call commit(batch) after.
   */
  nextBatch(final: boolean): LineBatch | null {
    const buf = this.pending;
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
    if (n < 0 || n > this.pending.length) throw new Error(`line buffer: bad commit to ${batch.end}`);
    this.pending = this.pending.subarray(n);
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
