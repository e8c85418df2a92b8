/**
 * The loopback relay of sandbox `network: "off"` (docs/sandbox.md). The agent runs in a network
 * namespace of its own (bwrap --unshare-net), where 127.0.0.1 is an empty loopback. Some host
 * loopback ports must stay reachable (aicoder's coder endpoint, a model server on loopback), so the
 * run is wrapped twice, by this same script, with unix sockets between the two sides:
 *
 *   node net-relay.js outside DIR PORT… -- bwrap … -- node net-relay.js inside /tmp/.aicoder-net PORT… -- agent…
 *
 * - `outside` (on the host): for each PORT listens on the unix socket DIR/PORT.sock (0600) and
 *   connects each accepted stream to 127.0.0.1:PORT; then runs the rest of its argv.
 * - `inside` (in the namespace): for each PORT listens on 127.0.0.1:PORT and connects each accepted
 *   stream to DIR/PORT.sock (DIR is the outside DIR as bound into the sandbox); then runs the rest.
 *
 * Each side runs its child with the terminal and stdio it has, outlives group signals (SIGTERM,
 * SIGINT, SIGHUP reach the child too, as the process group's members) and exits as its child did
 * (the code, or 128 + the signal's number), so the run's wrapper records the agent's own status.
 * No other port of the host's loopback, and nothing beyond it, is reachable from inside.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';

/** Where the sockets are inside the sandbox (the run's private tmp is bound at /tmp). */
export const INSIDE_SOCKET_DIR = '/tmp/.aicoder-net';
/** The folder under the run's tmp dir that holds the sockets (outside path: tmp_dir + this). */
export const SOCKET_SUBDIR = '.aicoder-net';

/**
 * The loopback ports named in an environment's values: `http(s)://127.0.0.1:PORT`,
 * `localhost:PORT` anywhere in a value (AICODER_MCP_URL, ANTHROPIC_BASE_URL, …); IPv6 loopback
 * (`[::1]`) is not relayed.
 * Sorted, each once.
 */
export function loopbackPorts(env: Readonly<Record<string, string>>): number[] {
  const ports = new Set<number>();
  const re = /(?<![\w.-])(?:127\.0\.0\.1|localhost):(\d{1,5})(?!\d)/g;
  for (const v of Object.values(env)) {
    for (const m of v.matchAll(re)) {
      const p = Number(m[1]);
      if (p > 0 && p < 65536) ports.add(p);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function pipe(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

function listen(server: Server, target: string | { port: number; host: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof target === 'string') server.listen(target, () => resolve());
    else server.listen(target.port, target.host, () => resolve());
  });
}

async function main(argv: string[]): Promise<void> {
  const sep = argv.indexOf('--');
  const [side, dir, ...portArgs] = sep < 0 ? [] : argv.slice(0, sep);
  const child = sep < 0 ? [] : argv.slice(sep + 1);
  if ((side !== 'outside' && side !== 'inside') || !dir || child.length === 0) {
    process.stderr.write('usage: net-relay outside|inside DIR PORT… -- argv…\n');
    process.exit(2);
  }
  const ports = portArgs.map(Number);
  const servers: Server[] = [];
  const cwd = process.cwd();
  if (side === 'outside') {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Relative socket names: a unix socket path is limited to 107 bytes, DIR may be longer.
    process.chdir(dir);
  }
  for (const port of ports) {
    const sock = side === 'outside' ? `${port}.sock` : join(dir, `${port}.sock`);
    if (side === 'outside') {
      const s = createServer((c) => pipe(c, connect({ port, host: '127.0.0.1' })));
      await listen(s, sock);
      chmodSync(sock, 0o600);
      servers.push(s);
    } else {
      const s = createServer((c) => pipe(c, connect(sock)));
      await listen(s, { port, host: '127.0.0.1' });
      servers.push(s);
    }
  }
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => {});
  const c = spawn(child[0]!, child.slice(1), { stdio: 'inherit', cwd });
  c.on('error', (err) => {
    process.stderr.write(`aicoder net relay: cannot run ${child[0]}: ${err.message}\n`);
    process.exit(127);
  });
  c.on('exit', (code, signal) => {
    for (const s of servers) s.close();
    if (side === 'outside') rmSync(dir, { recursive: true, force: true });
    const n = signal ? (constants.signals[signal] ?? 0) : 0;
    process.exit(code ?? 128 + n);
  });
}

if (process.argv[1] && /net-relay\.[jt]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`aicoder net relay: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
