/**
 * Sessions on the real daemon: clients that never DELETE (Claude Code, Gemini CLI, the Inspector)
 * must not lock out later ones. 1,000 initialize-without-DELETE clients in sequence, then a new SDK
 * client: every one succeeds and the daemon's memory stays bounded (the heap is proven flat after GC
 * in http.test.ts, where the test can force a collection).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { makeHome, startDaemon, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'leaver', version: '1' } },
});

describe('MCP sessions that are never ended', () => {
  it(
    'serves 1,000 clients that never DELETE, then a new one, with flat memory',
    async () => {
      h = await makeHome();
      d = await startDaemon(h);
      const url = `${h.baseUrl}/mcp`;
      const rss: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...h.auth,
          },
          body: initialize,
        });
        const body = await res.text();
        expect(res.status, body).toBe(200);
        expect(res.headers.get('mcp-session-id')).toBeTruthy();
        // The first 300 fill the 256 slots and start evicting; from then on memory must not grow.
        if ((i + 1) % 100 === 0) rss.push(rssMb(d.pid));
      }
      const client = new Client({ name: 'late', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: h.auth } }),
      );
      try {
        const { tools } = await client.listTools();
        expect(tools).toHaveLength(6);
      } finally {
        await client.close();
      }
      // Bounded: the live sessions stay at the cap (test/mcp/http.test.ts proves the heap flat after a
      // GC); RSS only shows garbage awaiting collection, so allow one collection cycle of headroom.
      expect(
        Math.max(...rss.slice(3)) - rss[2]!,
        `RSS per 100 clients: ${rss.map((x) => x.toFixed(0)).join(' ')} MB`,
      ).toBeLessThan(150);
    },
    scaled(240_000),
  );
});
