/**
 * `aicoder roles` (shipped and the user's role files, no daemon needed), and a role's coder endpoint
 * through a real daemon: the agent's prompt names, and its endpoint offers, only the tools its role
 * may call.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoleListing, RolesAnswer } from '../../src/core/roles-listing.js';
import { createHttpClient } from '../../src/client/http-client.js';
import type { Coder } from '../../src/core/coder.js';
import { cli, cliJson, makeHome, runCli, startDaemon } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';

afterAll(cleanupTemp);

/** Writes its endpoint URL and the system prompt it was given into its worktree, then waits. */
const PROMPTED = {
  name: 'prompted',
  description: 'writes AICODER_MCP_URL and its system prompt, then sleeps',
  command: [
    'bash',
    '-c',
    'printf %s "$AICODER_MCP_URL" > .mcp-url; printf %s "$1" > prompt.txt; echo ready; exec sleep 3600',
    '_',
    '{system_prompt}',
  ],
  parser: 'text',
};

describe('aicoder roles', () => {
  it('lists the shipped roles and the user’s, which win by name; a bad file is reported', async () => {
    const h = await makeHome({ providers: [] });
    const userDir = join(h.home, 'roles');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(
      join(userDir, 'reviewer.json'),
      JSON.stringify({ name: 'reviewer', tools: 'read_only', model: { claude: 'opus' }, report: [] }),
    );
    writeFileSync(join(userDir, 'quick.json'), JSON.stringify({ name: 'quick', model: 'haiku' }));
    writeFileSync(join(userDir, 'broken.json'), '{"name": "broken", "tool": "all"}');

    const listing = await cliJson<{
      roles: RoleListing[];
      errors: { source: string; message: string }[];
      dirs: { shipped: string; user: string };
    }>(h, ['roles']);
    expect(listing.roles.map((r) => r.name)).toEqual([
      'architect',
      'developer',
      'documentation',
      'quick',
      'reviewer',
      'security',
      'tester',
    ]);
    const byName = new Map(listing.roles.map((r) => [r.name, r]));
    expect(byName.get('reviewer')).toEqual({
      name: 'reviewer',
      description: '',
      origin: 'user',
      source: join(userDir, 'reviewer.json'),
      tools: 'read_only',
      model: { claude: 'opus' },
      report: [],
      system_prompt_chars: 0,
    });
    expect(byName.get('developer')).toMatchObject({
      origin: 'shipped',
      source: join(listing.dirs.shipped, 'developer.json'),
      tools: 'all',
      model: null,
      report: ['progress', 'ask_user', 'heartbeat'],
    });
    expect(byName.get('developer')!.system_prompt_chars).toBeGreaterThan(50);
    expect(existsSync(byName.get('developer')!.source)).toBe(true);
    expect(listing.dirs.user).toBe(userDir);
    expect(listing.errors).toEqual([
      { source: join(userDir, 'broken.json'), message: expect.stringMatching(/unknown key "tool"/) },
    ]);

    const r = await runCli(h, ['roles']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TOOLS\s+MODEL\s+REPORTS\s+FROM\s+DESCRIPTION$/);
    expect(lines.find((l) => l.startsWith('reviewer '))).toMatch(
      /^reviewer\s+read only\s+claude=opus\s+-\s+yours\s*$/,
    );
    expect(lines.find((l) => l.startsWith('quick '))).toMatch(
      /^quick\s+all\s+haiku\s+progress,ask_user,heartbeat\s+yours/,
    );
    expect(lines.find((l) => l.startsWith('developer '))).toMatch(
      /^developer\s+all\s+-\s+progress,ask_user,heartbeat\s+shipped\s+Writes and changes code/,
    );
    expect(r.stdout).toContain(`reviewer: ${join(userDir, 'reviewer.json')}`);
    expect(r.stdout).toContain('1 role file(s) skipped:');
    expect(r.stdout).toMatch(/broken\.json: unknown key "tool"/);
    // No daemon was needed (none was started).
    expect(existsSync(join(h.home, 'daemon.json'))).toBe(false);
  });

  it('a daemon lists the same over REST (GET /api/roles) and MCP (the resource aicoder://roles)', async () => {
    const h = await makeHome({ providers: [] });
    const userDir = join(h.home, 'roles');
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, 'quick.json'), JSON.stringify({ name: 'quick', model: 'haiku' }));
    writeFileSync(join(userDir, 'broken.json'), '{"name": "broken", "tool": "all"}');
    await startDaemon(h);
    const fromCli = await cliJson<RolesAnswer>(h, ['roles']);
    const rest = await createHttpClient({ baseUrl: h.baseUrl, token: h.token }).roles();
    expect(rest).toEqual(fromCli);
    expect(rest.roles.find((r) => r.name === 'quick')).toMatchObject({ origin: 'user', model: 'haiku' });
    expect(rest.errors.map((e) => e.source)).toEqual([join(userDir, 'broken.json')]);

    const mcp = new Client({ name: 'roles', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      const listed = await mcp.listResources();
      expect(listed.resources).toContainEqual(
        expect.objectContaining({ uri: 'aicoder://roles', name: 'roles', mimeType: 'application/json' }),
      );
      const read = async (): Promise<RolesAnswer> => {
        const r = await mcp.readResource({ uri: 'aicoder://roles' });
        const c = r.contents[0] as { uri: string; mimeType: string; text: string };
        expect([c.uri, c.mimeType]).toEqual(['aicoder://roles', 'application/json']);
        return JSON.parse(c.text) as RolesAnswer;
      };
      expect(await read()).toEqual(fromCli);
      // Read at each request: a role file added while the daemon runs is listed at once, as it
      // counts at once for a create.
      writeFileSync(join(userDir, 'late.json'), JSON.stringify({ name: 'late', tools: 'read_only' }));
      expect((await read()).roles.find((r) => r.name === 'late')).toMatchObject({ tools: 'read_only' });
      expect((await createHttpClient({ baseUrl: h.baseUrl, token: h.token }).roles()).roles.length).toBe(
        fromCli.roles.length + 1,
      );
      // Still six tools: the listing is a resource, not a tool.
      expect((await mcp.listTools()).tools).toHaveLength(6);
    } finally {
      await mcp.close();
    }
  });
});

describe('a role’s coder endpoint', () => {
  it('names in the prompt, and offers, only the endpoint tools the role may call', async () => {
    const h = await makeHome({ providers: [PROMPTED] });
    mkdirSync(join(h.home, 'roles'), { recursive: true });
    writeFileSync(
      join(h.home, 'roles', 'quiet.json'),
      JSON.stringify({ name: 'quiet', report: ['progress'] }),
    );
    await startDaemon(h);
    const repo = makeRepo();
    const quiet = await cliJson<Coder>(h, ['create', '--provider', 'prompted', '--role', 'quiet', 'q'], {
      cwd: repo,
    });
    const plain = await cliJson<Coder>(h, ['create', '--provider', 'prompted', 'p'], { cwd: repo });
    const ready = (c: Coder) => (): boolean =>
      existsSync(join(c.workspace, '.mcp-url')) && existsSync(join(c.workspace, 'prompt.txt'));
    await waitFor(ready(quiet), { what: 'quiet coder wrote its endpoint' });
    await waitFor(ready(plain), { what: 'plain coder wrote its endpoint' });

    const quietPrompt = readFileSync(join(quiet.workspace, 'prompt.txt'), 'utf8');
    expect(quietPrompt).toContain(`aicoder coder ${quiet.id}`);
    expect(quietPrompt).toContain('- aicoder_report_progress');
    expect(quietPrompt).not.toContain('aicoder_ask_user');
    expect(quietPrompt).not.toContain('aicoder_heartbeat');
    const plainPrompt = readFileSync(join(plain.workspace, 'prompt.txt'), 'utf8');
    for (const tool of ['aicoder_report_progress', 'aicoder_ask_user', 'aicoder_heartbeat']) {
      expect(plainPrompt).toContain(`- ${tool}`);
    }

    const toolsOf = async (c: Coder): Promise<{ names: string[]; client: Client }> => {
      const client = new Client({ name: 'agent', version: '1.0.0' });
      const url = readFileSync(join(c.workspace, '.mcp-url'), 'utf8');
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      return { names: (await client.listTools()).tools.map((t) => t.name).sort(), client };
    };
    const q = await toolsOf(quiet);
    const p = await toolsOf(plain);
    try {
      expect(q.names).toEqual(['aicoder_report_progress']);
      expect(p.names).toEqual(['aicoder_ask_user', 'aicoder_heartbeat', 'aicoder_report_progress']);
      const res = (await q.client.callTool({
        name: 'aicoder_report_progress',
        arguments: { message: 'reading' },
      })) as CallToolResult;
      expect(res.isError).toBeFalsy();
      const refused = (await q.client.callTool({
        name: 'aicoder_heartbeat',
        arguments: {},
      })) as CallToolResult;
      expect(refused.isError).toBe(true);
    } finally {
      await q.client.close();
      await p.client.close();
      await cli(h, ['stop', quiet.id]);
      await cli(h, ['stop', plain.id]);
    }
  });
});
