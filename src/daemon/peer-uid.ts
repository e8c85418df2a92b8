/**
 * Which local user is at the other end of a loopback TCP connection (Linux). The kernel lists every
 * TCP socket in /proc/net/tcp and /proc/net/tcp6 (proc(5)): `sl local_address rem_address st … uid
 * timeout inode …`, addresses as hex of the address's bytes in host order per 32-bit word, ports as
 * 4 hex digits. The client's socket is the entry whose local address is the connection's remote
 * address:port and whose remote address is our listening address:port; its uid column is the owner of
 * the process that made the socket. No setup needed from the user, no extra system call.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { endianness } from 'node:os';

/** The socket facts `peerUid` needs (a net.Socket has them). */
export interface TcpEnds {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
}

export type PeerUid =
  /** The uid owning the client's socket, and the socket's inode (for `socket:[inode]` in /proc/<pid>/fd). */
  | { kind: 'uid'; uid: number; inode: number }
  /** The tables were read but hold no live entry for this connection (it closed meanwhile). */
  | { kind: 'not_found' }
  /** No /proc/net/tcp here (not Linux, or /proc not mounted): the owner token is the only check. */
  | { kind: 'unavailable'; reason: string };

const LITTLE = endianness() === 'LE';

function v4Bytes(addr: string): number[] {
  return addr.split('.').map(Number);
}

/** 4 bytes → the kernel's hex word (host byte order). */
function word(bytes: number[]): string {
  const b = LITTLE ? [...bytes].reverse() : bytes;
  return b
    .map((x) => x.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

function port(p: number): string {
  return p.toString(16).padStart(4, '0').toUpperCase();
}

/** How an IPv4 address:port appears in /proc/net/tcp and, v4-mapped, in /proc/net/tcp6. */
export function procAddresses(addr: string, p: number): { v4: string; v6: string } | null {
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  if (!isIPv4(a)) return null;
  const b = v4Bytes(a);
  const mapped = word([0, 0, 0, 0]) + word([0, 0, 0, 0]) + word([0, 0, 0xff, 0xff]) + word(b);
  return { v4: `${word(b)}:${port(p)}`, v6: `${mapped}:${port(p)}` };
}

/** TCP states of /proc/net/tcp whose entries no longer belong to a process (TIME_WAIT, CLOSE). */
const DEAD_STATES = new Set(['06', '07']);

/** The uid and inode of the live entry with this local and remote address in one /proc/net/tcp* table, or null. */
export function findEntry(
  table: string,
  local: string,
  remote: string,
): { uid: number; inode: number } | null {
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[1] !== local || f[2] !== remote || DEAD_STATES.has(f[3]!)) continue;
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (Number.isInteger(uid)) return { uid, inode: Number.isInteger(inode) ? inode : 0 };
  }
  return null;
}

/** The uid of the entry with this local and remote address in one /proc/net/tcp* table, or null. */
export function findUid(table: string, local: string, remote: string): number | null {
  return findEntry(table, local, remote)?.uid ?? null;
}

/**
 * The kernel's tables, opened once and kept for the process's life (close-on-exec: coders do not
 * inherit them). A read from offset 0 makes the kernel list the table afresh (seq_file), so a check
 * costs one thread-pool round trip per page read instead of open, stat, reads and close, and stops at
 * the page that holds its entry. Each read walks the kernel's whole socket hash from where the last
 * one stopped (milliseconds on a large machine), so checks take turns on a table: a read from
 * another check's offset would make the kernel list the table again up to it.
 */
interface Table {
  handle: Promise<FileHandle | null>;
  /** The last check's end: the next one starts after it. */
  turn: Promise<unknown>;
}
const tables = new Map<string, Table>();

type Found = { uid: number; inode: number } | null | 'unreadable';

/**
 * Splits pages of a table into complete lines for `find`: `feed(page)` returns `find`'s answer or
 * undefined to go on; `feed(null)` (the end) returns the answer for the last line, or null.
 */
function lineFeeder<T>(find: (lines: string) => T | null): (page: string | null) => T | null | undefined {
  let carry = '';
  return (page) => {
    if (page === null) return carry === '' ? null : find(carry);
    const text = carry + page;
    const end = text.lastIndexOf('\n') + 1;
    carry = text.slice(end);
    return end > 0 ? (find(text.slice(0, end)) ?? undefined) : undefined;
  };
}

/** Reads `path` page by page until `find` answers for a complete line; 'unreadable' on any error. */
function search(path: string, find: (lines: string) => Found): Promise<Found> {
  let t = tables.get(path);
  if (t === undefined) {
    t = { handle: open(path, 'r').catch(() => null), turn: Promise.resolve() };
    tables.set(path, t);
  }
  const table = t;
  const run = table.turn.then(async (): Promise<Found> => {
    const fh = await table.handle;
    if (fh === null) return 'unreadable';
    const buf = Buffer.allocUnsafe(1 << 16);
    const feed = lineFeeder(find);
    try {
      for (let pos = 0; ;) {
        const n = (await fh.read(buf, 0, buf.length, pos)).bytesRead;
        const found = feed(n === 0 ? null : buf.toString('latin1', 0, n));
        if (found !== undefined) return found;
        pos += n;
      }
    } catch {
      return 'unreadable';
    }
  });
  table.turn = run.catch(() => undefined);
  return run;
}

/** `search` with blocking reads on a descriptor of its own (the shared one may be mid-check). */
function searchSync(path: string, find: (lines: string) => Found): Found {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return 'unreadable';
  }
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    const feed = lineFeeder(find);
    for (let pos = 0; ;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      const found = feed(n === 0 ? null : buf.toString('latin1', 0, n));
      if (found !== undefined) return found;
      pos += n;
    }
  } catch {
    return 'unreadable';
  } finally {
    closeSync(fd);
  }
}

/**
 * The steps of a peer check: yields each table to search and what to find in it, gets the answer
 * back, returns the peer (`peerUid` searches asynchronously, `peerUidSync` blocking). The daemon binds 127.0.0.1: an IPv4
 * client socket is in tcp, a dual-stack IPv6 one (connected to ::ffff:127.0.0.1) in tcp6, so tcp6 is
 * read only when tcp does not list the connection.
 */
function* peerOf(socket: TcpEnds): Generator<[string, (t: string) => Found], PeerUid, Found> {
  if (process.platform !== 'linux')
    return { kind: 'unavailable', reason: `${process.platform} has no /proc/net/tcp` };
  const { remoteAddress, remotePort, localAddress, localPort } = socket;
  if (!remoteAddress || !remotePort || !localAddress || !localPort) return { kind: 'not_found' };
  const client = procAddresses(remoteAddress, remotePort);
  const server = procAddresses(localAddress, localPort);
  if (client === null || server === null) return { kind: 'not_found' };
  const v4 = yield ['/proc/net/tcp', (t) => findEntry(t, client.v4, server.v4)];
  if (v4 !== null && v4 !== 'unreadable') return { kind: 'uid', ...v4 };
  const v6 = yield ['/proc/net/tcp6', (t) => findEntry(t, client.v6, server.v6)];
  if (v6 !== null && v6 !== 'unreadable') return { kind: 'uid', ...v6 };
  if (v4 === 'unreadable' && v6 === 'unreadable')
    return { kind: 'unavailable', reason: '/proc/net/tcp is not readable' };
  return { kind: 'not_found' };
}

/** The uid of the process at the other end of `socket` (a loopback TCP connection we accepted). */
export async function peerUid(socket: TcpEnds): Promise<PeerUid> {
  const steps = peerOf(socket);
  for (let step = steps.next(); ;) {
    if (step.done) return step.value;
    step = steps.next(await search(...step.value));
  }
}

/**
 * `peerUid` with blocking reads: for while the event loop and the thread pool are busy anyway (the
 * daemon compiling its manager's modules after listen), where an asynchronous read waits behind
 * them. A read costs the kernel's walk of its socket hash (~1–3 ms on a large machine).
 */
export function peerUidSync(socket: TcpEnds): PeerUid {
  const steps = peerOf(socket);
  for (let step = steps.next(); ;) {
    if (step.done) return step.value;
    step = steps.next(searchSync(...step.value));
  }
}
