/**
 * Stream resumption on the real daemon with the real SDK client over real HTTP: a loopback proxy
 * between them cuts every connection in the middle of a long call (ai_coder_logs with follow); the
 * client resumes with Last-Event-ID and gets every progress notification once, in order, and the
 * result.
 */
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, freePort, makeRepo, waitFor } from '../helpers/env.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;
let proxy: { server: Server; sockets: Set<Socket> } | undefined;

afterEach(async () => {
  if (proxy) {
    for (const s of proxy.sockets) s.destroy();
    await new Promise((r) => proxy!.server.close(r));
  }
  proxy = undefined;
  if (h) await cleanupHome(h, d);
  h = undefined;
  d = undefined;
  cleanupTemp();
});

/** An HTTP proxy to the daemon (Host rewritten) whose connections can all be cut at once. */
async function startProxy(target: number): Promise<{ port: number; cut: () => number }> {
  const sockets = new Set<Socket>();
  const keep = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((req, res) => {
    keep(req.socket);
    const up = request(
      {
        host: '127.0.0.1',
        port: target,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${target}` },
        agent: false,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('socket', keep);
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  proxy = { server, sockets };
  return {
    port,
    cut: () => {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
  };
}

describe('SSE stream resumption', () => {
  it('resumes a long call cut mid-stream without losing progress or the result', async () => {
    h = await makeHome();
    d = await startDaemon(h);
    const repo = makeRepo();
    const { port, cut } = await startProxy(h.port);
    const client = new Client({ name: 'resumer', version: '1.0.0' });
    const errors: string[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
      requestInit: { headers: h.auth },
    });
    client.onerror = (e) => errors.push(String(e));
    await client.connect(transport);
    try {
      const made = (
        await client.callTool({
          name: 'ai_coder_create',
          arguments: { task: '30 0 0.15', repo, provider: 'lines', name: 'resume me' },
        })
      ).structuredContent as { id: string };
      const progress: string[] = [];
      let cutDone = false;
      const call = client.callTool(
        {
          name: 'ai_coder_logs',
          arguments: {
            coder_id: made.id,
            since_seq: 0,
            follow: true,
            timeout_s: 50,
            tail: 1000,
            format: 'entries',
          },
        },
        undefined,
        {
          timeout: 120_000,
          onprogress: (p) => {
            progress.push(String(p.message));
          },
        },
      );
      await waitFor(() => progress.length >= 5, { timeoutMs: 60_000 });
      expect(cut()).toBeGreaterThan(0);
      cutDone = true;
      const res = await call;
      expect(cutDone).toBe(true);
      const entries = (res.structuredContent as { entries: { text: string; kind: string }[] }).entries;
      const lines = entries.filter((e) => e.kind === 'text').map((e) => e.text);
      expect(lines).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
      // Every entry's progress arrived once, in order, across the cut.
      const progressLines = progress.filter((m) => / text: line \d+$/.test(m)).map((m) => m.split(': ')[1]);
      expect(progressLines).toEqual(lines);
      // The client saw the cut (and resumed from it).
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});
