import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAicoderError } from '../../src/core/errors.js';
import type { LogLevel } from '../../src/core/ports.js';
import { PARSERS } from '../../src/providers/parsers.js';
import {
  builtinProvidersDir,
  displayPath,
  loadProviderCatalog,
  parseProviderDef,
  readProviderFile,
  toProviderInfo,
} from '../../src/providers/registry.js';
import { TextParser } from '../../src/providers/text-parser.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

function dirs(): { builtinDir: string; userDir: string } {
  const root = tempDir('aicoder-prov-');
  const builtinDir = join(root, 'templates');
  const userDir = join(root, 'home', 'providers');
  mkdirSync(builtinDir, { recursive: true });
  mkdirSync(userDir, { recursive: true });
  return { builtinDir, userDir };
}

function put(dir: string, file: string, content: unknown): string {
  const path = join(dir, file);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

const lines = {
  name: 'lines',
  description: 'prints lines',
  command: ['bash', '-c', 'echo "$1"', '_', '{task}'],
  env: { K: 'v' },
  parser: 'text',
};

function providerError(raw: unknown): Error & { code: string; field?: string } {
  try {
    parseProviderDef(raw, '/some/where/x.json');
  } catch (e) {
    if (isAicoderError(e)) return e;
    throw e;
  }
  throw new Error('expected a provider_config error');
}

describe('loadProviderCatalog', () => {
  it('loads builtin then user definitions; the user overrides by name', () => {
    const { builtinDir, userDir } = dirs();
    const b1 = put(builtinDir, 'lines.json', lines);
    put(builtinDir, 'other.json', { ...lines, name: 'other', description: 'builtin other' });
    const u1 = put(userDir, 'my-other.json', {
      ...lines,
      name: 'other',
      description: 'mine',
      command: ['mine'],
    });
    put(userDir, 'extra.json', { ...lines, name: 'extra' });
    writeFileSync(join(userDir, 'notes.txt'), 'not a provider');

    const logs: [LogLevel, string][] = [];
    const cat = loadProviderCatalog({ builtinDir, userDir, log: (l, m) => logs.push([l, m]) });

    expect(cat.errors()).toEqual([]);
    expect(cat.list().map((d) => d.name)).toEqual(['extra', 'lines', 'other']);
    expect(cat.get('lines')).toEqual({ ...lines, source: b1 });
    expect(cat.get('other')).toMatchObject({ description: 'mine', command: ['mine'], source: u1 });
    expect(cat.get('nope')).toBeUndefined();
    expect(logs.some(([l, m]) => l === 'info' && m.includes('"other"') && m.includes('overrides'))).toBe(
      true,
    );
  });

  it('hands out copies: mutating a returned definition does not change the catalog', () => {
    const { builtinDir, userDir } = dirs();
    put(builtinDir, 'lines.json', lines);
    const cat = loadProviderCatalog({ builtinDir, userDir });
    const d = cat.get('lines')!;
    d.command.push('evil');
    d.env['X'] = 'y';
    expect(cat.get('lines')!.command).toEqual(lines.command);
    expect(cat.get('lines')!.env).toEqual({ K: 'v' });
  });

  it('fills defaults: description "", env {}, parser "text"; keeps resume_command', () => {
    const { builtinDir, userDir } = dirs();
    put(userDir, 'min.json', {
      name: 'min',
      command: ['prog', '{task}'],
      resume_command: ['prog', '{message}'],
    });
    const cat = loadProviderCatalog({ builtinDir, userDir });
    expect(cat.get('min')).toMatchObject({
      description: '',
      env: {},
      parser: 'text',
      resume_command: ['prog', '{message}'],
    });
  });

  it('a broken user file does not hide the good ones, and is reported naming the file', () => {
    const { builtinDir, userDir } = dirs();
    put(builtinDir, 'other.json', { ...lines, name: 'other', description: 'builtin' });
    put(userDir, 'a-good.json', { ...lines, name: 'good' });
    const bad = put(userDir, 'b-bad.json', '{ "name": "bad", ');
    const typo = put(userDir, 'c-other.json', { ...lines, name: 'other', comand: ['x'] });
    put(userDir, 'd-good2.json', { ...lines, name: 'good2' });

    const warnings: string[] = [];
    const cat = loadProviderCatalog({
      builtinDir,
      userDir,
      log: (l, m) => {
        if (l === 'warn') warnings.push(m);
      },
    });

    expect(cat.list().map((d) => d.name)).toEqual(['good', 'good2', 'other']);
    // The broken override is skipped as a whole: the builtin stays.
    expect(cat.get('other')!.description).toBe('builtin');
    const errs = cat.errors();
    expect(errs.map((e) => e.source)).toEqual([bad, typo]);
    expect(errs[0]!.message).toMatch(/b-bad\.json: invalid JSON/);
    expect(errs[1]!.message).toMatch(/c-other\.json: unknown key "comand"/);
    expect(warnings).toHaveLength(2);
  });

  it('a duplicate name in the same directory keeps the first file and reports the second', () => {
    const { builtinDir, userDir } = dirs();
    const first = put(userDir, 'a.json', { ...lines, description: 'first' });
    const second = put(userDir, 'b.json', { ...lines, description: 'second' });
    const cat = loadProviderCatalog({ builtinDir, userDir });
    expect(cat.get('lines')).toMatchObject({ description: 'first', source: first });
    expect(cat.errors()).toHaveLength(1);
    expect(cat.errors()[0]!.source).toBe(second);
    expect(cat.errors()[0]!.message).toContain('b.json');
    expect(cat.errors()[0]!.message).toContain('"name" "lines" is already defined by');
  });

  it('a missing user directory is fine; a missing builtin directory is reported', () => {
    const { builtinDir, userDir } = dirs();
    put(builtinDir, 'lines.json', lines);
    const ok = loadProviderCatalog({ builtinDir, userDir: join(userDir, 'absent') });
    expect(ok.errors()).toEqual([]);
    expect(ok.list()).toHaveLength(1);

    const noBuiltin = loadProviderCatalog({ builtinDir: join(builtinDir, 'absent'), userDir });
    expect(noBuiltin.errors()).toHaveLength(1);
    expect(noBuiltin.errors()[0]!.message).toContain('builtin providers directory not found');
  });

  it('parser(def) returns a fresh instance of the named parser; an unknown one is provider_config', () => {
    const { builtinDir, userDir } = dirs();
    put(userDir, 'lines.json', lines);
    const cat = loadProviderCatalog({ builtinDir, userDir });
    const def = cat.get('lines')!;
    const a = cat.parser(def);
    const b = cat.parser(def);
    expect(a).toBeInstanceOf(TextParser);
    expect(a).not.toBe(b);

    let err: unknown;
    try {
      cat.parser({ ...def, parser: 'nope' });
    } catch (e) {
      err = e;
    }
    expect(isAicoderError(err) && err.code).toBe('provider_config');
    expect((err as Error).message).toContain('"nope"');
  });

  it('accepts parser names from an injected parser map and rejects others', () => {
    const { builtinDir, userDir } = dirs();
    put(userDir, 'a.json', { ...lines, name: 'a', parser: 'custom' });
    const withCustom = loadProviderCatalog({
      builtinDir,
      userDir,
      parsers: { ...PARSERS, custom: () => ({ parse: (l) => [{ kind: 'custom', text: l }] }) },
    });
    expect(withCustom.errors()).toEqual([]);
    expect(withCustom.parser(withCustom.get('a')!).parse('x', 'stdout')).toEqual([
      { kind: 'custom', text: 'x' },
    ]);

    const plain = loadProviderCatalog({ builtinDir, userDir });
    expect(plain.get('a')).toBeUndefined();
    expect(plain.errors()[0]!.message).toMatch(
      /a\.json: "parser" must name a known parser: [a-z, ]*\btext\b[a-z, ]* \(got "custom"\)/,
    );
  });

  it('buildArgv on the catalog substitutes a loaded template', () => {
    const { builtinDir, userDir } = dirs();
    put(userDir, 'm.json', { name: 'm', command: ['prog', '--model={model}', '{task}'] });
    const cat = loadProviderCatalog({ builtinDir, userDir });
    expect(cat.buildArgv(cat.get('m')!.command, { task: 'a b', workspace: '/w' })).toEqual(['prog', 'a b']);
  });

  it('runs a user-defined provider end to end: real process, literal task, text parser', () => {
    const { builtinDir, userDir } = dirs();
    const ws = tempDir('aicoder-ws-');
    put(userDir, 'script.json', {
      name: 'script',
      description: 'runs a script with the task as one argument',
      command: [
        'bash',
        '-c',
        'echo "start in $PWD"; echo "task=$1"; echo "env=$GREETING"; echo oops >&2',
        '_',
        '{task}',
      ],
      env: { GREETING: 'hi there' },
    });
    const cat = loadProviderCatalog({ builtinDir, userDir });
    const def = cat.get('script')!;
    const task = '$(touch pwned) && `touch pwned2`';
    const argv = cat.buildArgv(def.command, { task, workspace: ws });
    const out = execFileSync(argv[0]!, argv.slice(1), {
      cwd: ws,
      env: { ...process.env, ...def.env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const parser = cat.parser(def);
    const events = out
      .trimEnd()
      .split('\n')
      .flatMap((l) => parser.parse(l, 'stdout'));
    expect(events.map((e) => e.text)).toEqual([`start in ${ws}`, `task=${task}`, 'env=hi there']);
    expect(events.at(-1)!.last_message).toBe('env=hi there');
    expect(existsSync(join(ws, 'pwned'))).toBe(false);
    expect(existsSync(join(ws, 'pwned2'))).toBe(false);
  });
});

describe('validation errors name the file and the key', () => {
  const cases: [string, unknown, RegExp, string?][] = [
    ['unknown key', { ...lines, comand: ['x'] }, /x\.json: unknown key "comand"/, 'comand'],
    ['missing command', { name: 'n' }, /x\.json: missing key "command"/, 'command'],
    ['missing name', { command: ['p'] }, /x\.json: missing key "name"/, 'name'],
    [
      'uppercase name',
      { ...lines, name: 'Lines' },
      /x\.json: "name" must be 1–40 characters.*\(got "Lines"\)/,
      'name',
    ],
    ['name too long', { ...lines, name: 'a'.repeat(41) }, /x\.json: "name" must be 1–40/, 'name'],
    ['name starting with -', { ...lines, name: '-x' }, /x\.json: "name" must be/, 'name'],
    ['name not a string', { ...lines, name: 7 }, /x\.json: "name" must be a string \(got number\)/, 'name'],
    [
      'empty command',
      { ...lines, command: [] },
      /x\.json: "command" must be a non-empty array of strings/,
      'command',
    ],
    [
      'command a string',
      { ...lines, command: 'bash -c x' },
      /x\.json: "command" must be a non-empty array of strings \(got string\)/,
      'command',
    ],
    [
      'command element not a string',
      { ...lines, command: ['p', 3] },
      /x\.json: "command\[1\]" must be a string \(got number\)/,
      'command',
    ],
    [
      'unknown placeholder',
      { ...lines, command: ['p', '--x={foo}'] },
      /x\.json: "command\[1\]" unknown placeholder "\{foo\}" \(allowed: \{task\} \{model\} \{workspace\} \{session_id\} \{permission_mode\} \{coder_mcp_url\} \{coder_mcp_endpoint\} \{coder_mcp_config\} \{coder_prompt\} \{max_turns\} \{budget_usd\} \{system_prompt\} \{role_prompt\} \{role_prompt_toml\} \{role_tools\}; write \{\{foo\}\} for a literal "\{foo\}"\)/,
      'command',
    ],
    [
      '{message} in command',
      { ...lines, command: ['p', '{message}'] },
      /x\.json: "command\[1\]" unknown placeholder "\{message\}".*only allowed in resume_command/,
      'command',
    ],
    [
      'unknown placeholder in resume_command',
      { ...lines, resume_command: ['p', '{msg}'] },
      /x\.json: "resume_command\[1\]" unknown placeholder "\{msg\}" \(allowed: .*\{message\}/,
      'resume_command',
    ],
    [
      'placeholder as the program',
      { ...lines, command: ['{task}'] },
      /x\.json: "command\[0\]" the program \(first element\) must be a non-empty literal/,
      'command',
    ],
    ['empty program', { ...lines, command: ['', 'x'] }, /x\.json: "command\[0\]" the program/, 'command'],
    [
      'unknown parser',
      { ...lines, parser: 'jsonl' },
      /x\.json: "parser" must name a known parser: [a-z, ]*\btext\b[a-z, ]* \(got "jsonl"\)/,
      'parser',
    ],
    [
      'env value not a string',
      { ...lines, env: { K: 1 } },
      /x\.json: "env\.K" must be a string \(got number\)/,
      'env',
    ],
    [
      'env not an object',
      { ...lines, env: ['K=v'] },
      /x\.json: "env" must be an object of string values \(got array\)/,
      'env',
    ],
    [
      'bad env name',
      { ...lines, env: { '1X': 'v' } },
      /x\.json: "env\.1X" is not a valid environment variable name/,
      'env',
    ],
    [
      'description not a string',
      { ...lines, description: ['a'] },
      /x\.json: "description" must be a string \(got array\)/,
      'description',
    ],
    ['top level array', [lines], /x\.json: must be a JSON object/],
    ['top level null', null, /x\.json: must be a JSON object/],
  ];

  for (const [what, raw, re, field] of cases) {
    it(what, () => {
      const e = providerError(raw);
      expect(e.code).toBe('provider_config');
      expect(e.message).toMatch(re);
      if (field !== undefined) expect(e.field).toBe(field);
    });
  }

  it('reports every problem of a file at once', () => {
    const e = providerError({ name: 'Bad', comand: [], parser: 'zz' });
    expect(e.message).toMatch(/x\.json: unknown key "comand"; /);
    expect(e.field).toBe('comand');
    expect(e.message).toContain('"name" must be');
    expect(e.message).toContain('missing key "command"');
    expect(e.message).toContain('"parser" must name a known parser');
  });

  it('accepts {message} and {session_id} in resume_command and escaped braces anywhere', () => {
    const def = parseProviderDef(
      {
        ...lines,
        command: ['p', '${{HOME}}', '{"a":1}', '{task}'],
        resume_command: ['p', '--resume={session_id}', '{message}'],
      },
      '/x.json',
    );
    expect(def.resume_command).toEqual(['p', '--resume={session_id}', '{message}']);
  });

  it('invalid JSON and unreadable files name the file', () => {
    const dir = tempDir();
    const bad = put(dir, 'broken.json', '{"name": "x",}');
    expect(() => readProviderFile(bad)).toThrow(/broken\.json: invalid JSON: /);
    const sub = join(dir, 'dir.json');
    mkdirSync(sub);
    expect(() => readProviderFile(sub)).toThrow(/dir\.json: cannot read: /);
  });

  it('messages show paths under the home directory with ~', () => {
    expect(displayPath('/home/u/.aicoder/providers/x.json', '/home/u')).toBe('~/.aicoder/providers/x.json');
    expect(displayPath('/home/user2/x.json', '/home/u')).toBe('/home/user2/x.json');
    const e = (() => {
      try {
        parseProviderDef(
          { ...lines, comand: 1 },
          join(process.env['HOME'] ?? '/nonexistent', '.aicoder/providers/x.json'),
        );
      } catch (err) {
        return err as Error;
      }
      return null;
    })();
    expect(e?.message).toBe('~/.aicoder/providers/x.json: unknown key "comand"');
  });
});

describe('shipped templates', () => {
  it('builtinProvidersDir resolves to the package templates/providers', () => {
    expect(builtinProvidersDir()).toBe(join(process.cwd(), 'templates', 'providers'));
    expect(builtinProvidersDir('file:///pkg/dist/providers/registry.js')).toBe('/pkg/templates/providers');
  });

  it('every shipped template loads without errors', () => {
    const cat = loadProviderCatalog({ builtinDir: builtinProvidersDir(), userDir: join(tempDir(), 'none') });
    expect(cat.errors()).toEqual([]);
    for (const def of cat.list())
      expect(toProviderInfo(def)).toMatchObject({ name: def.name, source: def.source });
  });
});

describe('docs/providers.md', () => {
  it('every provider example in the docs is a valid definition', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'providers.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n(\{[\s\S]*?\n\})\n```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const def = parseProviderDef(JSON.parse(block), '/docs/example.json');
      expect(def.name).toMatch(/^[a-z]/);
    }
  });
});
