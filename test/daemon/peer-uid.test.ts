/** The peer uid of a real loopback connection, from /proc/net/tcp (Linux). */
import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findUid, peerUid, peerUidSync, procAddresses } from '../../src/daemon/peer-uid.js';
import { checkOwnerToken } from '../../src/daemon/owner-token.js';

/**
 * Runs `check` on the server side of one real loopback connection to a 127.0.0.1 listener, made from
 * `host` (an IPv4 address, or an IPv4-mapped IPv6 one for a dual-stack client); both ends are closed after.
 */
async function withConnection(host: string, check: (accepted: Socket) => Promise<void>): Promise<void> {
  let client: Socket | undefined;
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let sock: Socket | undefined;
  try {
    client = connect({ port: (server.address() as { port: number }).port, host });
    client.on('error', () => undefined);
    sock = await accepted;
    await check(sock);
  } finally {
    sock?.destroy();
    client?.destroy();
    server.close();
  }
}

describe('peer uid', () => {
  it('encodes addresses as the kernel lists them', () => {
    // 127.0.0.1:8000 on a little-endian machine: 0100007F:1F40
    const a = procAddresses('127.0.0.1', 8000)!;
    expect(a.v4).toMatch(/^(0100007F|7F000001):1F40$/);
    expect(a.v6).toMatch(/^0000000000000000(FFFF0000|0000FFFF)(0100007F|7F000001):1F40$/);
    expect(procAddresses('::1', 1)).toBeNull();
  });

  it('skips entries in TIME_WAIT (their uid column is 0, not the owner)', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F40 0100007F:0050 06 00000000:00000000 00:00000000 00000000     0        0 0',
      '   1: 0100007F:1F40 0100007F:0050 01 00000000:00000000 00:00000000 00000000  1000        0 4242 1',
    ].join('\n');
    expect(findUid(table, '0100007F:1F40', '0100007F:0050')).toBe(1000);
    expect(findUid(table, '0100007F:1F41', '0100007F:0050')).toBeNull();
  });

  it.runIf(process.platform === 'linux')('finds our own uid at the other end of a real connection', () =>
    withConnection('127.0.0.1', async (sock) => {
      const found = await peerUid(sock);
      expect(found).toMatchObject({ kind: 'uid', uid: process.getuid!(), inode: expect.any(Number) });
      expect(peerUidSync(sock)).toEqual(found);
    }),
  );

  it.runIf(process.platform === 'linux')(
    'finds every peer of many concurrent connections (a table of many pages, read in turns)',
    async () => {
      const server = createServer();
      const accepted: Socket[] = [];
      const clients: Socket[] = [];
      const N = 120; // ~150 bytes a line, two lines a connection: several 4 KiB pages
      const all = new Promise<void>((resolve) =>
        server.on('connection', (s) => {
          accepted.push(s);
          if (accepted.length === N) resolve();
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as { port: number }).port;
        for (let i = 0; i < N; i++) {
          const c = connect(port, '127.0.0.1');
          c.on('error', () => undefined);
          clients.push(c);
        }
        await all;
        const found = await Promise.all(accepted.map((s) => peerUid(s)));
        expect(found.filter((p) => p.kind !== 'uid')).toEqual([]);
        expect(accepted.map((s) => peerUidSync(s))).toEqual(found);
        expect(new Set(found.map((p) => (p.kind === 'uid' ? p.uid : -1)))).toEqual(
          new Set([process.getuid!()]),
        );
      } finally {
        for (const s of [...clients, ...accepted]) s.destroy();
        server.close();
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'finds a dual-stack IPv6 client (in /proc/net/tcp6) of an IPv4 listener',
    () =>
      withConnection('::ffff:127.0.0.1', async (sock) => {
        expect(await peerUid(sock)).toMatchObject({ kind: 'uid', uid: process.getuid!() });
        expect(peerUidSync(sock)).toMatchObject({ kind: 'uid', uid: process.getuid!() });
      }),
  );
});

describe('owner token check', () => {
  const token = 'ab'.repeat(32);
  it('accepts only exactly the token as a Bearer credential', () => {
    expect(checkOwnerToken(`Bearer ${token}`, token)).toBe(true);
    expect(checkOwnerToken(`bearer ${token}`, token)).toBe(true);
    expect(checkOwnerToken(undefined, token)).toBe(false);
    expect(checkOwnerToken(`Bearer ${'cd'.repeat(32)}`, token)).toBe(false);
    expect(checkOwnerToken(`Bearer ${token.slice(2)}`, token)).toBe(false);
    expect(checkOwnerToken(`Basic ${token}`, token)).toBe(false);
    expect(checkOwnerToken(`Bearer ${token} extra`, token)).toBe(false);
  });
});
