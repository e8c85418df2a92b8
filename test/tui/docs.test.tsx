/**
 * docs/tui.md stays in sync with the code: its screen captures are renders of the App over a fixed
 * in-memory client, and its key table is generated from the bindings table.
 * Regenerate with: UPDATE_DOCS=1 npx vitest run test/tui/docs.test.tsx
 */
import { afterEach, expect, test, vi } from 'vitest';

vi.hoisted(() => {
  process.env.TZ = 'UTC'; // log timestamps are shown in local time
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import * as prettier from 'prettier';
import { bindingsMarkdown } from '../../src/tui/bindings.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, renderApp } from './render.js';

afterEach(() => cleanup());

const DOC = join(import.meta.dirname, '../../docs/tui.md');
const T = (minAgo: number): string => new Date(NOW - minAgo * 60_000).toISOString();

function demoClient(): MemoryClient {
  const c = new MemoryClient({ now: () => NOW - 60_000, baseUrl: 'http://127.0.0.1:7777' });
  c.add({
    id: '3f9a1c2e',
    name: 'fix flaky login test',
    task: 'The login test fails one run in ten; find the race and fix it without sleeping.',
    provider: 'claude',
    model: 'sonnet',
    repo: '/home/dev/webapp',
    branch: 'aicoder/fix-flaky-login-test',
    workspace: '/home/dev/.aicoder/worktrees/3f9a1c2e',
    state: 'completed',
    session_id: '5d1e0b7a-1b2c-4d5e-8f90-123456789abc',
    exit_code: 0,
    created_at: T(95),
    stats: {
      turns: 14,
      tokens_in: 182_000,
      tokens_out: 9_400,
      cost_usd: 0.87,
      files_changed: 2,
      last_message: 'Fixed: the test awaited the wrong promise.',
    },
  });
  c.add({
    id: '8b20d4f1',
    name: 'add rate limiting',
    provider: 'codex',
    repo: '/home/dev/webapp',
    branch: 'aicoder/add-rate-limiting',
    state: 'paused',
    pid: 48211,
    created_at: T(41),
    stats: {
      turns: 6,
      tokens_in: 64_000,
      tokens_out: 3_100,
      cost_usd: 0.31,
      files_changed: 3,
      last_message: 'Middleware added; writing tests next.',
    },
  });
  c.add({
    id: 'c41e77a0',
    name: 'upgrade to node 22',
    provider: 'gemini',
    repo: '/home/dev/api',
    branch: 'aicoder/upgrade-to-node-22',
    state: 'failed',
    exit_code: 1,
    error: 'agent exited with code 1: npm ERR! engine node@22 not found',
    created_at: T(23),
    stats: {
      turns: 3,
      tokens_in: 21_000,
      tokens_out: 900,
      cost_usd: 0.04,
      files_changed: 1,
      last_message: null,
    },
  });
  c.add({
    id: 'e7d5b903',
    name: 'write API docs for /orders',
    task: 'Document every /orders endpoint in docs/api.md with request and response examples.',
    provider: 'claude',
    repo: '/home/dev/api',
    branch: 'aicoder/write-api-docs-for-orders',
    workspace: '/home/dev/.aicoder/worktrees/e7d5b903',
    state: 'running',
    pid: 48377,
    session_id: '9c0f3e21-7a6b-4c5d-9e8f-0a1b2c3d4e5f',
    created_at: T(7),
    stats: {
      turns: 4,
      tokens_in: 38_000,
      tokens_out: 2_200,
      cost_usd: 0.19,
      files_changed: 1,
      last_message: 'Reading src/routes/orders.ts',
    },
  });
  c.appendLogs('e7d5b903', ['Reading the /orders routes to list every endpoint.'], { kind: 'assistant' });
  c.appendLogs('e7d5b903', ['Read src/routes/orders.ts'], { kind: 'tool_use' });
  c.appendLogs(
    'e7d5b903',
    ['GET /orders, GET /orders/:id, POST /orders, PATCH /orders/:id, DELETE /orders/:id'],
    { kind: 'tool_result' },
  );
  c.appendLogs('e7d5b903', ['Write docs/api.md'], { kind: 'tool_use' });
  c.appendLogs('e7d5b903', ['warning: docs/api.md did not exist; creating it'], { stream: 'stderr' });
  c.appendLogs('e7d5b903', ['Drafted GET /orders with a paginated response example.'], { kind: 'assistant' });
  c.appendLogs('e7d5b903', ['Now documenting POST /orders (validation errors included).'], {
    kind: 'assistant',
  });
  return c;
}

async function capture(columns: number, rows: number): Promise<string> {
  const r = renderApp(demoClient(), { columns, rows });
  const f = await frame(r, (x) => x.includes('#1–7') && x.includes('Coders 4'), 'demo screen');
  r.unmount();
  return f
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

function replaceBlock(doc: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(doc)) throw new Error(`docs/tui.md has no ${name} block`);
  return doc.replace(re, (_, start: string, end: string) => `${start}${body}${end}`);
}

test('docs/tui.md: screen captures are renders of the App, the key table is the bindings table', async () => {
  const blocks = {
    'screen-80x24': '```text\n' + (await capture(80, 24)) + '\n```\n',
    'screen-120x30': '```text\n' + (await capture(120, 30)) + '\n```\n',
    keys: bindingsMarkdown(),
  };
  const doc = readFileSync(DOC, 'utf8');
  let want = doc;
  for (const [name, body] of Object.entries(blocks)) want = replaceBlock(want, name, body);
  // The file is kept Prettier-formatted (tables aligned), so compare with the formatted expectation.
  const options = (await prettier.resolveConfig(DOC)) ?? {};
  want = await prettier.format(want, { ...options, filepath: DOC });
  if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, want);
  else
    expect(doc, 'docs/tui.md is out of date: UPDATE_DOCS=1 npx vitest run test/tui/docs.test.tsx').toBe(want);
});
