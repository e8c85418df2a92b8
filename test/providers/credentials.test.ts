/**
 * `aicoder providers` credentials: present when the daemon's environment, the provider file's `env`
 * or config.json `provider_env` supplies a key; names only, never values.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ProviderDef } from '../../src/core/ports.js';
import { credentialsOf, installHint } from '../../src/providers/credentials.js';
import { createProviderProbe } from '../../src/providers/probe.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(() => cleanupTemp());

function def(name: string, env: Record<string, string> = {}): ProviderDef {
  return { name, description: '', command: ['sh'], env, parser: 'text', source: 'test' };
}

describe('credentials supplied by provider_env or the provider env count as present', () => {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir('aicoder-user-') };
  const probe = createProviderProbe({ env: base });

  it('missing when nothing supplies a key', async () => {
    const s = await probe.check(def('claude'));
    expect(s.credentials).toBe('missing');
  });

  it("found from the provider file's env", async () => {
    const s = await probe.check(def('gemini', { GEMINI_API_KEY: 'g-secret' }));
    expect(s).toMatchObject({ credentials: 'found', credentials_detail: '$GEMINI_API_KEY' });
    expect(JSON.stringify(s)).not.toContain('g-secret');
  });

  it('found from config.json provider_env (passed as the extra env)', async () => {
    const s = await probe.check(def('claude'), { ANTHROPIC_API_KEY: 'sk-ant-secret' });
    expect(s).toMatchObject({ credentials: 'found', credentials_detail: '$ANTHROPIC_API_KEY' });
    expect(JSON.stringify(s)).not.toContain('sk-ant-secret');
  });

  it('an empty value supplied there does not count', () => {
    expect(credentialsOf('codex', { ...base, OPENAI_API_KEY: '  ' }).credentials).toBe('missing');
  });
});

describe('install hints', () => {
  it('the shipped agents name their install command; other programs get a PATH hint', () => {
    expect(installHint('claude', 'claude')).toBe('install it with: npm install -g @anthropic-ai/claude-code');
    expect(installHint('codex', 'codex')).toContain('@openai/codex');
    expect(installHint('mine', 'my-agent')).toMatch(/^install 'my-agent' or put it on the daemon's PATH/);
  });

  it('locate answers without running the program', () => {
    const probe = createProviderProbe({ env: { PATH: '/nonexistent' } });
    expect(probe.locate(def('claude'))).toEqual({
      installed: false,
      path: null,
      install_hint: "install 'sh' or put it on the daemon's PATH (restart the daemon after changing PATH)",
    });
  });
});
