/**
 * Segment files: `<dir>/<coder id>/<seg no, 6 digits>.seg`, append-only files of log chunks (see
 * log-codec.ts). The index in SQLite says which bytes are committed; bytes past a segment's committed
 * end (a write whose transaction did not commit: crash, full disk) are garbage, cut off the first
 * time this process writes to the segment and overwritten by the next chunk. Files 0600, folders 0700.
 * Synchronous I/O: chunks are at most a few MiB and every caller is inside a store transaction.
 */
import {
  closeSync,
  constants,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** A segment is closed (the next chunk starts a new one) once it holds this many bytes. */
export const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;
/** Open file descriptors kept (least recently used closed first). */
const MAX_OPEN = 64;

export class SegmentFiles {
  /** key "coder/seg" → fd, in least-recently-used order (Map keeps insertion order). */
  private readonly fds = new Map<string, number>();
  /** Segments this process has cut to their committed end already. */
  private readonly trimmed = new Set<string>();

  constructor(readonly dir: string) {}

  path(coderId: string, segNo: number): string {
    return join(this.dir, coderId, `${String(segNo).padStart(6, '0')}.seg`);
  }

  /** Writes `parts` at `pos` (the segment's committed end). Throws on any I/O error (ENOSPC, …). */
  write(coderId: string, segNo: number, pos: number, parts: readonly Buffer[]): number {
    const key = `${coderId}/${segNo}`;
    const fd = this.fd(coderId, segNo, true);
    if (!this.trimmed.has(key)) {
      ftruncateSync(fd, pos);
      this.trimmed.add(key);
    }
    let at = pos;
    for (const p of parts) {
      let off = 0;
      while (off < p.length) {
        const n = writeSync(fd, p, off, p.length - off, at);
        off += n;
        at += n;
      }
    }
    return at;
  }

  /** Bytes [start, end) of a segment (fewer when the file is shorter). */
  read(coderId: string, segNo: number, start: number, end: number): Buffer {
    const len = Math.max(0, end - start);
    const buf = Buffer.allocUnsafe(len);
    if (len === 0) return buf;
    const fd = this.fd(coderId, segNo, false);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, buf, got, len - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return got === len ? buf : buf.subarray(0, got);
  }

  /** Removes every segment of a coder. */
  remove(coderId: string): void {
    for (const [key, fd] of [...this.fds]) {
      if (key.startsWith(`${coderId}/`)) {
        this.fds.delete(key);
        this.trimmed.delete(key);
        closeSync(fd);
      }
    }
    rmSync(join(this.dir, coderId), { recursive: true, force: true });
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(coderId: string, segNo: number, create: boolean): number {
    const key = `${coderId}/${segNo}`;
    let fd = this.fds.get(key);
    if (fd !== undefined) {
      this.fds.delete(key);
      this.fds.set(key, fd);
      return fd;
    }
    if (create) mkdirSync(join(this.dir, coderId), { recursive: true, mode: 0o700 });
    // Read-write, never O_APPEND: chunks are written at the committed end, not at the file's end.
    const flags = constants.O_RDWR | (create ? constants.O_CREAT : 0);
    fd = openSync(this.path(coderId, segNo), flags, 0o600);
    this.fds.set(key, fd);
    while (this.fds.size > MAX_OPEN) {
      const [k, old] = this.fds.entries().next().value as [string, number];
      this.fds.delete(k);
      closeSync(old);
    }
    return fd;
  }
}

/** Where the segments of a database file live: the folder `logs` next to it. */
export function segmentDirOf(dbPath: string): string {
  return join(dirname(dbPath), 'logs');
}
