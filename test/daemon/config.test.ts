import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadManagerConfig } from '../../src/daemon/config.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

function withConfig(config: unknown): string {
  const home = tempDir('aicoder-config-');
  writeFileSync(join(home, 'config.json'), JSON.stringify(config));
  return home;
}

describe('config.json provider settings', () => {
  test('claude_permission_mode defaults to acceptEdits; provider_env defaults to {}', () => {
    const c = loadManagerConfig(withConfig({}));
    expect(c.claude_permission_mode).toBe('acceptEdits');
    expect(c.provider_env).toEqual({});
  });

  test('bypassPermissions and per-provider env are read', () => {
    const c = loadManagerConfig(
      withConfig({
        claude_permission_mode: 'bypassPermissions',
        provider_env: { claude: { IS_SANDBOX: '1' } },
      }),
    );
    expect(c.claude_permission_mode).toBe('bypassPermissions');
    expect(c.provider_env).toEqual({ claude: { IS_SANDBOX: '1' } });
  });

  test('bad values are errors naming the key and the rule', () => {
    expect(() => loadManagerConfig(withConfig({ claude_permission_mode: 'yolo' }))).toThrow(
      /"claude_permission_mode" must be one of acceptEdits, bypassPermissions, default, plan/,
    );
    expect(() => loadManagerConfig(withConfig({ provider_env: { claude: { 'BAD-NAME': 'x' } } }))).toThrow(
      /"provider_env" must be an object: provider name → \{ VARIABLE: "value" \}/,
    );
    expect(() => loadManagerConfig(withConfig({ provider_env: { claude: { A: 1 } } }))).toThrow(
      /"provider_env"/,
    );
  });
});
