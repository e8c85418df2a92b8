/**
 * docs/tui.md stays in sync with the code: its screen captures are renders of the App over a fixed
 * in-memory client, and its key table is generated from the bindings table.
 * The demo coders get their branch and worktree from the daemon's own functions and their log from
 * the real Claude Code parser. Regenerate with: npm run docs:tui
 */
import { afterEach, expect, test, vi } from 'vitest';

vi.hoisted(() => {
  process.env.TZ = 'UTC'; // log timestamps are shown in local time
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import * as prettier from 'prettier';
import { defaultBranch } from '../../src/core/ids.js';
import { worktreePath } from '../../src/core/paths.js';
import { createClaudeParser } from '../../src/providers/claude.js';
import { bindingsMarkdown } from '../../src/tui/bindings.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, renderApp } from './render.js';

afterEach(() => cleanup());

const DOC = join(import.meta.dirname, '../../docs/tui.md');
const T = (minAgo: number): string => new Date(NOW - minAgo * 60_000).toISOString();

const HOME = '/home/dev/.aicoder';

/** Branch and worktree as the daemon makes them (core/ids.ts, core/paths.ts). */
function where(id: string, repo: string, task: string): { repo: string; branch: string; workspace: string } {
  return { repo, branch: defaultBranch(id, task), workspace: worktreePath(HOME, repo, id) };
}

function assistant(block: Record<string, unknown>): string {
  return JSON.stringify({ type: 'assistant', message: { role: 'assistant', content: [block] } });
}

function demoClient(): MemoryClient {
  const c = new MemoryClient({ now: () => NOW - 60_000, baseUrl: 'http://127.0.0.1:7777' });
  c.add({
    id: '3f9a1c2e',
    name: 'fix flaky login test',
    task: 'The login test fails one run in ten; find the race and fix it without sleeping.',
    provider: 'claude',
    model: 'sonnet',
    ...where('3f9a1c2e', '/home/dev/webapp', 'fix the flaky login test'),
    state: 'completed',
    session_id: '5d1e0b7a-1b2c-4d5e-8f90-123456789abc',
    exit_code: 0,
    created_at: T(95),
    stats: {
      turns: 14,
      tokens_in: 182_000,
      tokens_out: 9_400,
      cost_usd: 0.87,
      cost_estimated: false,
      files_changed: 2,
      last_message: 'Fixed: the test awaited the wrong promise.',
    },
  });
  c.add({
    id: '8b20d4f1',
    name: 'add rate limiting',
    provider: 'codex',
    ...where('8b20d4f1', '/home/dev/webapp', 'add rate limiting'),
    state: 'paused',
    pid: 48211,
    created_at: T(41),
    stats: {
      turns: 6,
      tokens_in: 64_000,
      tokens_out: 3_100,
      cost_usd: 0.31,
      cost_estimated: true,
      files_changed: 3,
      last_message: 'Middleware added; writing tests next.',
    },
  });
  c.add({
    id: 'c41e77a0',
    name: 'upgrade to node 22',
    provider: 'gemini',
    ...where('c41e77a0', '/home/dev/api', 'upgrade to node 22'),
    state: 'failed',
    exit_code: 1,
    error: 'agent exited with code 1: npm ERR! engine node@22 not found',
    created_at: T(23),
    stats: {
      turns: 3,
      tokens_in: 21_000,
      tokens_out: 900,
      cost_usd: 0.04,
      cost_estimated: true,
      files_changed: 1,
      last_message: null,
    },
  });
  c.add({
    id: 'e7d5b903',
    name: 'write API docs for /orders',
    task: 'Document every /orders endpoint in docs/api.md with request and response examples.',
    provider: 'claude',
    ...where('e7d5b903', '/home/dev/api', 'write API docs for /orders'),
    state: 'running',
    pid: 48377,
    session_id: '9c0f3e21-7a6b-4c5d-9e8f-0a1b2c3d4e5f',
    created_at: T(7),
    stats: {
      turns: 4,
      tokens_in: 38_000,
      tokens_out: 2_200,
      cost_usd: 0.19,
      cost_estimated: false,
      files_changed: 1,
      last_message: 'Reading src/routes/orders.ts',
    },
  });
  // The log is what the real Claude Code parser makes of its stream-json output (real kind names).
  const parser = createClaudeParser();
  const lines: [string, 'stdout' | 'stderr'][] = [
    [assistant({ type: 'text', text: 'Reading the /orders routes to list every endpoint.' }), 'stdout'],
    [
      assistant({ type: 'tool_use', id: 't1', name: 'Read', input: { file_path: 'src/routes/orders.ts' } }),
      'stdout',
    ],
    [
      JSON.stringify({
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              content: 'GET /orders, GET /orders/:id, POST /orders, PATCH /orders/:id, DELETE /orders/:id',
            },
          ],
        },
      }),
      'stdout',
    ],
    [assistant({ type: 'tool_use', id: 't2', name: 'Write', input: { file_path: 'docs/api.md' } }), 'stdout'],
    ['warning: docs/api.md did not exist; creating it', 'stderr'],
    [assistant({ type: 'text', text: 'Drafted GET /orders with a paginated response example.' }), 'stdout'],
    [
      assistant({ type: 'text', text: 'Now documenting POST /orders (validation errors included).' }),
      'stdout',
    ],
  ];
  for (const [line, stream] of lines) {
    for (const ev of parser.parse(line, stream)) {
      if (ev.text === '') continue;
      c.appendLogs('e7d5b903', [ev.text], { kind: ev.kind, stream });
    }
  }
  return c;
}

async function capture(columns: number, rows: number): Promise<string> {
  const r = renderApp(demoClient(), { columns, rows });
  const f = await frame(r, (x) => x.includes('#1–') && x.includes('Coders 4'), 'demo screen');
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
    'screen-60x15': '```text\n' + (await capture(60, 15)) + '\n```\n',
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
