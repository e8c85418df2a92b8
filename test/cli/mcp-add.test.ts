/**
 * `aicoder mcp add claude|codex|gemini` on temp HOMEs: writes each client's registration (Claude's
 * alwaysLoad, Codex's required = true, Gemini's trust), prints what it wrote, and leaves everything
 * else in the file as it was, comments included.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'jsonc-parser';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { cleanupHome, makeHome, runCli, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp } from '../helpers/env.js';

let h: TestHome;

interface ClaudeJson {
  mcpServers: Record<string, { url: string; headers: Record<string, string> }>;
}

afterEach(() => cleanupTemp());

describe('aicoder mcp add', () => {
  it('registers aicoder for Claude Code, Codex and Gemini CLI without touching the rest', async () => {
    h = await makeHome();
    const u = h.userHome;
    writeFileSync(
      join(u, '.claude.json'),
      JSON.stringify({ numStartups: 3, mcpServers: { gh: { type: 'http', url: 'x' } } }),
      {
        mode: 0o600,
      },
    );
    mkdirSync(join(u, '.codex'));
    writeFileSync(
      join(u, '.codex', 'config.toml'),
      '# mine\nmodel = "o3"\n\n[mcp_servers.aicoder]\nurl = "stale"\n\n[mcp_servers.aicoder.env]\nX = "1"\n\n[profiles.fast]\nmodel = "o4-mini"\n',
    );
    mkdirSync(join(u, '.gemini'));
    writeFileSync(join(u, '.gemini', 'settings.json'), '{\n  // keep me\n  "theme": "dark"\n}\n');

    const claude = await runCli(h, ['mcp', 'add', 'claude']);
    expect(claude.code, claude.stderr).toBe(0);
    expect(claude.stdout).toContain(`wrote mcpServers.aicoder in ${join(u, '.claude.json')}:`);
    expect(claude.stdout).toContain('claude -p: allow the tools with --allowedTools mcp__aicoder');
    const cj = JSON.parse(readFileSync(join(u, '.claude.json'), 'utf8'));
    expect(cj.numStartups).toBe(3);
    expect(cj.mcpServers.gh).toEqual({ type: 'http', url: 'x' });
    expect(cj.mcpServers.aicoder).toMatchObject({
      type: 'stdio',
      command: process.execPath,
      args: [expect.stringMatching(/bin\/aicoder\.js$/), 'mcp'],
      env: { AICODER_HOME: h.home, AICODER_PORT: String(h.port) },
      alwaysLoad: true,
    });
    expect(statSync(join(u, '.claude.json')).mode & 0o777).toBe(0o600);

    const codex = await runCli(h, ['mcp', 'add', 'codex', '--transport', 'http']);
    expect(codex.code, codex.stderr).toBe(0);
    expect(codex.stdout).toContain(`url = "http://127.0.0.1:${h.port}/mcp"`);
    // HTTP entries carry the owner token (docs/security.md); the output never shows it.
    expect(codex.stdout).toContain('Authorization = "Bearer <the token in $AICODER_HOME/owner-token>"');
    expect(codex.stdout).not.toContain(h.token);
    const toml = readFileSync(join(u, '.codex', 'config.toml'), 'utf8');
    expect(toml).toBe(
      `# mine\nmodel = "o3"\n\n[mcp_servers.aicoder]\nurl = "http://127.0.0.1:${h.port}/mcp"\nhttp_headers = { Authorization = "Bearer ${h.token}" }\nrequired = true\ndefault_tools_approval_mode = "approve"\n\n[profiles.fast]\nmodel = "o4-mini"\n`,
    );

    const gemini = await runCli(h, ['mcp', 'add', 'gemini', '--transport', 'http', '--json']);
    expect(gemini.code, gemini.stderr).toBe(0);
    expect(JSON.parse(gemini.stdout)).toMatchObject({ client: 'gemini', transport: 'http' });
    expect(gemini.stdout).not.toContain(h.token);
    const settings = readFileSync(join(u, '.gemini', 'settings.json'), 'utf8');
    expect(settings).toContain('// keep me');
    expect(parse(settings)).toEqual({
      theme: 'dark',
      mcpServers: {
        aicoder: {
          httpUrl: `http://127.0.0.1:${h.port}/mcp`,
          headers: { Authorization: `Bearer ${h.token}` },
          trust: true,
        },
      },
    });
  });

  it('an HTTP registration works against the daemon: its header is accepted, and a home without a token gets one', async () => {
    h = await makeHome();
    rmSync(join(h.home, 'owner-token'));
    const added = await runCli(h, ['mcp', 'add', 'claude', '--transport', 'http', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const token = readFileSync(join(h.home, 'owner-token'), 'utf8').trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(h.home, 'owner-token')).mode & 0o777).toBe(0o600);
    expect(added.stdout).not.toContain(token);
    const entry = (JSON.parse(readFileSync(join(h.userHome, '.claude.json'), 'utf8')) as ClaudeJson)
      .mcpServers.aicoder!;
    expect(entry).toMatchObject({
      type: 'http',
      url: `${h.baseUrl}/mcp`,
      headers: { Authorization: `Bearer ${token}` },
    });
    const d = await startDaemon(h); // keeps the token the CLI made
    try {
      const client = new Client({ name: 'mcp-add', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers: entry.headers } }),
      );
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.close();
      const without = await fetch(entry.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(without.status).toBe(401);
    } finally {
      await cleanupHome(h, d);
    }
  });

  it('refuses an unknown client and leaves a file it cannot read alone', async () => {
    h = await makeHome();
    const bad = await runCli(h, ['mcp', 'add', 'cursor']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/client must be one of claude, codex, gemini \(got "cursor"\)/);
    writeFileSync(join(h.userHome, '.claude.json'), '{ not json');
    const broken = await runCli(h, ['mcp', 'add', 'claude']);
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(/is not a JSON object/);
    expect(readFileSync(join(h.userHome, '.claude.json'), 'utf8')).toBe('{ not json');
  });
});
