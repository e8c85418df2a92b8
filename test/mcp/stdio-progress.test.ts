/**
 * Progress through `aicoder mcp` (the stdio bridge, a real child process) in front of a real daemon.
 *
 * The MCP TypeScript SDK's Protocol (every SDK-based client: the Inspector, Gemini CLI, Claude Code)
 * runs a notification's handler one microtask later, but handles a response at once and then forgets
 * the request's progress token. When a progress notification and its request's result reach the
 * client in the same stdout read, the progress is dropped as "unknown token" (SDK issue #2580; Claude
 * Code even drops the connection on it). A wait on a coder that has already ended sends exactly one
 * progress notification and then the result at once: the case where the two travel together. Repeated
 * enough times, a bridge that writes them back to back loses progress in some calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BIN, makeHome, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';
import { ok } from './connect.js';

let h: TestHome | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

const CALLS = 40;

describe('progress through the stdio bridge', () => {
  it(`reaches the client before the result in ${CALLS} of ${CALLS} waits`, async () => {
    h = await makeHome();
    await startDaemon(h);
    const repo = makeRepo();
    const client = new Client({ name: 'stdio-progress', version: '1.0.0' });
    const errors: string[] = [];
    client.onerror = (e) => errors.push(e.message);
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env: h.env, stderr: 'pipe' }),
    );
    try {
      const made = ok(
        (await client.callTool({
          name: 'ai_coder_create',
          arguments: { task: '2', repo, provider: 'lines' },
        })) as CallToolResult,
      );
      const ended = ok(
        (await client.callTool({
          name: 'ai_coder_status',
          arguments: { coder_id: made.id, wait_for: 'terminal', timeout_s: 50 },
        })) as CallToolResult,
      );
      expect(ended.state).toBe('completed');

      const counts: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        let n = 0;
        const res = ok(
          (await client.callTool(
            { name: 'ai_coder_status', arguments: { coder_id: made.id, wait_for: 'terminal', timeout_s: 5 } },
            undefined,
            { onprogress: () => (n += 1) },
          )) as CallToolResult,
        );
        expect(res.state).toBe('completed');
        counts.push(n);
      }
      expect(errors.filter((e) => /progress/.test(e))).toEqual([]);
      expect(counts).toEqual(counts.map(() => 1));
    } finally {
      await client.close();
    }
  });
});
