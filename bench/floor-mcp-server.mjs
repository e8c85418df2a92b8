#!/usr/bin/env node
/**
 * The floor of figure 2: a bare MCP SDK server with one trivial tool, over Streamable HTTP with
 * sessions (as the daemon serves it), in its own process. Prints its port on stdout.
 *
 * `ping` answers "pong". `answer` answers whatever `keep` was last given ({content,
 * structuredContent}, untouched): the same bytes as a real answer, without the work of making them,
 * so a bench can tell what the answer's size costs the SDK from what the server's work costs.
 */
/* global console, Buffer, process */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const transports = new Map();
let kept = { content: [{ type: 'text', text: 'nothing kept' }] };
const http = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sid = req.headers['mcp-session-id'];
    let t = sid ? transports.get(sid) : undefined;
    if (!t) {
      const server = new McpServer({ name: 'floor', version: '1.0.0' });
      server.registerTool(
        'ping',
        { description: 'trivial', inputSchema: { n: z.number().optional() } },
        async () => ({ content: [{ type: 'text', text: 'pong' }] }),
      );
      server.registerTool(
        'keep',
        { description: 'keeps the result answer gives', inputSchema: { result: z.any() } },
        async ({ result }) => {
          kept = result;
          return { content: [{ type: 'text', text: 'kept' }] };
        },
      );
      server.registerTool('answer', { description: 'answers the kept result' }, async () => kept);
      t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, t),
      });
      void server.connect(t).then(() => t.handleRequest(req, res, body));
      return;
    }
    void t.handleRequest(req, res, body);
  });
});
http.listen(0, '127.0.0.1', () => console.log(String(http.address().port)));
// An orderly exit on the bench's kill, so that `--cpu-prof` (BENCH_FLOOR_NODE_ARGS) writes its profile.
process.on('SIGTERM', () => process.exit(0));
