/**
 * sandbox bwrap with `network: "off"` on the real Claude CLI, run by a real daemon against the
 * scripted model server on loopback: the run completes (its model server and coder endpoint ports
 * are relayed into the network namespace, process/net-relay.ts), while its Bash tool's connection to
 * another host loopback port and to an outside address fails. The same command with network on
 * reaches the loopback port (so the test can fail). network off without bwrap is refused.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AicoderClient } from '../../src/client/types.js';
import { CODEX_HOMES_DIR } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer } from '../fixtures/model-server/index.js';
import { startAgentDaemon } from '../helpers/agent-daemon.js';
import { reached, toolOutput } from '../helpers/coders.js';
import { cleanupHome, cli, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

const BASE = join(CODEX_HOMES_DIR, 'sandbox-net');

/** Node one-liner: tries host:port, prints `<key>=connected` or `<key>=<error code>`. */
function probe(port: number): string {
  const js =
    'const n=require("net");' +
    'const t=(h,p,k)=>new Promise(r=>{const s=n.connect({host:h,port:p});s.setTimeout(5000);' +
    's.on("connect",()=>{console.log(k+"=connected");s.destroy();r()});' +
    's.on("error",e=>{console.log(k+"="+e.code);r()});' +
    's.on("timeout",()=>{console.log(k+"=timeout");s.destroy();r()})});' +
    `t("127.0.0.1",${port},"loop").then(()=>t("1.1.1.1",80,"out"))`;
  return `node -e '${js}'`;
}

let server: ModelServer;
let other: Server;
let h: TestHome;
let d: RunningDaemon | undefined;
let client: AicoderClient;
let repo: string;

beforeAll(async () => {
  other = createServer((s) => s.end());
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as { port: number }).port;
  server = await startModelServer({
    script: [
      {
        when: '[net]',
        steps: [{ tool: 'raw', name: 'Bash', input: { command: probe(port) } }, { text: 'Probed.' }],
      },
    ],
  });
  mkdirSync(BASE, { recursive: true });
  ({ h, d, client } = await startAgentDaemon(
    { claude: server.url },
    {
      base: BASE,
      config: {
        default_provider: 'claude',
        claude_permission_mode: 'bypassPermissions',
        provider_env: { claude: { IS_SANDBOX: '1' } },
      },
    },
  ));
  repo = makeRepo();
}, scaled(60_000));

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  await server?.close();
  await new Promise<void>((r) => (other ? other.close(() => r()) : r()));
  cleanupTemp();
});

const ended = (id: string) => reached(client, id, 'terminal', 120_000);

describe('sandbox bwrap, network off (real claude)', () => {
  test(
    'the turn completes through the relayed loopback; another loopback port and the outside are unreachable',
    async () => {
      const c = await client.create({ task: 'Probe [net]', repo, sandbox: 'bwrap', network: 'off' });
      expect(c.sandbox).toEqual({ mode: 'bwrap', network: 'off' });
      const done = await ended(c.id);
      const out = await toolOutput(client, c.id);
      expect(done.state, `${JSON.stringify(done)}\n${out}`).toBe('completed');
      expect(done.stats.last_message).toBe('Probed.');
      expect(out).toMatch(/loop=ECONNREFUSED/);
      expect(out).toMatch(/out=(ENETUNREACH|EHOSTUNREACH|ECONNREFUSED|timeout)/);
      expect(out).not.toMatch(/=connected/);
      expect(await cli(h, ['status', c.id])).toMatch(/sandbox\s+bwrap, network off/);
    },
    scaled(180_000),
  );

  test(
    'with network on the same probe reaches the loopback port',
    async () => {
      const c = await client.create({ task: 'Probe [net]', repo, sandbox: 'bwrap' });
      const done = await ended(c.id);
      const out = await toolOutput(client, c.id);
      expect(done.state, out).toBe('completed');
      expect(out).toMatch(/loop=connected/);
    },
    scaled(180_000),
  );

  test('network off without sandbox bwrap is refused, naming the field', async () => {
    await expect(client.create({ task: 'x', repo, network: 'off' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/network "off" needs sandbox "bwrap"/),
    });
  });
});
