/**
 * The shipped agent templates load through the real registry and build the argv the real-CLI tests
 * proved (test/agents/*): optional --model, the task after "--", resume with the session id.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { buildArgv } from '../../../src/providers/argv.js';
import { builtinProvidersDir, loadProviderCatalog } from '../../../src/providers/registry.js';
import { cleanupTemp, tempDir } from '../../helpers/env.js';

afterAll(cleanupTemp);

const catalog = loadProviderCatalog({ builtinDir: builtinProvidersDir(), userDir: tempDir() });
const AGENTS = ['claude', 'codex', 'gemini', 'opencode', 'aider'];

describe('shipped agent templates', () => {
  test('all five load without errors, each with its own parser and a resume_command', () => {
    expect(catalog.errors()).toEqual([]);
    for (const name of AGENTS) {
      const def = catalog.get(name);
      expect(def?.parser, name).toBe(name);
      expect(def?.resume_command?.length, name).toBeGreaterThan(0);
      const unknown = catalog.parser(def!).parse('{"type":"brand_new"}', 'stdout');
      expect(unknown[0]?.kind, name).toBe(name === 'aider' ? 'text' : 'raw');
    }
  });

  const task = '-rf $(touch /tmp/pwned) {model}';
  const vars = { task, workspace: '/w', model: null, session_id: null, permission_mode: 'acceptEdits' };

  test.each([
    [
      'claude',
      [
        'claude',
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode=acceptEdits',
        '--allowedTools=mcp__aicoder',
        '--',
        task,
      ],
    ],
    [
      'codex',
      [
        'codex',
        'exec',
        '--json',
        '--sandbox=workspace-write',
        '--skip-git-repo-check',
        '--cd=/w',
        '--',
        task,
      ],
    ],
    [
      'gemini',
      [
        'gemini',
        '--output-format',
        'stream-json',
        '--approval-mode',
        'yolo',
        '--skip-trust',
        `--prompt=${task}`,
      ],
    ],
    ['opencode', ['opencode', 'run', '--format', 'json', '--auto', '--dir=/w', '--', task]],
    ['aider', ['aider', '--yes-always', '--no-pretty', '--no-stream', `--message=${task}`]],
  ])('%s: without a model the --model element is dropped; the task is one literal argument', (name, argv) => {
    expect(buildArgv(catalog.get(name)!.command, vars)).toEqual(argv);
  });

  test.each([
    ['claude', '--model=opus', ['--resume=S1', '--', 'next']],
    ['codex', '--model=opus', ['resume', 'S1', '--', 'next']],
    ['gemini', '--model=opus', ['--resume=S1', '--prompt=next']],
    ['opencode', '--model=opus', ['--session=S1', '--', 'next']],
  ])('%s: resume carries the session id, the model and the message', (name, model, parts) => {
    const argv = buildArgv(catalog.get(name)!.resume_command!, {
      ...vars,
      model: 'opus',
      session_id: 'S1',
      message: 'next',
    });
    expect(argv).toContain(model);
    for (const p of parts) expect(argv).toContain(p);
    expect(argv.at(-1)).toBe(parts.at(-1));
  });
});

describe('claude permission mode', () => {
  test('{permission_mode} carries the configured mode into command and resume_command', () => {
    const def = catalog.get('claude')!;
    const base = { task: 't', workspace: '/w', session_id: 'S1', message: 'm' };
    for (const template of [def.command, def.resume_command!]) {
      expect(buildArgv(template, { ...base, permission_mode: 'bypassPermissions' })).toContain(
        '--permission-mode=bypassPermissions',
      );
    }
  });
});
