/** /mcp is mounted on the daemon behind the same Host guard, and `aicoder mcp` bridges stdio to it. */
import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTemp } from '../helpers/env.js';
import { BIN, makeHome, type TestHome } from '../helpers/daemon.js';

let h: TestHome | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

function statusWithHost(home: TestHome, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: home.port,
        method: 'POST',
        path: '/mcp',
        headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

describe('MCP on the daemon', () => {
  it('serves the tools over HTTP at /mcp and over stdio through `aicoder mcp` (which starts the daemon)', async () => {
    h = await makeHome();
    // No daemon yet: the stdio bridge starts it.
    const stdio = new Client({ name: 'test', version: '1' });
    await stdio.connect(
      new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: h.env, stderr: 'pipe' }),
    );
    // tools/list is answered by the bridge itself; a call waits for the daemon it starts.
    const viaStdio = (await stdio.listTools()).tools.map((t) => t.name).sort();
    const list = await stdio.callTool({ name: 'ai_coder_list', arguments: {} });
    expect(list.isError).toBeFalsy();
    await stdio.close();
    expect(viaStdio).toHaveLength(6);
    expect(viaStdio.every((n) => n.startsWith('ai_coder_'))).toBe(true);

    const http = new Client({ name: 'test', version: '1' });
    await http.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    expect((await http.listTools()).tools.map((t) => t.name).sort()).toEqual(viaStdio);
    await http.close();

    expect(await statusWithHost(h, `evil.example:${h.port}`)).toBe(403);
  });
});
