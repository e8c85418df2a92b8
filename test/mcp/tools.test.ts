/** The six tools over the SDK Client and InMemoryTransport, against an in-memory ManagerApi. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { TOOL_NAMES } from '../../src/mcp/index.js';
import { sliceBytes } from '../../src/mcp/tools-workspace.js';
import { waitFor } from '../helpers/env.js';
import { countTokens } from '../helpers/tokens.js';
import { call, connectMemory, err, ok, text, type Json } from './connect.js';
import { MemoryManager } from './memory-manager.js';

let manager: MemoryManager;
let client: Client;
let close: () => Promise<void>;
let logged: Awaited<ReturnType<typeof connectMemory>>['logged'];

beforeEach(async () => {
  manager = new MemoryManager();
  ({ client, close, logged } = await connectMemory(manager));
});
afterEach(async () => {
  await close();
});

async function create(args: Record<string, unknown> = {}): Promise<Json> {
  return ok(await call(client, 'ai_coder_create', { task: 'write the thing', ...args }));
}

describe('tools/list', () => {
  it('shows exactly the six tools, each with title, input schema and annotations, in ≤ 2,500 tokens', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect(t.description!.length, t.name).toBeGreaterThan(50);
      expect(t.inputSchema.type).toBe('object');
      // Output shapes are documented in docs/mcp.md, not sent: the model reads the text.
      expect(t.outputSchema, t.name).toBeUndefined();
      expect(t.inputSchema.$schema, t.name).toBeUndefined();
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    // Hints equal to the spec's defaults are left out (readOnlyHint false, idempotentHint false,
    // openWorldHint true), and so are the hints a read-only tool ignores; destructiveHint of a tool
    // that writes is always sent.
    const hints = (n: string) => byName.get(n)!.annotations!;
    for (const n of ['ai_coder_list', 'ai_coder_status', 'ai_coder_logs']) {
      expect(hints(n), n).toEqual({ readOnlyHint: true, openWorldHint: false });
    }
    expect(hints('ai_coder_control')).toEqual({ destructiveHint: true });
    // workspace commits and merges: it writes, but never destructively
    expect(hints('ai_coder_workspace')).toEqual({ destructiveHint: false, openWorldHint: false });
    expect(hints('ai_coder_create')).toEqual({ destructiveHint: false });
    const create = byName.get('ai_coder_create')!.inputSchema;
    expect(create.required).toEqual(['task']);
    expect((create.properties as Json).task).toMatchObject({
      type: 'string',
      minLength: 1,
      maxLength: 20000,
    });
    expect((create.properties as Json).workspace_files).toMatchObject({ type: 'array', maxItems: 50 });
    expect((create.properties as Json).autostart).toMatchObject({ type: 'boolean', default: true });
    // The tools/list budget (o200k_base tokens, as bench/mcp-tokens.mjs counts them).
    expect(countTokens(JSON.stringify({ tools }))).toBeLessThanOrEqual(2500);
    // The tools never change: tools.listChanged is not declared.
    expect(client.getServerCapabilities()?.tools).toEqual({});
  });

  it('answers an unknown tool with a JSON-RPC error, not a tool result', async () => {
    await expect(client.callTool({ name: 'ai_coder_explode', arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/Unknown tool: ai_coder_explode/),
    });
  });
});

describe('ai_coder_create', () => {
  it('returns the record at once as structuredContent and the same JSON as text', async () => {
    const res = await call(client, 'ai_coder_create', { task: 'add a flag', name: 'flag', autostart: false });
    const c = ok(res);
    expect(c).toMatchObject({ name: 'flag', state: 'created', provider: 'lines', stats: '' });
    expect(c.age).toMatch(/^\d+[smhd]$/);
    expect(c.task).toBeUndefined();
    expect(manager.coders.get(c.id)).toBeDefined();
    expect((await create()).state).toBe('queued');
  });

  it('refuses a 20001-character task naming task and the rule', async () => {
    const msg = err(await call(client, 'ai_coder_create', { task: 'x'.repeat(20001) }));
    expect(msg).toMatch(/task must be 1–20000 characters/);
    expect(manager.coders.size).toBe(0);
    ok(await call(client, 'ai_coder_create', { task: 'x'.repeat(20000) }));
  });

  it('names the field for wrong types, missing fields and unknown fields', async () => {
    expect(err(await call(client, 'ai_coder_create', { task: 42 }))).toMatch(
      /task must be a string \(got number\)/,
    );
    expect(err(await call(client, 'ai_coder_create', {}))).toMatch(
      /task is required; fix task and call again$/,
    );
    expect(err(await call(client, 'ai_coder_create', { task: 't', autostart: 'yes' }))).toMatch(
      /autostart must be a boolean \(got string\)/,
    );
    expect(err(await call(client, 'ai_coder_create', { task: 't', tsk: 1 }))).toMatch(
      /unknown field "tsk" \(allowed: task, repo, provider,/,
    );
    const many = Array.from({ length: 51 }, (_, i) => `f${i}.txt`);
    expect(err(await call(client, 'ai_coder_create', { task: 't', workspace_files: many }))).toMatch(
      /workspace_files must name at most 50 paths/,
    );
    expect(manager.coders.size).toBe(0);
  });

  it('refuses workspace_files outside the repo, naming the entry', async () => {
    expect(
      err(await call(client, 'ai_coder_create', { task: 't', workspace_files: ['../../etc/passwd'] })),
    ).toMatch(/workspace_files\[0\] must not contain '\.\.'.*fix workspace_files\[0\]/);
    expect(
      err(await call(client, 'ai_coder_create', { task: 't', workspace_files: ['a', '/etc/passwd'] })),
    ).toMatch(/workspace_files\[1\] must be a relative path/);
  });

  it('lists the registered providers when the provider is unknown', async () => {
    expect(err(await call(client, 'ai_coder_create', { task: 't', provider: 'nope' }))).toBe(
      "unknown provider 'nope'; registered providers: lines, claude",
    );
  });
});

describe('ai_coder_list', () => {
  it('pages newest first with total and next_cursor, filtered by state', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await create({ task: `task ${i}` }));
    manager.setState(made[0]!.id, 'stopped');
    const page1 = ok(await call(client, 'ai_coder_list', { limit: 2 }));
    expect(page1.total).toBe(5);
    expect(page1.coders.map((c: Json) => c.name)).toEqual(['task 4', 'task 3']);
    const page2 = ok(await call(client, 'ai_coder_list', { limit: 2, cursor: page1.next_cursor }));
    expect(page2.coders.map((c: Json) => c.name)).toEqual(['task 2', 'task 1']);
    expect(ok(await call(client, 'ai_coder_list', { status_filter: 'active' })).total).toBe(4);
    expect(ok(await call(client, 'ai_coder_list', { status_filter: 'stopped' })).coders[0].id).toBe(
      made[0]!.id,
    );
    expect(ok(await call(client, 'ai_coder_list', { status_filter: ['stopped', 'queued'] })).total).toBe(5);
    expect(ok(await call(client, 'ai_coder_list', {})).next_cursor).toBeNull();
  });

  it('returns compact records by default (≤ 60 tokens each) and whole ones with detail "full"', async () => {
    for (let i = 0; i < 5; i++)
      await create({ task: `fix the flaky export test number ${i} and add a regression test` });
    const c = [...manager.coders.values()][0]!;
    manager.update(c.id, {
      stats: {
        turns: 9,
        tokens_in: 48210,
        tokens_out: 3904,
        cost_usd: 0.1873,
        cost_estimated: false,
        files_changed: 2,
        last_message: 'x',
      },
    });
    manager.setState(c.id, 'starting');
    manager.setState(c.id, 'running');
    manager.setState(c.id, 'needs_input', { question: 'Which branch should I base the fix on?' });
    const compact = await call(client, 'ai_coder_list', {});
    const list = ok(compact);
    const asked = list.coders.find((x: Json) => x.id === c.id);
    expect(asked).toMatchObject({
      state: 'needs_input',
      stats: '9 turns, 52k tokens, $0.19, 2 files',
      question: 'Which branch should I base the fix on?',
    });
    // The default branch (aicoder/<id>-<slug of name>) is left out; the text table still shows it.
    expect(Object.keys(list.coders[1]).sort()).toEqual(['age', 'id', 'name', 'provider', 'state', 'stats']);
    const second = list.coders[1];
    const branch = manager.coders.get(second.id)!.branch;
    expect(branch).toMatch(new RegExp(`^aicoder/${second.id}-fix-the-flaky-export-test-number-\\d-and$`));
    expect(text(compact)).toContain(` | ${branch} | `);
    // What Codex and Gemini read (the text) and what Claude Code reads (structuredContent as JSON).
    expect(countTokens(text(compact)) / 5).toBeLessThanOrEqual(60);
    expect(countTokens(JSON.stringify(compact.structuredContent)) / 5).toBeLessThanOrEqual(60);
    const full = ok(await call(client, 'ai_coder_list', { detail: 'full' }));
    expect(full.coders[0]).toMatchObject({
      task: expect.any(String),
      workspace: expect.any(String),
      limits: expect.any(Object),
    });
  });

  it('gives the branch in a compact record only when it is not the default one', async () => {
    const chosen = await create({ task: 'fix it', branch: 'feature/export-json' });
    expect(chosen.branch).toBe('feature/export-json');
    const renamed = await create({ task: 'fix it', name: 'first name' });
    expect(renamed.branch).toBeUndefined();
    // A record whose name no longer gives its branch (e.g. made before the default followed the name).
    manager.update(renamed.id, { name: 'another name' });
    const got = ok(await call(client, 'ai_coder_status', { coder_id: renamed.id }));
    expect(got.branch).toBe(`aicoder/${renamed.id}-first-name`);
    // CJK and emoji names slug to "task".
    const cjk = await create({ task: '修复导出 🚀' });
    expect(manager.coders.get(cjk.id)!.branch).toBe(`aicoder/${cjk.id}-task`);
    expect(cjk.branch).toBeUndefined();
    const listed = await call(client, 'ai_coder_list', {});
    expect(text(listed)).toContain(` | feature/export-json | `);
    expect(text(listed)).toContain(` | aicoder/${cjk.id}-task | `);
  });

  it('names bad filters and limits', async () => {
    expect(err(await call(client, 'ai_coder_list', { limit: 0 }))).toMatch(
      /limit must be an integer from 1 to 100; fix limit/,
    );
    expect(err(await call(client, 'ai_coder_list', { limit: 101 }))).toMatch(
      /limit must be an integer from 1 to 100/,
    );
    expect(err(await call(client, 'ai_coder_list', { status_filter: 'sleeping' }))).toMatch(
      /status_filter must be a state, "active", "all", or a list of these such as \["running","needs_input"\]/,
    );
    // The list's items are not enumerated in tools/list, but checked by the same rule.
    expect(err(await call(client, 'ai_coder_list', { status_filter: ['running', 'sleeping'] }))).toMatch(
      /status_filter\[1\] must be a state, "active", "all", or a list of these such as \["running","needs_input"\]/,
    );
    expect(err(await call(client, 'ai_coder_list', { status_filter: [] }))).toMatch(/status_filter/);
  });
});

describe('ai_coder_control', () => {
  it('acts through the state machine and accepts unique id prefixes', async () => {
    const c = await create({ autostart: false });
    const started = ok(
      await call(client, 'ai_coder_control', { coder_id: c.id.slice(0, 4), action: 'start' }),
    );
    expect(started).toMatchObject({ removed: false, coder: { id: c.id, state: 'queued' } });
    manager.setState(c.id, 'starting');
    manager.setState(c.id, 'running');
    expect(ok(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'pause' })).coder.state).toBe(
      'paused',
    );
    const stopped = ok(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'stop' }));
    expect(stopped.coder.state).toBe('stopped');
    const removed = ok(
      await call(client, 'ai_coder_control', { coder_id: c.id, action: 'remove', force: true }),
    );
    expect(removed.removed).toBe(true);
    expect(manager.coders.has(c.id)).toBe(false);
  });

  it('gives the next step for unknown ids and illegal transitions', async () => {
    expect(err(await call(client, 'ai_coder_control', { coder_id: 'zz', action: 'stop' }))).toBe(
      "no coder 'zz'; ai_coder_list shows the ids",
    );
    const c = await create();
    manager.setState(c.id, 'stopped');
    const msg = err(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'pause' }));
    expect(msg).toBe(
      `cannot pause coder ${c.id}: it is stopped; allowed actions while stopped: restart, remove, check`,
    );
  });

  it('requires message for action message, and only there', async () => {
    const c = await create();
    expect(err(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'message' }))).toMatch(
      /^message is required when action is "message"; fix message and call again$/,
    );
    expect(
      err(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'stop', message: 'hi' })),
    ).toMatch(/message is only used with actions "message" and "answer"/);
    expect(
      err(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'stop', force: true })),
    ).toMatch(/force is only used with action "remove"/);
    expect(err(await call(client, 'ai_coder_control', { coder_id: c.id, action: 'explode' }))).toMatch(
      /action must be one of "start", "pause", .* \(got "explode"\)/,
    );
    expect(err(await call(client, 'ai_coder_control', { action: 'stop' }))).toMatch(/coder_id is required/);
  });
});

describe('ai_coder_status', () => {
  it('returns the compact record, and the full one with stats on detail "full"', async () => {
    const c = await create();
    expect(ok(await call(client, 'ai_coder_status', { coder_id: c.id }))).toMatchObject({
      id: c.id,
      state: 'queued',
      stats: '',
    });
    const s = ok(await call(client, 'ai_coder_status', { coder_id: c.id, detail: 'full' }));
    expect(s).toMatchObject({ id: c.id, state: 'queued', stats: { turns: 0, last_message: null } });
    expect(s.timed_out).toBeUndefined();
  });

  it('waits for terminal, sending progress with the state and last message', async () => {
    const c = await create();
    const progress: { progress: number; message?: string }[] = [];
    const pending = client.callTool(
      { name: 'ai_coder_status', arguments: { coder_id: c.id, wait_for: 'terminal', timeout_s: 20 } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    await waitFor(() => progress.length >= 1, { what: 'first progress' });
    manager.setState(c.id, 'starting');
    manager.setState(c.id, 'running', { pid: 123 });
    manager.update(c.id, { stats: { ...c.stats, turns: 1, last_message: 'Reading the code' } });
    await waitFor(() => progress.some((p) => p.message === 'running: Reading the code'), {
      what: 'progress',
    });
    manager.setState(c.id, 'completed', { exit_code: 0 });
    const res = ok(await pending);
    expect(res).toMatchObject({ id: c.id, state: 'completed', timed_out: false });
    expect(progress[0]!.message).toBe('queued');
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.map((p) => p.message)).toContain('running');
  });

  it('says timed_out when the state is not reached in time', async () => {
    const c = await create();
    const res = ok(
      await call(client, 'ai_coder_status', { coder_id: c.id, wait_for: ['running'], timeout_s: 0.05 }),
    );
    expect(res).toMatchObject({ state: 'queued', timed_out: true });
  });

  it('names bad waits', async () => {
    const c = await create();
    expect(
      err(await call(client, 'ai_coder_status', { coder_id: c.id, wait_for: 'terminal', timeout_s: 51 })),
    ).toMatch(/timeout_s must be at most 50/);
    for (const bad of [['done'], 'completed', 3]) {
      expect(err(await call(client, 'ai_coder_status', { coder_id: c.id, wait_for: bad }))).toMatch(
        'wait_for must be "terminal" or a list of states such as ["needs_input","completed"]',
      );
    }
    expect(err(await call(client, 'ai_coder_status', { coder_id: c.id, timeout_s: 5 }))).toMatch(
      /timeout_s is only used with wait_for/,
    );
    expect(err(await call(client, 'ai_coder_status', { coder_id: 123 }))).toMatch(
      /coder_id must be a string \(got number\)/,
    );
  });
});

describe('ai_coder_logs', () => {
  it('returns the tail, or entries after since_seq, with next_seq and done', async () => {
    const c = await create();
    for (let i = 1; i <= 5; i++) manager.appendLog(c.id, `line ${i}`, i === 3 ? 'error' : 'text');
    const text2 = await call(client, 'ai_coder_logs', { coder_id: c.id, tail: 2 });
    expect(ok(text2)).toEqual({
      coder_id: c.id,
      lines: '4 text: line 4\n5 text: line 5',
      next_seq: 5,
      done: false,
    });
    expect(text(text2)).toBe('4 text: line 4\n5 text: line 5\n[next_seq 5]');
    const tail = ok(await call(client, 'ai_coder_logs', { coder_id: c.id, tail: 2, format: 'entries' }));
    expect(tail.entries.map((e: Json) => e.text)).toEqual(['line 4', 'line 5']);
    expect(Object.keys(tail.entries[0]).sort()).toEqual(['kind', 'seq', 'stream', 'text', 'ts']);
    expect(tail).toMatchObject({ next_seq: 5, done: false });
    const since = ok(
      await call(client, 'ai_coder_logs', { coder_id: c.id, since_seq: 3, format: 'entries' }),
    );
    expect(since.entries.map((e: Json) => e.seq)).toEqual([4, 5]);
    const page1 = ok(
      await call(client, 'ai_coder_logs', { coder_id: c.id, since_seq: 1, tail: 2, format: 'entries' }),
    );
    expect(page1.entries.map((e: Json) => e.seq)).toEqual([2, 3]);
    expect(page1).toMatchObject({ next_seq: 3, done: false });
    const page2 = ok(
      await call(client, 'ai_coder_logs', {
        coder_id: c.id,
        since_seq: page1.next_seq,
        tail: 2,
        format: 'entries',
      }),
    );
    expect(page2.entries.map((e: Json) => e.seq)).toEqual([4, 5]);
    const errors = ok(
      await call(client, 'ai_coder_logs', { coder_id: c.id, kinds: ['error'], format: 'entries' }),
    );
    expect(errors.entries.map((e: Json) => e.text)).toEqual(['line 3']);
    manager.setState(c.id, 'stopped');
    expect(ok(await call(client, 'ai_coder_logs', { coder_id: c.id, since_seq: 5 })).done).toBe(true);
  });

  it('follows new entries, sending each as progress while it waits', async () => {
    const c = await create();
    manager.appendLog(c.id, 'old');
    const progress: { progress: number; message?: string }[] = [];
    let result: Json = undefined;
    const pending = client
      .callTool(
        {
          name: 'ai_coder_logs',
          arguments: {
            coder_id: c.id,
            since_seq: 1,
            follow: true,
            timeout_s: 20,
            format: 'entries',
            tail: 3,
          },
        },
        undefined,
        { onprogress: (p) => progress.push(p) },
      )
      .then((r) => (result = ok(r)));
    // The follow is registered once the tool has read the current logs; then the lines arrive.
    await waitFor(() => manager.bus.size > 0, { what: 'follow registered' });
    manager.appendLog(c.id, 'fresh line');
    // The first entry reaches the client as progress while the call is still waiting for more.
    await waitFor(() => progress.length === 1, { what: 'progress for the first entry' });
    expect(result).toBeUndefined();
    manager.appendLog(c.id, 'second');
    await waitFor(() => progress.length === 2, { what: 'progress for the second entry' });
    manager.appendLog(c.id, 'third');
    await pending;
    expect(result!.entries.map((e: Json) => e.text)).toEqual(['fresh line', 'second', 'third']);
    expect(result).toMatchObject({ next_seq: 4, done: false, timed_out: false });
    expect(progress.map((p) => p.message)).toEqual(['2 text: fresh line', '3 text: second', '4 text: third']);
  });

  it('times out a follow with no new entry', async () => {
    const c = await create();
    const res = ok(await call(client, 'ai_coder_logs', { coder_id: c.id, follow: true, timeout_s: 0.05 }));
    expect(res).toMatchObject({ lines: '', timed_out: true, done: false });
  });

  it('names bad tails', async () => {
    const c = await create();
    expect(err(await call(client, 'ai_coder_logs', { coder_id: c.id, tail: 1001 }))).toMatch(
      /tail must be an integer from 1 to 1000/,
    );
    expect(err(await call(client, 'ai_coder_logs', { coder_id: c.id, since_seq: -1 }))).toMatch(/since_seq/);
    expect(err(await call(client, 'ai_coder_logs', { coder_id: c.id, timeout_s: 3 }))).toMatch(
      /timeout_s is only used with follow: true/,
    );
  });
});

describe('ai_coder_workspace', () => {
  it('lists, reads, diffs and shows changes', async () => {
    const c = await create();
    const list = ok(await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'list' }));
    expect(list).toEqual({
      coder_id: c.id,
      operation: 'list',
      files: [{ path: 'README.md', size: 8, tracked: true }],
      total: 1,
      next_cursor: null,
    });
    const read = ok(
      await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'read', path: 'README.md' }),
    );
    expect(read.file).toMatchObject({ content: '# hello\n', binary: false, truncated: false });
    manager.diffText = 'diff --git a/x b/x\n' + 'é'.repeat(100);
    const d1 = ok(
      await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'diff', max_bytes: 30 }),
    );
    expect(d1).toMatchObject({ diff_bytes: 219, truncated: true });
    const d2 = ok(
      await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'diff', offset: d1.next_offset }),
    );
    expect(d1.diff + d2.diff).toBe(manager.diffText);
    expect(d2).toMatchObject({ truncated: false, next_offset: null });
    const ch = ok(await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'changes' }));
    expect(ch.changes[0]).toMatchObject({ path: 'README.md', status: 'modified' });
  });

  it('refuses paths outside the worktree and names them', async () => {
    const c = await create();
    const read = (path: unknown) =>
      call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'read', path });
    expect(err(await read('../../etc/passwd'))).toBe(
      "path must not contain '..' (got '../../etc/passwd'); fix path and call again",
    );
    expect(err(await read('/etc/passwd'))).toBe(
      "path must be a relative path (got '/etc/passwd'); fix path and call again",
    );
    expect(err(await read('nope.txt'))).toMatch(/no file 'nope.txt'.*operation "list" shows the files/);
    expect(err(await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'read' }))).toMatch(
      /path is required for operation "read"/,
    );
    expect(
      err(
        await call(client, 'ai_coder_workspace', {
          coder_id: c.id,
          operation: 'read',
          path: 'README.md',
          max_bytes: 2_000_000,
        }),
      ),
    ).toMatch(/max_bytes must be an integer from 1 to 1048576/);
    expect(err(await call(client, 'ai_coder_workspace', { coder_id: 'zz', operation: 'list' }))).toBe(
      "no coder 'zz'; ai_coder_list shows the ids",
    );
  });
});

describe('errors', () => {
  it('turns unexpected failures into isError results and logs them', async () => {
    const c = await create();
    manager.diff = () => Promise.reject(new Error('disk on fire'));
    expect(err(await call(client, 'ai_coder_workspace', { coder_id: c.id, operation: 'diff' }))).toBe(
      "disk on fire; this is a bug in aicoder; the daemon's log has the details",
    );
    expect(logged.some((l) => l.level === 'error' && String(l.data?.error).includes('disk on fire'))).toBe(
      true,
    );
  });
});

describe('sliceBytes', () => {
  it('never splits a character and reports the next offset', () => {
    expect(sliceBytes('aé€', 0, 2)).toEqual({ text: 'a', total: 6, next_offset: 1 });
    expect(sliceBytes('aé€', 1, 4)).toEqual({ text: 'é', total: 6, next_offset: 3 });
    expect(sliceBytes('aé€', 3, 10)).toEqual({ text: '€', total: 6, next_offset: null });
    expect(sliceBytes('abc', 9, 10)).toEqual({ text: '', total: 3, next_offset: null });
  });
});
