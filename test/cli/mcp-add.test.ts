/**
 * `aicoder mcp add claude|codex|gemini` on temp HOMEs: writes each client's registration (Claude's
 * alwaysLoad, Codex's required = true, Gemini's trust), prints what it wrote, and leaves everything
 * else in the file as it was, comments included.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'jsonc-parser';
import { makeHome, runCli, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp } from '../helpers/env.js';

let h: TestHome;

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
    const toml = readFileSync(join(u, '.codex', 'config.toml'), 'utf8');
    expect(toml).toBe(
      `# mine\nmodel = "o3"\n\n[mcp_servers.aicoder]\nurl = "http://127.0.0.1:${h.port}/mcp"\nrequired = true\ndefault_tools_approval_mode = "approve"\n\n[profiles.fast]\nmodel = "o4-mini"\n`,
    );

    const gemini = await runCli(h, ['mcp', 'add', 'gemini', '--transport', 'http', '--json']);
    expect(gemini.code, gemini.stderr).toBe(0);
    expect(JSON.parse(gemini.stdout)).toMatchObject({ client: 'gemini', transport: 'http' });
    const settings = readFileSync(join(u, '.gemini', 'settings.json'), 'utf8');
    expect(settings).toContain('// keep me');
    expect(parse(settings)).toEqual({
      theme: 'dark',
      mcpServers: { aicoder: { httpUrl: `http://127.0.0.1:${h.port}/mcp`, trust: true } },
    });
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
