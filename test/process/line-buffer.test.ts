/** The pure line splitter behind the tailer: lines, offsets, CRLF, batch caps, long-line pieces. */
import { describe, expect, it } from 'vitest';
import { LineBuffer, MAX_BATCH_LINES, MAX_LINE_BYTES } from '../../src/process/line-buffer.js';

function drain(buf: LineBuffer, final: boolean): { lines: string[]; ends: number[] } {
  const lines: string[] = [];
  const ends: number[] = [];
  for (let b = buf.nextBatch(final); b !== null; b = buf.nextBatch(final)) {
    lines.push(...b.lines);
    ends.push(b.end);
    buf.commit(b);
  }
  return { lines, ends };
}

describe('LineBuffer', () => {
  it('keeps an unterminated rest until more bytes or the end, with absolute offsets', () => {
    const buf = new LineBuffer(100);
    buf.push(Buffer.from('one\ntw'));
    expect(drain(buf, false)).toEqual({ lines: ['one'], ends: [104] });
    expect(buf.committed).toBe(104);
    expect(buf.readPosition).toBe(106);
    buf.push(Buffer.from('o\r\nthr'));
    expect(drain(buf, false)).toEqual({ lines: ['two'], ends: [109] });
    expect(drain(buf, true)).toEqual({ lines: ['thr'], ends: [112] });
    expect(buf.nextBatch(true)).toBeNull();
  });

  it('keeps empty lines and strips only one trailing \\r', () => {
    const buf = new LineBuffer(0);
    buf.push(Buffer.from('\n\r\na\r\r\nb\rc\n'));
    expect(drain(buf, false).lines).toEqual(['', '', 'a\r', 'b\rc']);
  });

  it('does not consume a batch until it is committed', () => {
    const buf = new LineBuffer(0);
    buf.push(Buffer.from('a\nb\n'));
    const first = buf.nextBatch(false)!;
    expect(buf.nextBatch(false)).toEqual(first);
    buf.commit(first);
    expect(buf.nextBatch(false)).toBeNull();
    expect(() => buf.commit({ end: 99 })).toThrow();
  });

  it('caps batches at the line limit', () => {
    const buf = new LineBuffer(0);
    buf.push(Buffer.from('x\n'.repeat(MAX_BATCH_LINES * 2 + 5)));
    const sizes: number[] = [];
    for (let b = buf.nextBatch(false); b !== null; b = buf.nextBatch(false)) {
      sizes.push(b.lines.length);
      buf.commit(b);
    }
    expect(sizes).toEqual([MAX_BATCH_LINES, MAX_BATCH_LINES, 5]);
  });

  it('cuts lines over 1 MiB into pieces at UTF-8 boundaries, the same whatever the read sizes', () => {
    const text = 'a' + '€'.repeat(MAX_LINE_BYTES / 2) + '\nend\n'; // 3-byte chars
    const whole = Buffer.from(text);
    const results = [whole.length, 4096, 1 << 20].map((chunk) => {
      const buf = new LineBuffer(0);
      const lines: string[] = [];
      for (let i = 0; i < whole.length; i += chunk) {
        buf.push(whole.subarray(i, i + chunk));
        lines.push(...drain(buf, false).lines);
      }
      return lines;
    });
    for (const lines of results) {
      expect(lines.at(-1)).toBe('end');
      const pieces = lines.slice(0, -1);
      expect(pieces.length).toBe(2);
      expect(pieces.join('')).toBe(text.split('\n')[0]);
      for (const p of pieces) {
        expect(p).not.toContain('\uFFFD');
        expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_LINE_BYTES);
      }
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('waits for the newline of a line of exactly 1 MiB', () => {
    const buf = new LineBuffer(0);
    buf.push(Buffer.alloc(MAX_LINE_BYTES, 'y'));
    expect(buf.nextBatch(false)).toBeNull();
    buf.push(Buffer.from('\n'));
    expect(drain(buf, false).lines.map((l) => l.length)).toEqual([MAX_LINE_BYTES]);
  });

  it('reads into one reused buffer: the same lines and counts whatever the read sizes, idle release', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `${i} ${'é'.repeat(i % 100)}`).join('\n') + '\nrest';
    const whole = Buffer.from(text);
    for (const size of [13, 4096, 65536, whole.length]) {
      const buf = new LineBuffer(0);
      const lines: string[] = [];
      let counted = 0;
      for (let i = 0; i < whole.length;) {
        const space = buf.space(size);
        const n = whole.copy(space, 0, i, Math.min(whole.length, i + size));
        buf.wrote(n);
        i += n;
        expect(buf.readPosition).toBe(i);
        for (let b = buf.nextBatch(false); b !== null; b = buf.nextBatch(false)) {
          lines.push(...b.lines);
          counted += b.count;
          buf.commit(b);
        }
        buf.release(); // a no-op while bytes are pending
      }
      const last = drain(buf, true);
      expect([...lines, ...last.lines]).toEqual(text.split('\n'));
      expect(counted + 1).toBe(2001);
      expect(last.ends).toEqual([whole.length]);
      buf.release();
      expect(buf.nextBatch(true)).toBeNull();
      expect(buf.readPosition).toBe(whole.length);
    }
  });
});
