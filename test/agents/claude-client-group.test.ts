/**
 * Best of N driven by real Claude Code as the MCP client: `claude -p`, registered with aicoder as
 * docs/mcp.md says (`aicoder mcp add claude --transport http`), runs headless against the scripted
 * model server, whose script makes it call, in turn:
 *   ai_coder_create with `agents` (a claude and a codex member; each runs its real CLI against the
 *     scripted servers: claude writes answer.txt = 42, codex 41; the repo's check.sh wants 42),
 *   ai_coder_status on the group id create answered, waiting for `terminal` (again while it times out),
 *   ai_coder_workspace compare on the group,
 *   ai_coder_control pick on the member compare ranked best.
 * Every call after the first is computed from the tool results Claude Code sent back, as a model
 * would read them. The test then checks the repository: main got claude's answer, codex's worktree
 * is gone and its branch kept.
 *
 * `UPDATE_DOCS=1 npx vitest run test/agents/claude-client-group.test.ts` writes the session as
 * Claude Code printed it into docs/best-of-n.md (the `captured:claude` block).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { GroupView } from '../../src/core/group.js';
import { bin, claudeEnv } from '../fixtures/agent-env.js';
import { startModelServer, type ModelServer, type StaticStep } from '../fixtures/model-server/index.js';
import { startAgentDaemon } from '../helpers/agent-daemon.js';
import { cleanupHome, cliJson, runCli, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, git, makeRepo, tempDir } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { runCli as runAgent } from './run-cli.js';

const CLIENT_TAG = '[cc-client]';
const MEMBER_TAG = '[cc-member]';
const TASK = `Write answer.txt holding the answer to the question ${MEMBER_TAG}`;
/** The repo's check: answer.txt must hold 42. */
const CHECK_SH =
  'test "$(cat answer.txt 2>/dev/null)" = 42 || { echo "wrong answer: $(cat answer.txt 2>/dev/null)"; exit 1; }\n';
/** How many times the script asks for the group's status before it gives up (45 s each). */
const MAX_WAITS = 8;
const TOOL = (name: string): string => `mcp__aicoder__${name}`;

let anthropic: ModelServer;
let openai: ModelServer;
let h: TestHome;
let d: RunningDaemon | undefined;

beforeAll(async () => {
  anthropic = await startModelServer({ script: [] });
  openai = await startModelServer({
    script: [{ steps: [{ tool: 'write_file', path: 'answer.txt', content: '41\n' }, { text: 'Wrote 41.' }] }],
  });
  ({ h, d } = await startAgentDaemon(
    { claude: anthropic.url, codex: openai.url },
    { config: { default_provider: 'claude', max_concurrent: 4 } },
  ));
}, scaled(30_000));

afterAll(async () => {
  if (h) await cleanupHome(h, d);
  await anthropic?.close();
  await openai?.close();
  cleanupTemp();
});

/** A tool result as the model reads it: Claude Code sends the tool's structured content as JSON. */
function parsed(text: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    throw new Error(`a tool result is not JSON: ${String(text).slice(0, 300)}`);
  }
}

/**
 * The client's next move, from the tool results so far (what a model would decide on reading them):
 * create → status (repeated while the wait times out) → compare → pick the best → a final answer.
 * An error result ends the conversation with a text quoting it.
 */
function nextMove(repo: string): (results: readonly string[]) => StaticStep {
  return (results) => {
    if (results.length === 0) {
      const input = { task: TASK, repo, agents: [{ provider: 'claude' }, { provider: 'codex' }] };
      return { tool: 'raw', name: TOOL('ai_coder_create'), input, text: 'Starting two agents.' };
    }
    const last = parsed(results.at(-1));
    if ('error' in last || 'code' in last) return { text: `Stopped on an error: ${results.at(-1)}` };
    const group = parsed(results[0]);
    const gid = String(group.id);
    if (!/^g[0-9a-f]{7}$/.test(gid)) throw new Error(`create answered no group id: ${results[0]}`);
    const status = { tool: 'raw', name: TOOL('ai_coder_status') } as const;
    const wait = { coder_id: gid, wait_for: 'terminal', timeout_s: 45 };
    if (results.length === 1) return { ...status, input: wait };
    if ('members' in last && last.state !== 'ended') {
      if (results.length > MAX_WAITS) return { text: `Gave up waiting for ${gid}.` };
      return { ...status, input: wait };
    }
    if ('members' in last)
      return {
        tool: 'raw',
        name: TOOL('ai_coder_workspace'),
        input: { coder_id: gid, operation: 'compare' },
      };
    if ('compare' in last) {
      const best = String((last.compare as { best: unknown }).best);
      return { tool: 'raw', name: TOOL('ai_coder_control'), input: { coder_id: best, action: 'pick' } };
    }
    if ('pick' in last) {
      const picked = (last.coder as { id: string }).id;
      const base = (last.pick as { merge: { base_ref: string } }).merge.base_ref;
      return { text: `Picked ${picked}: its work is merged into ${base}.` };
    }
    throw new Error(`no move after ${results.at(-1)?.slice(0, 300)}`);
  };
}

interface Block {
  type: string;
  name?: string;
  input?: unknown;
  text?: string;
  content?: unknown;
}

/** The content blocks of a stream-json `assistant` or `user` event (none for other events). */
function contentOf(e: Record<string, unknown>): Block[] {
  if (e.type !== 'assistant' && e.type !== 'user') return [];
  const content = (e.message as { content?: unknown } | undefined)?.content;
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** A tool_result's content as text: a string, or its text blocks joined. */
function resultText(c: unknown): string {
  return Array.isArray(c) ? (c as Block[]).map((x) => x.text ?? '').join('\n') : String(c);
}

/** The session as Claude Code printed it (stream-json): its tool calls (→), their results (←), its answer. */
function transcript(events: Record<string, unknown>[]): string[] {
  const lines: string[] = [];
  for (const e of events) {
    for (const b of contentOf(e)) {
      if (b.type === 'tool_use') lines.push(`→ ${b.name} ${JSON.stringify(b.input)}`);
      if (e.type === 'assistant' && b.type === 'text') lines.push(`  ${b.text ?? ''}`);
      if (b.type === 'tool_result') lines.push(`← ${resultText(b.content)}`, '');
    }
  }
  const result = events.find((e) => e.type === 'result');
  if (result)
    lines.push(`result (${result.is_error === false ? 'ok' : 'error'}, ${String(result.num_turns)} turns)`);
  return lines;
}

function writeCapture(lines: string[]): void {
  if (process.env.UPDATE_DOCS !== '1') return;
  const file = new URL('../../docs/best-of-n.md', import.meta.url);
  const doc = readFileSync(file, 'utf8');
  const [start, end] = ['<!-- captured:claude -->', '<!-- /captured:claude -->'];
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/best-of-n.md has no ${start} … ${end} block`);
  const body = ['```text', ...lines.map((l) => l.replace(/[ \t]+$/gm, '')), '```'].join('\n');
  writeFileSync(file, `${doc.slice(0, a + start.length)}\n\n${body}\n\n${doc.slice(b)}`);
}

test(
  'Claude Code creates a claude+codex group, waits, compares and picks the best over MCP; main gets its work',
  async () => {
    const repo = makeRepo({
      'README.md': '# q\n',
      'check.sh': CHECK_SH,
      '.aicoder.json': JSON.stringify({ check: [['bash', 'check.sh']] }),
    });
    anthropic.setScript([
      // The client's conversation: every step is its next move, computed from the results so far.
      { when: CLIENT_TAG, steps: Array.from({ length: MAX_WAITS + 4 }, () => ({ compute: nextMove(repo) })) },
      // The claude member's.
      {
        when: MEMBER_TAG,
        steps: [{ tool: 'write_file', path: 'answer.txt', content: '42\n' }, { text: 'Wrote 42.' }],
      },
    ]);
    const client = claudeEnv({ serverUrl: anthropic.url, dir: tempDir('aicoder-cc-client-') });
    const add = await runCli(h, ['mcp', 'add', 'claude', '--transport', 'http'], { env: client.env });
    expect(add.code, add.stderr).toBe(0);

    const prompt = `Have claude and codex each write answer.txt, then keep the better one ${CLIENT_TAG}`;
    const marker = process.env.VITEST_RUN_AICODER;
    const run = await runAgent(
      [
        bin('claude'),
        '-p',
        prompt,
        '--output-format',
        'stream-json',
        '--verbose',
        '--allowedTools',
        'mcp__aicoder',
      ],
      {
        cwd: repo,
        // The client knows nothing of aicoder but its registration (no AICODER_* variables).
        env: { ...client.env, ...(marker ? { VITEST_RUN_AICODER: marker } : {}) },
        timeoutMs: scaled(420_000),
      },
    );
    const session = transcript(run.events);
    const why = `exit ${run.code}\n${run.stderr.slice(-2000)}\n${session.join('\n').slice(-6000)}`;
    const result = run.events.find((e) => e.type === 'result');
    expect(result?.is_error, why).toBe(false);

    // The calls Claude Code made, in order, what it read back, and what it concluded.
    const blocks = run.events.flatMap((e) => contentOf(e));
    const uses = blocks.filter((x) => x.type === 'tool_use');
    const calls = uses.map((x) => x.name);
    expect(calls[0], why).toBe(TOOL('ai_coder_create'));
    expect(calls.length, why).toBeGreaterThanOrEqual(4);
    expect(
      calls.slice(1, -2).every((n) => n === TOOL('ai_coder_status')),
      why,
    ).toBe(true);
    expect(calls.slice(-2), why).toEqual([TOOL('ai_coder_workspace'), TOOL('ai_coder_control')]);
    const read = blocks.filter((x) => x.type === 'tool_result').map((x) => parsed(resultText(x.content)));
    const made = read[0] as { id: string; members: { id: string; provider: string }[] };
    expect(made.members.map((m) => m.provider)).toEqual(['claude', 'codex']);
    const [claude, codex] = made.members;
    // The wait, compare and pick calls carried the ids Claude Code read from earlier results.
    const inputs = uses.map((x) => x.input as { coder_id?: string });
    expect(inputs.slice(1, -1).every((i) => i.coder_id === made.id)).toBe(true);
    expect(inputs.at(-1)?.coder_id).toBe(claude!.id);
    expect(String(result?.result), why).toBe(`Picked ${claude!.id}: its work is merged into main.`);

    // The repository: main has claude's answer; codex's worktree is gone, its branch kept with 41.
    const g = await cliJson<GroupView>(h, ['status', made.id]);
    expect(g.picked?.coder_id).toBe(claude!.id);
    expect(git(repo, 'show', 'main:answer.txt')).toBe('42');
    expect(readFileSync(join(repo, 'answer.txt'), 'utf8')).toBe('42\n');
    const picked = read.at(-1) as {
      pick: { others: { coder_id: string; branch: string; removed: boolean }[] };
    };
    expect(picked.pick.others).toEqual([expect.objectContaining({ coder_id: codex!.id, removed: true })]);
    const codexBranch = picked.pick.others[0]!.branch;
    expect(git(repo, 'show', `${codexBranch}:answer.txt`)).toBe('41');
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toContain(codexBranch);
    const claudeWorkspace = g.members.find((m) => m.id === claude!.id)!.workspace;
    expect(existsSync(join(dirname(claudeWorkspace), codex!.id))).toBe(false);
    writeCapture(session);
  },
  scaled(480_000),
);
