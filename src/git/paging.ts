/**
 * Cursor paging of long, path-sorted lists (worktree changes and files) with a size budget per
 * answer. The first page computes the whole list once and keeps it as a snapshot for a while
 * (SNAPSHOT_TTL_MS); following pages are cut from that snapshot, so paging through 200,000 entries
 * does not redo the work. A cursor whose snapshot expired still works: the list is computed again
 * and the page starts after the cursor's path.
 *
 * Cursor format (opaque to clients): base64url of JSON `{"s": snapshot id, "a": last path served}`.
 */
import { randomBytes } from 'node:crypto';
import { AicoderError } from '../core/errors.js';

/** Entries per page when the caller gives no limit. */
export const DEFAULT_PAGE_LIMIT = 1000;
export const MAX_PAGE_LIMIT = 5000;
/** Serialized size of one page's entries, in bytes (UTF-8 JSON, estimated): the answer's budget. */
export const PAGE_BYTE_BUDGET = 256 * 1024;
export const SNAPSHOT_TTL_MS = 60_000;
const MAX_SNAPSHOTS = 16;

export interface PageQuery {
  /** next_cursor of the previous page; omitted for the first page. */
  cursor?: string;
  /** Entries per page, 1–5000 (default 1000); a page also stops at PAGE_BYTE_BUDGET. */
  limit?: number;
}

export interface Page<T> {
  entries: T[];
  /** Entries in the whole list (the snapshot). */
  total: number;
  /** Pass as cursor for the next page; null on the last page. */
  next_cursor: string | null;
}

interface Snapshot<T> {
  at: number;
  list: T[];
}

interface Cursor {
  s: string;
  a: string;
}

export function parseCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      v &&
      typeof v === 'object' &&
      typeof (v as Cursor).s === 'string' &&
      typeof (v as Cursor).a === 'string'
    ) {
      return v as Cursor;
    }
  } catch {
    /* below */
  }
  throw new AicoderError('invalid_input', 'cursor must be a next_cursor returned by the previous page', {
    field: 'cursor',
  });
}

export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new AicoderError('invalid_input', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, {
      field: 'limit',
    });
  }
  return limit;
}

/** First index whose path sorts after `after` (list sorted by path, JS string order). */
function startAfter<T extends { path: string }>(list: readonly T[], after: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.path <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rough UTF-8 JSON size of an entry (path counted twice for renames). */
function entrySize(e: { path: string; from?: string }): number {
  return 96 + Buffer.byteLength(e.path) + (e.from === undefined ? 0 : Buffer.byteLength(e.from));
}

/** Keeps recent whole lists by key (worktree + what was listed) and serves pages of them. */
export class Pager<T extends { path: string; from?: string }> {
  private readonly snaps = new Map<string, Snapshot<T>>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A page of the list under `key`. `compute` makes the whole list, sorted by path (JS string
   * order); it runs for a first page, or when the cursor's snapshot has expired.
   */
  async page(key: string, q: PageQuery, compute: () => Promise<T[]>): Promise<Page<T>> {
    const limit = checkLimit(q.limit);
    const cur = parseCursor(q.cursor);
    this.expire();
    const snapKey = cur === undefined ? undefined : `${key}\0${cur.s}`;
    let snap = snapKey === undefined ? undefined : this.snaps.get(snapKey);
    let id = cur?.s ?? '';
    if (snap === undefined) {
      snap = { at: this.now(), list: await compute() };
      id = randomBytes(6).toString('base64url');
    }
    const start = cur === undefined ? 0 : startAfter(snap.list, cur.a);
    const entries: T[] = [];
    let bytes = 0;
    for (let i = start; i < snap.list.length && entries.length < limit; i++) {
      const e = snap.list[i]!;
      bytes += entrySize(e);
      if (entries.length > 0 && bytes > PAGE_BYTE_BUDGET) break;
      entries.push(e);
    }
    const more = start + entries.length < snap.list.length;
    if (more) {
      this.snaps.delete(`${key}\0${id}`);
      this.snaps.set(`${key}\0${id}`, snap);
      while (this.snaps.size > MAX_SNAPSHOTS) this.snaps.delete(this.snaps.keys().next().value!);
    }
    const last = entries.at(-1);
    return {
      entries,
      total: snap.list.length,
      next_cursor:
        more && last !== undefined
          ? Buffer.from(JSON.stringify({ s: id, a: last.path }), 'utf8').toString('base64url')
          : null,
    };
  }

  private expire(): void {
    const now = this.now();
    for (const [k, s] of this.snaps) if (now - s.at > SNAPSHOT_TTL_MS) this.snaps.delete(k);
  }
}

/** Sorts by path (JS string order) unless already sorted; git's output usually is. */
export function sortByPath<T extends { path: string }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]!.path > list[i]!.path) {
      return list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
  }
  return list;
}
