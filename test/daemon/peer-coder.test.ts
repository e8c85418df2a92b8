/** Which coder's process made a loopback connection, from /proc (Linux): real child processes. */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coderIdInEnviron, coderOfSocket } from '../../src/daemon/peer-coder.js';
import { peerUid } from '../../src/daemon/peer-uid.js';

let child: ChildProcess | undefined;
let server: Server | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
  child = undefined;
  server?.close();
  server = undefined;
});

async function listen(): Promise<{ port: number; next: () => Promise<Socket> }> {
  const queue: Socket[] = [];
  const waiters: ((s: Socket) => void)[] = [];
  server = createServer((s) => {
    const w = waiters.shift();
    if (w) w(s);
    else queue.push(s);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    next: () => {
      const s = queue.shift();
      return s ? Promise.resolve(s) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

async function inodeOf(sock: Socket): Promise<number> {
  const p = await peerUid(sock);
  if (p.kind !== 'uid') throw new Error(`no /proc/net/tcp entry: ${JSON.stringify(p)}`);
  return p.inode;
}

describe('coder of a connection', () => {
  it('reads AICODER_CODER_ID from a NUL-separated environment', () => {
    expect(coderIdInEnviron(Buffer.from('A=1\0AICODER_CODER_ID=abc123\0B=2\0'))).toBe('abc123');
    expect(coderIdInEnviron(Buffer.from('AICODER_CODER_ID=x'))).toBe('x');
    expect(coderIdInEnviron(Buffer.from('XAICODER_CODER_ID=no\0AICODER_CODER_IDS=no\0'))).toBeNull();
    expect(coderIdInEnviron(Buffer.alloc(0))).toBeNull();
  });

  it.runIf(process.platform === 'linux')(
    "names the coder whose process (here in a new session) holds the socket; the owner's own is nobody's",
    async () => {
      const { port, next } = await listen();
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env))
        if (v !== undefined && !k.startsWith('AICODER_')) env[k] = v;
      child = spawn(
        'setsid',
        [
          process.execPath,
          '-e',
          `require('node:net').connect(${port}, '127.0.0.1'); setInterval(() => {}, 1000);`,
        ],
        { env: { ...env, AICODER_CODER_ID: 'c0ffee12' }, stdio: 'ignore' },
      );
      const fromCoder = await next();
      expect(await coderOfSocket(await inodeOf(fromCoder))).toBe('c0ffee12');

      const own = connect(port, '127.0.0.1');
      own.on('error', () => undefined);
      try {
        const fromOwner = await next();
        const expected = process.env.AICODER_CODER_ID ?? null; // null unless this test itself runs in a coder
        expect(await coderOfSocket(await inodeOf(fromOwner))).toBe(expected);
        fromOwner.destroy();
      } finally {
        own.destroy();
      }
      fromCoder.destroy();
    },
  );
});
