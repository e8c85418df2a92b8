/** Paged, confined reads of worktree files with binary detection and UTF-8-safe truncation. */
import { AicoderError } from '../core/errors.js';
import type { ReadResult } from '../core/ports.js';
import { confine, openConfined } from './confine.js';

const SNIFF_BYTES = 8192;

function checkInt(v: number, field: string, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new AicoderError('invalid_input', `${field} must be an integer ≥ ${min} (got ${String(v)})`, {
      field,
    });
  }
}

/** Length of the UTF-8 sequence a lead byte starts (1 for ASCII and for stray bytes). */
function seqLength(b: number): number {
  if (b >= 0xf0 && b <= 0xf7) return 4;
  if (b >= 0xe0) return b <= 0xef ? 3 : 1;
  if (b >= 0xc0) return 2;
  return 1;
}

/**
 * How many of `buf`'s bytes to return so that no character is split, given that at most `max`
 * bytes are wanted and more data follows. Backs off to the last character boundary; if that would
 * return nothing (max smaller than one character), returns that one whole character instead.
 */
export function utf8Cut(buf: Buffer, max: number): number {
  if (buf.length <= max) return buf.length;
  // Find where the character containing byte `max` starts.
  let start = max;
  while (start > 0 && max - start < 3 && (buf[start]! & 0xc0) === 0x80) start--;
  const lead = buf[start]!;
  const isLead = (lead & 0xc0) !== 0x80;
  if (!isLead) return max; // not valid UTF-8 around here: cut where asked
  if (start > 0) return start;
  // The first character alone is longer than max: return it whole so paging always progresses.
  return Math.min(seqLength(lead), buf.length);
}

/** Whether git tracks `rel` in the worktree (its index). */
export type TrackedCheck = (worktree: string, rel: string) => Promise<boolean>;

/**
 * Reads a worktree file, confined (confine.ts). A file with more than one hard link may be another
 * name for a file outside the worktree, so it is refused with path_outside unless git tracks it
 * (`isTracked`; without one, every such file is refused).
 */
export async function readFile(
  worktree: string,
  relPath: string,
  opts: { max_bytes: number; offset: number },
  isTracked?: TrackedCheck,
): Promise<ReadResult> {
  checkInt(opts.max_bytes, 'max_bytes', 1);
  checkInt(opts.offset, 'offset', 0);
  const c = await confine(worktree, relPath);
  const { fh, size, nlink } = await openConfined(c);
  try {
    if (nlink > 1 && !(await (isTracked?.(worktree, c.rel) ?? false))) {
      throw new AicoderError(
        'path_outside',
        `path '${c.rel}' is not allowed: it has ${nlink} hard links (it may be another name for a file outside the worktree) and git does not track it`,
        { field: 'path' },
      );
    }
    if (opts.offset > size) {
      throw new AicoderError(
        'invalid_input',
        `offset ${opts.offset} is past the end of '${c.rel}' (${size} bytes)`,
        { field: 'offset' },
      );
    }
    const sniff = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead: sniffed } = await fh.read(sniff, 0, sniff.length, 0);
    if (sniff.subarray(0, sniffed).includes(0)) {
      return {
        path: c.rel,
        size,
        offset: opts.offset,
        content: null,
        binary: true,
        truncated: false,
        next_offset: null,
      };
    }
    // Read up to 3 bytes past max_bytes so a character cut at the limit can be recognised.
    const want = Math.min(opts.max_bytes + 3, size - opts.offset);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(buf, got, want - got, opts.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const data = buf.subarray(0, got);
    const more = opts.offset + got < size || got > opts.max_bytes;
    const take = more ? utf8Cut(data, opts.max_bytes) : got;
    const end = opts.offset + take;
    const next = end < size ? end : null;
    return {
      path: c.rel,
      size,
      offset: opts.offset,
      content: data.subarray(0, take).toString('utf8'),
      binary: false,
      truncated: next !== null,
      next_offset: next,
    };
  } finally {
    await fh.close();
  }
}
