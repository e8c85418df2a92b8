/**
 * Real Gemini CLI and real Codex as coders, run by a real daemon with the shipped templates against
 * the scripted model server: the script calls the coder endpoint's aicoder_ask_user under the CLI's
 * own name for it; the coder shows needs_input with the question; `aicoder answer` delivers the
 * text; the next model request carries it; the coder completes. (Claude: test/talkback/claude.test.ts.)
 *
 * Gemini gets the endpoint through its own GEMINI_CLI_HOME overlay (providers/gemini-home.ts): the
 * test also checks that the user's settings and files stay untouched and that the token is neither in
 * the agent's argv nor in the settings file (which is 0600).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import type { AgentCli } from '../fixtures/agent-env.js';
import type { ModelServer, Step } from '../fixtures/model-server/index.js';
import { modelServerForTest, useAgentClis } from '../helpers/agent-daemon.js';
import { cleanupTemp, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { cli, cliJson, makeHome, runCli, startDaemon, type TestHome } from '../helpers/daemon.js';
import { scaled } from '../helpers/load.js';

// The daemon and model server a test starts end when it finishes (test/helpers/agent-daemon.ts).
afterAll(cleanupTemp);

const QUESTION = 'Should the greeting be formal?';
const ANSWER = 'No, keep it casual';
const ASK = { question: QUESTION, context: 'hello.txt is user-facing' };

const CASES: Record<Exclude<AgentCli, 'claude'>, { call: Step; dialect: 'gemini' | 'openai' }> = {
  // Gemini CLI names MCP tools mcp_<server>_<tool>.
  gemini: { call: { tool: 'raw', name: 'mcp_aicoder_aicoder_ask_user', input: ASK }, dialect: 'gemini' },
  // Codex offers MCP tools as the namespace mcp__<server> with the bare tool names.
  codex: {
    call: { tool: 'raw', namespace: 'mcp__aicoder', name: 'aicoder_ask_user', input: ASK },
    dialect: 'openai',
  },
};

/** A home (not started) whose agents are the real `cli` pointed at `s` (test/helpers/agent-daemon.ts). */
async function agentDaemon(cli: AgentCli, s: ModelServer): Promise<TestHome> {
  const home = await makeHome({ providers: [], config: { default_provider: cli } });
  useAgentClis(home, { [cli]: s.url }, tempDir(`aicoder-${cli}-`));
  return home;
}

function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8'));
  }
  return out;
}

describe.each(['gemini', 'codex'] as const)('%s talks back (real CLI, scripted model)', (agent) => {
  it(
    'asks the user through its coder endpoint, gets the answer as the tool result, and completes',
    async () => {
      const c = CASES[agent];
      const server = await modelServerForTest({ script: [c.call, { text: 'Done: used the answer' }] });
      const h = await agentDaemon(agent, server);
      const geminiUser = agent === 'gemini' ? join(h.env.GEMINI_CLI_HOME!, '.gemini') : undefined;
      if (geminiUser) {
        // The user's own MCP server of the same name must not shadow the coder endpoint.
        const settings = JSON.parse(readFileSync(join(geminiUser, 'settings.json'), 'utf8')) as object;
        const mine = { ...settings, mcpServers: { aicoder: { httpUrl: 'http://127.0.0.1:1/mcp' } } };
        writeFileSync(
          join(geminiUser, 'settings.json'),
          `// the user's file, with a comment\n${JSON.stringify(mine)}\n`,
        );
      }
      const before = geminiUser ? filesUnder(geminiUser) : undefined;
      await startDaemon(h);
      const repo = makeRepo();
      const coder = await cliJson<Coder>(h, ['create', 'Write a greeting; ask me about its tone first'], {
        cwd: repo,
      });
      // The wait ends on needs_input or on the run ending without asking (then the test says why).
      const asked = await waitFor(
        async () => {
          const s = await cliJson<Coder>(h, ['status', coder.id]);
          return ['needs_input', 'failed', 'completed', 'stopped'].includes(s.state) ? s : null;
        },
        { what: 'needs_input', timeoutMs: 90_000 },
      );
      if (asked.state !== 'needs_input') {
        const first = JSON.stringify(server.mainRequests(c.dialect)[0]?.body ?? null);
        const offered = [...first.matchAll(/aicoder[^"\\]{0,80}/g)].map((m) => m[0]).slice(0, 20);
        expect.fail(
          `ended without asking: ${JSON.stringify(asked)}\n${await cli(h, ['logs', coder.id])}\noffered: ${offered.join(' | ')}`,
        );
      }
      const waiting = await cliJson<Coder>(h, ['status', coder.id]);
      expect(waiting.question).toBe(QUESTION);

      // The token is in no argv of the agent's process group.
      const token = /\/coder\/[^/]+\/([0-9a-f]{64})\/mcp/.exec(
        readFileSync(`/proc/${waiting.pid}/environ`, 'utf8').replaceAll('\0', '\n'),
      )?.[1];
      expect(token, 'AICODER_MCP_URL carries the token').toMatch(/^[0-9a-f]{64}$/);
      for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
        let cmd = '';
        try {
          cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        expect(cmd.includes(token!), `pid ${p}'s argv holds the token`).toBe(false);
      }
      if (geminiUser) {
        const overlay = join(h.home, 'coders', coder.id, 'gemini-home', '.gemini', 'settings.json');
        expect(statSync(overlay).mode & 0o777).toBe(0o600);
        const text = readFileSync(overlay, 'utf8');
        expect(text).not.toContain(token!);
        const written = JSON.parse(text) as { mcpServers: Record<string, { httpUrl: string }> };
        expect(written.mcpServers.aicoder!.httpUrl).toMatch(new RegExp(`/coder/${coder.id}/mcp$`));
        // The user's other settings came along (auth type), their files are unchanged.
        expect(text).toContain('gemini-api-key');
      }

      const mainBefore = server.mainRequests(c.dialect).length;
      await cli(h, ['answer', coder.id, ANSWER]);
      const w = await runCli(h, ['wait', coder.id, '--timeout', '90', '--json'], { timeoutMs: 120_000 });
      const end = JSON.parse(w.stdout) as Coder;
      expect(end.state, `${JSON.stringify(end)}\n${await cli(h, ['logs', coder.id])}`).toBe('completed');
      expect(end.question).toBeNull();
      expect(end.stats.last_message).toBe('Done: used the answer');
      const after = server.mainRequests(c.dialect).slice(mainBefore);
      expect(after.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(after[0]!.body)).toContain(`The user answered: ${ANSWER}`);
      if (geminiUser) expect(filesUnder(geminiUser)).toEqual(before);
    },
    scaled(240_000),
  );
});
