/** Byte slices of long text answers (a diff), cut on UTF-8 character boundaries. */
import { StringDecoder } from 'node:string_decoder';

/** Default and largest size of one diff answer, in bytes (UTF-8), over REST and MCP. */
export { DIFF_PAGE_BYTES, MAX_DIFF_PAGE_BYTES } from '../protocol/limits.js';

export interface TextSlice {
  /** At most maxBytes bytes of the text from `offset`, never half a character. */
  text: string;
  /** Bytes of the whole text. */
  total: number;
  /** Offset of the rest (pass back as offset), or null when the slice reaches the end. */
  next_offset: number | null;
}

/**
 * `maxBytes` bytes of `text` starting at byte `offset` (an offset past the end gives an empty slice).
 * A character that does not fit whole is left for the next slice.
 */
export function sliceBytes(text: string, offset: number, maxBytes: number): TextSlice {
  const buf = Buffer.from(text, 'utf8');
  const start = Math.min(offset, buf.length);
  const piece = new StringDecoder('utf8').write(buf.subarray(start, start + maxBytes));
  const end = start + Buffer.byteLength(piece, 'utf8');
  return { text: piece, total: buf.length, next_offset: end < buf.length ? end : null };
}
