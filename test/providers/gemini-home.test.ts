/** The per-coder Gemini CLI home that gives gemini the coder endpoint (providers/gemini-home.ts). */
import { lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { geminiOverlayHome, type GeminiHomeInput } from '../../src/providers/gemini-home.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

function input(user: string, dir: string): GeminiHomeInput {
  return {
    dir,
    env: { HOME: user },
    name: 'aicoder',
    httpUrl: 'http://127.0.0.1:7777/coder/abc/mcp',
    tokenEnv: 'AICODER_MCP_TOKEN',
    timeoutMs: 1_860_000,
  };
}

describe('geminiOverlayHome', () => {
  it("links the user's entries, merges settings (JSONC) with the aicoder server first among equals, writes 0600", () => {
    const user = tempDir();
    const real = join(user, '.gemini');
    mkdirSync(join(real, 'tmp'), { recursive: true });
    writeFileSync(join(real, 'oauth_creds.json'), '{}');
    const userSettings =
      '// mine\n{"ui": {"theme": "x"}, "mcpServers": {"aicoder": {"httpUrl": "http://elsewhere/mcp"}, "other": {"command": "o"}},}\n';
    writeFileSync(join(real, 'settings.json'), userSettings);
    const dir = join(tempDir(), 'gemini-home');
    const home = geminiOverlayHome(input(user, dir));
    expect(home).toBe(dir);
    const overlay = join(dir, '.gemini');
    expect(readlinkSync(join(overlay, 'tmp'))).toBe(join(real, 'tmp'));
    expect(readlinkSync(join(overlay, 'oauth_creds.json'))).toBe(join(real, 'oauth_creds.json'));
    expect(lstatSync(join(overlay, 'settings.json')).isSymbolicLink()).toBe(false);
    expect(statSync(join(overlay, 'settings.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(overlay, 'settings.json'), 'utf8'))).toEqual({
      ui: { theme: 'x' },
      mcpServers: {
        other: { command: 'o' },
        aicoder: {
          httpUrl: 'http://127.0.0.1:7777/coder/abc/mcp',
          headers: { Authorization: 'Bearer $AICODER_MCP_TOKEN' },
          trust: true,
          timeout: 1_860_000,
        },
      },
    });
    expect(readFileSync(join(real, 'settings.json'), 'utf8')).toBe(userSettings);
  });

  it('links entries the user gained since, keeps its own, drops links to removed entries', () => {
    const user = tempDir();
    const real = join(user, '.gemini');
    mkdirSync(real, { recursive: true });
    writeFileSync(join(real, 'gone.json'), '{}');
    const dir = join(tempDir(), 'gemini-home');
    geminiOverlayHome(input(user, dir));
    writeFileSync(join(dir, '.gemini', 'own.json'), '1');
    rmSync(join(real, 'gone.json'));
    writeFileSync(join(real, 'new.json'), '{}');
    geminiOverlayHome(input(user, dir));
    const overlay = join(dir, '.gemini');
    expect(() => lstatSync(join(overlay, 'gone.json'))).toThrow();
    expect(readlinkSync(join(overlay, 'new.json'))).toBe(join(real, 'new.json'));
    expect(readFileSync(join(overlay, 'own.json'), 'utf8')).toBe('1');
  });

  it('works when the user has no Gemini home yet, and GEMINI_CLI_HOME wins over HOME', () => {
    const dir = join(tempDir(), 'gemini-home');
    const other = tempDir();
    mkdirSync(join(other, '.gemini'));
    writeFileSync(join(other, '.gemini', 'settings.json'), '{"general": {"maxAttempts": 1}}');
    geminiOverlayHome({
      ...input(join(tempDir(), 'nobody'), dir),
      env: { HOME: '/nonexistent', GEMINI_CLI_HOME: other },
    });
    const s = JSON.parse(readFileSync(join(dir, '.gemini', 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(s.general).toEqual({ maxAttempts: 1 });
    const fresh = join(tempDir(), 'gemini-home');
    geminiOverlayHome(input(join(tempDir(), 'nobody'), fresh));
    expect(
      Object.keys(JSON.parse(readFileSync(join(fresh, '.gemini', 'settings.json'), 'utf8')) as object),
    ).toEqual(['mcpServers']);
  });

  it('refuses a user settings.json that is not a JSON object, naming the file', () => {
    const user = tempDir();
    mkdirSync(join(user, '.gemini'));
    writeFileSync(join(user, '.gemini', 'settings.json'), '{"a": ');
    expect(() => geminiOverlayHome(input(user, join(tempDir(), 'h')))).toThrow(
      new RegExp(`settings file ${join(user, '.gemini', 'settings.json')} is not a JSON object`),
    );
  });
});
