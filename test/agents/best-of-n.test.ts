/**
 * Best of N and roles on the real agent CLIs (claude, codex) run by a real daemon against scripted
 * model servers: one server speaks Anthropic (Claude Code), one the Responses API (Codex), so each
 * CLI gets its own script for the same task.
 *   - a reviewer-role claude coder, told by the model to write a file, is refused by Claude Code's
 *     own tool list (the file does not exist) and its review text is recorded;
 *   - a reviewer-role codex coder gets the reviewer prompt (developer_instructions) and Codex's own
 *     read-only sandbox, which rejects the write the model asks for;
 *   - the acceptance flow through the real CLI: in one group claude writes a correct answer.txt and
 *     codex a wrong one; the repo's check (check.sh) runs; compare ranks claude first by the checks;
 *     a claude cross-review names claude's member; pick merges it into main; codex's worktree is gone;
 *   - the same flow through MCP only, by the SDK client over HTTP.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AicoderClient } from '../../src/client/types.js';
import type { Coder, LogEntry } from '../../src/core/coder.js';
import type { CompareResult } from '../../src/core/compare.js';
import type { GroupView } from '../../src/core/group.js';
import { startModelServer, type ModelServer, type ScriptEntry } from '../fixtures/model-server/index.js';
import { startAgentDaemon } from '../helpers/agent-daemon.js';
import { describeCoder, reached } from '../helpers/coders.js';
import { cleanupHome, cli, cliJson, type RunningDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, git, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { ok } from '../mcp/connect.js';
import { scaled } from '../helpers/load.js';

const REVIEW_TAG = '[role-reviewer]';
const CODEX_REVIEW_TAG = '[role-reviewer-codex]';
const CLI_TAG = '[bon-cli]';
const MCP_TAG = '[bon-mcp]';
const TASK = 'Write answer.txt holding the answer to the question';
/** The repo's check: answer.txt must hold 42. */
const CHECK_SH =
  'test "$(cat answer.txt 2>/dev/null)" = 42 || { echo "wrong answer: $(cat answer.txt 2>/dev/null)"; exit 1; }\n';

let anthropic: ModelServer;
let openai: ModelServer;
let h: TestHome;
let d: RunningDaemon | undefined;
let client: AicoderClient;

/**
 * The sessions as they ran, for docs/best-of-n.md: with UPDATE_DOCS=1 the two captured blocks there
 * are replaced by what this run printed (`UPDATE_DOCS=1 npx vitest run test/agents/best-of-n.test.ts`).
 */
const captured: Record<'cli' | 'mcp', string[]> = { cli: [], mcp: [] };
const DOCS = new URL('../../docs/best-of-n.md', import.meta.url);

function writeCaptures(): void {
  if (process.env.UPDATE_DOCS !== '1') return;
  let doc = readFileSync(DOCS, 'utf8');
  for (const which of ['cli', 'mcp'] as const) {
    if (captured[which].length === 0) continue;
    const start = `<!-- captured:${which} -->`;
    const end = `<!-- /captured:${which} -->`;
    const a = doc.indexOf(start);
    const b = doc.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/best-of-n.md has no ${start} … ${end} block`);
    const body = ['```text', ...captured[which].map((l) => l.replace(/[ \t]+$/gm, '')), '```'].join('\n');
    doc = `${doc.slice(0, a + start.length)}\n\n${body}\n\n${doc.slice(b)}`;
  }
  writeFileSync(DOCS, doc);
}

/** Runs the CLI, keeps the command and its output for the docs, and returns stdout. */
async function shown(args: string[], opts: { cwd?: string; code?: number } = {}): Promise<string> {
  const out = await cli(h, args, opts);
  const quoted = args.map((a) => (/[\s"'$]/.test(a) ? `"${a}"` : a)).join(' ');
  captured.cli.push(`$ aicoder ${quoted}`, out.trimEnd(), '');
  return out;
}

/** Claude's entries; the cross-review entries are added once the member ids are known. */
const claudeScript = (extra: ScriptEntry[] = []): ScriptEntry[] => [
  ...extra,
  {
    when: REVIEW_TAG,
    steps: [
      { tool: 'write_file', path: 'review.txt', content: 'a reviewer must not write\n' },
      { text: 'VERDICT: the change is sound\nReasons: it is small and tested.' },
    ],
  },
  ...[CLI_TAG, MCP_TAG].map((tag) => ({
    when: tag,
    steps: [{ tool: 'write_file' as const, path: 'answer.txt', content: '42\n' }, { text: 'Wrote 42.' }],
  })),
];

beforeAll(async () => {
  anthropic = await startModelServer({ script: claudeScript() });
  openai = await startModelServer({
    script: [
      {
        when: CODEX_REVIEW_TAG,
        steps: [
          { tool: 'write_file', path: 'review.txt', content: 'a reviewer must not write\n' },
          { text: 'VERDICT: the change is sound\nReasons: it is small.' },
        ],
      },
      {
        steps: [{ tool: 'write_file', path: 'answer.txt', content: '41\n' }, { text: 'Wrote 41.' }],
      },
    ],
  });
  ({ h, d, client } = await startAgentDaemon(
    { claude: anthropic.url, codex: openai.url },
    { config: { default_provider: 'claude', max_concurrent: 4 } },
    tempDir('aicoder-bon-agents-'),
  ));
}, scaled(30_000));

afterAll(async () => {
  writeCaptures();
  if (h) await cleanupHome(h, d);
  await anthropic?.close();
  await openai?.close();
  cleanupTemp();
});

function checkedRepo(): string {
  return makeRepo({
    'README.md': '# q\n',
    'check.sh': CHECK_SH,
    '.aicoder.json': JSON.stringify({ check: [['bash', 'check.sh']] }),
  });
}

/**
 * A reviewer-role coder of `provider` on a fresh repo, its task tagged `tag`: checks the role on the
 * record, waits for its run to end, and returns it completed with its log.
 */
async function reviewerRun(
  provider: 'claude' | 'codex',
  tag: string,
): Promise<{ c: Coder; logs: LogEntry[] }> {
  const created = await client.create({
    task: `Review the repo ${tag}`,
    repo: makeRepo(),
    provider,
    role: 'reviewer',
  });
  expect(created.role).toMatchObject({ name: 'reviewer', tools: 'read_only' });
  const c = await reached(client, created.id);
  const logs = (await client.logs(c.id, {})).entries;
  expect(c.state, describeCoder(c, logs)).toBe('completed');
  return { c, logs };
}

/** Once the members are known: claude's cross-review names claude's member. */
function reviewScript(tag: string, claudeMember: string): ScriptEntry {
  return {
    when: new RegExp(`Several agents[\\s\\S]*${tag.replace(/[[\]]/g, '\\$&')}`),
    steps: [{ text: `VERDICT: ${claudeMember}\nIts answer passes check.sh; the other one writes 41.` }],
  };
}

describe('roles on real claude', () => {
  test(
    'a reviewer-role claude coder is refused writing by its own tool list; its review is recorded',
    async () => {
      const { c, logs } = await reviewerRun('claude', REVIEW_TAG);
      expect(existsSync(join(c.workspace, 'review.txt'))).toBe(false);
      // The model asked for Write; Claude Code answered with an error result: the tool is not there.
      expect(logs.some((l) => l.kind === 'tool_call' && /review\.txt/.test(l.text))).toBe(true);
      expect(logs.some((l) => l.kind === 'tool_result' && / error: /.test(l.text))).toBe(true);
      expect(c.stats.last_message).toContain('VERDICT: the change is sound');
      expect(
        logs.some((l) => l.kind === 'assistant' && l.text.includes('VERDICT: the change is sound')),
      ).toBe(true);
      // What Claude Code sent the model: no write tool offered, the role's prompt in the system prompt.
      const req = anthropic.mainRequests('anthropic').find((q) => q.first_user_text.includes(REVIEW_TAG))!;
      const body = req.body as { tools?: { name: string }[]; system?: unknown };
      const tools = (body.tools ?? []).map((t) => t.name);
      expect(tools).toContain('Read');
      expect(tools).not.toContain('Write');
      expect(tools).not.toContain('Edit');
      expect(tools).not.toContain('Bash');
      expect(JSON.stringify(body.system)).toContain('You are a code reviewer');
    },
    scaled(120_000),
  );

  test(
    "a reviewer-role codex coder gets the role's prompt and Codex's read-only sandbox; its write fails",
    async () => {
      const { c, logs } = await reviewerRun('codex', CODEX_REVIEW_TAG);
      // The model asked for the write; Codex's read-only sandbox refused it.
      expect(logs.some((l) => /patch rejected: writing is blocked by read-only sandbox/.test(l.text))).toBe(
        true,
      );
      expect(existsSync(join(c.workspace, 'review.txt'))).toBe(false);
      expect(git(c.workspace, 'status', '--porcelain')).toBe('');
      expect(c.stats.last_message).toContain('VERDICT: the change is sound');
      // What Codex sent the model: the role's prompt among its instructions (developer_instructions).
      const req = openai.mainRequests().find((q) => q.first_user_text.includes(CODEX_REVIEW_TAG))!;
      expect(req, 'codex asked the model server').toBeDefined();
      expect(JSON.stringify(req.body)).toContain('You are a code reviewer');
    },
    scaled(120_000),
  );

  test('gemini cannot take a role: refused before anything is made', async () => {
    const repo = makeRepo();
    const before = git(repo, 'branch', '--list');
    await expect(client.create({ task: 't', repo, provider: 'gemini', role: 'reviewer' })).rejects.toThrow(
      /provider 'gemini' cannot take role 'reviewer'/,
    );
    expect(git(repo, 'branch', '--list')).toBe(before);
  });
});

describe('best of N on claude and codex', () => {
  test(
    'CLI: checks run, compare ranks claude first by the checks, the cross-review names it, pick merges it',
    async () => {
      const repo = checkedRepo();
      const made = await shown(
        ['create', '--agents', 'claude,codex', '--review-by', 'claude', `${TASK} ${CLI_TAG}`],
        { cwd: repo },
      );
      const gid = /created group (g[0-9a-f]{7})/.exec(made)![1]!;
      const g = await cliJson<GroupView>(h, ['status', gid]);
      const [claude, codex] = g.members;
      expect([claude!.provider, codex!.provider]).toEqual(['claude', 'codex']);
      anthropic.setScript(claudeScript([reviewScript(CLI_TAG, claude!.id)]));

      const ended = JSON.parse(
        await cli(h, ['wait', g.id, '--json', '--timeout', '240'], { code: 0 }),
      ) as GroupView;
      expect(ended.members.map((m) => m.state)).toEqual(['completed', 'completed']);
      expect(ended.members.map((m) => m.checks?.verdict)).toEqual(['passed', 'failed']);
      expect(ended.members[1]!.checks!.results[0]!.tail).toContain('wrong answer: 41');

      await shown(['compare', g.id]);
      const cmp = await cliJson<CompareResult>(h, ['compare', g.id]);
      expect(cmp.rows.map((r) => r.coder_id)).toEqual([claude!.id, codex!.id]);
      expect(cmp.best).toBe(claude!.id);
      expect(cmp.decided_by).toBe('checks');

      const review = await waitFor(
        async () => {
          const v = await cliJson<GroupView>(h, ['status', g.id]);
          return v.review?.state === 'done' || v.review?.state === 'failed' ? v.review : null;
        },
        { what: 'the cross-review', timeoutMs: 120_000, intervalMs: 1000 },
      );
      expect(review).toMatchObject({ state: 'done', provider: 'claude', choice: claude!.id });
      expect(review.reasons).toContain('passes check.sh');
      const reviewer = await client.get(review.coder_id!);
      expect(reviewer.role?.name).toBe('reviewer');
      // Its task held both members' diffs and check results.
      const asked = anthropic
        .mainRequests('anthropic')
        .find((q) => q.first_user_text.includes('Several agents'))!;
      expect(asked.first_user_text).toContain(`## Member ${codex!.id} (codex`);
      expect(asked.first_user_text).toContain('wrong answer: 41');
      expect(asked.first_user_text).toContain('+42');
      const statusText = await shown(['status', g.id]);
      expect(statusText).toContain(`review    claude by ${review.coder_id}: ${claude!.id} → ${claude!.id}`);

      const picked = await shown(['pick', claude!.id]);
      expect(picked).toMatch(new RegExp(`merged ${claude!.id} into main: [0-9a-f]{12} → [0-9a-f]{12}`));
      expect(picked).toContain(`${codex!.id}  worktree removed; branch ${codex!.branch} kept`);
      expect(git(repo, 'show', 'main:answer.txt')).toBe('42');
      expect(readFileSync(join(repo, 'answer.txt'), 'utf8')).toBe('42\n');
      expect(existsSync(codex!.workspace)).toBe(false);
      expect(git(repo, 'show', `${codex!.branch}:answer.txt`)).toBe('41');
      const after = await cliJson<GroupView>(h, ['status', g.id]);
      expect(after.picked?.coder_id).toBe(claude!.id);
    },
    scaled(420_000),
  );

  test(
    'MCP only (SDK client over HTTP): create with agents and review_by, wait, compare, pick',
    async () => {
      const repo = checkedRepo();
      const mcp = new Client({ name: 'bon', version: '1.0.0' });
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
      );
      const call = async (name: string, args: Record<string, unknown>, show = true) => {
        const res = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
        if (show) {
          const txt = res.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
          captured.mcp.push(`→ ${name} ${JSON.stringify(args)}`, `← ${txt}`, '');
        }
        return ok(res);
      };
      try {
        const g = await call('ai_coder_create', {
          task: `${TASK} ${MCP_TAG}`,
          repo,
          agents: [{ provider: 'claude' }, { provider: 'codex' }],
          review_by: 'claude',
        });
        expect(g.review).toMatchObject({ state: 'waiting', provider: 'claude' });
        const [claude, codex] = g.members as { id: string; provider: string }[];
        anthropic.setScript(claudeScript([reviewScript(MCP_TAG, claude!.id)]));
        const review = await waitFor(
          async () => {
            const args = { coder_id: g.id, wait_for: 'terminal', timeout_s: 30 };
            const s = await call('ai_coder_status', args, false);
            if (s.review?.state !== 'done' && s.review?.state !== 'failed') return null;
            return call('ai_coder_status', args);
          },
          { what: 'members and review', timeoutMs: 200_000, intervalMs: 100 },
        );
        expect(review.members.map((m: { checks: string }) => m.checks)).toEqual([
          expect.stringMatching(/^passed/),
          expect.stringMatching(/^failed/),
        ]);
        expect(review.review).toMatchObject({ state: 'done', choice: claude!.id });
        const cmp = await call('ai_coder_workspace', { coder_id: g.id, operation: 'compare' });
        expect(cmp.compare).toMatchObject({ best: claude!.id, decided_by: 'checks' });
        const picked = await call('ai_coder_control', { coder_id: claude!.id, action: 'pick' });
        expect(picked.pick.others).toEqual([expect.objectContaining({ coder_id: codex!.id, removed: true })]);
        expect(git(repo, 'show', 'main:answer.txt')).toBe('42');
        const cdx = await client.get(codex!.id).catch(() => null);
        expect(cdx === null || !existsSync(cdx.workspace)).toBe(true);
      } finally {
        await mcp.close();
      }
    },
    scaled(420_000),
  );
});
