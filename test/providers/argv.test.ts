import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAicoderError } from '../../src/core/errors.js';
import { buildArgv, placeholdersIn } from '../../src/providers/argv.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

const ws = '/tmp/ws';

describe('buildArgv', () => {
  it('substitutes every placeholder per element', () => {
    const argv = buildArgv(
      ['agent', '-p', '{task}', '--model={model}', '--dir', '{workspace}', '--resume={session_id}'],
      { task: 'fix it', model: 'm1', workspace: ws, session_id: 's-9' },
    );
    expect(argv).toEqual(['agent', '-p', 'fix it', '--model=m1', '--dir', ws, '--resume=s-9']);
  });

  it('keeps shell metacharacters and whitespace literal, one element per template element', () => {
    const task = `$(touch $HOME/pwned); rm -rf / && echo "hi" | cat > x \`id\` 'q' \n second line * ? ~ \\`;
    const argv = buildArgv(['agent', '{task}', 'tail'], { task, workspace: ws });
    expect(argv).toEqual(['agent', task, 'tail']);
  });

  it('does not re-expand placeholders inside substituted text', () => {
    const argv = buildArgv(['a', '{task}', '--m={model}'], {
      task: 'use {model} and {workspace} and {{task}} and {nope}',
      model: '$HOME',
      workspace: ws,
    });
    expect(argv).toEqual(['a', 'use {model} and {workspace} and {{task}} and {nope}', '--m=$HOME']);
  });

  it('handles replacement patterns like $& and $1 in values literally', () => {
    const argv = buildArgv(['a', 'x{task}y'], { task: "$& $1 $' $`", workspace: ws });
    expect(argv).toEqual(['a', "x$& $1 $' $`y"]);
  });

  it('optional rule: an element referencing a null, absent or empty variable is dropped whole', () => {
    const tpl = ['agent', '--model={model}', '{task}', '--resume={session_id}', '{model}'];
    expect(buildArgv(tpl, { task: 't', workspace: ws })).toEqual(['agent', 't']);
    expect(buildArgv(tpl, { task: 't', workspace: ws, model: null, session_id: null })).toEqual([
      'agent',
      't',
    ]);
    expect(buildArgv(tpl, { task: 't', workspace: ws, model: '', session_id: '' })).toEqual(['agent', 't']);
    expect(buildArgv(tpl, { task: 't', workspace: ws, model: 'x' })).toEqual([
      'agent',
      '--model=x',
      't',
      'x',
    ]);
  });

  it('drops only the element with the missing variable, not its neighbours', () => {
    // A flag written as two elements keeps the flag: the documented form for optional flags is one element.
    expect(buildArgv(['agent', '--model', '{model}', '{task}'], { task: 't', workspace: ws })).toEqual([
      'agent',
      '--model',
      't',
    ]);
  });

  it('substitutes {message} (resume templates)', () => {
    expect(
      buildArgv(['agent', '--resume', '{session_id}', '-p', '{message}'], {
        task: 'first',
        workspace: ws,
        session_id: 'abc',
        message: 'and now $(this)',
      }),
    ).toEqual(['agent', '--resume', 'abc', '-p', 'and now $(this)']);
  });

  it('leaves non-placeholder braces alone and turns {{name}} into a literal {name}', () => {
    const argv = buildArgv(['jq', '{a: .b}', '{}', '{1}', '{"k":{"v":1}}', '${{HOME}}', '{{task}}={task}'], {
      task: 'T',
      workspace: ws,
    });
    expect(argv).toEqual(['jq', '{a: .b}', '{}', '{1}', '{"k":{"v":1}}', '${HOME}', '{task}=T']);
  });

  it('throws provider_config naming an unknown placeholder', () => {
    let err: unknown;
    try {
      buildArgv(['a', '--x={foo}'], { task: 't', workspace: ws });
    } catch (e) {
      err = e;
    }
    expect(isAicoderError(err) && err.code).toBe('provider_config');
    expect((err as Error).message).toContain('"{foo}"');
  });

  it('lists the placeholders an element references, excluding escapes', () => {
    expect(placeholdersIn('--a={task}-{model}-{{workspace}}-{1}-{}')).toEqual(['task', 'model']);
  });

  it('passes the task to a real process as exactly one argument, untouched by any shell', () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const task = `$(touch ${marker}); \`touch ${marker}\` && touch ${marker} "quoted" 'single' {model}`;
    const argv = buildArgv(
      ['node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '{task}'],
      {
        task,
        workspace: dir,
      },
    );
    const out = execFileSync(argv[0]!, argv.slice(1), { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([task]);
    expect(existsSync(marker)).toBe(false);
  });

  it('a bash -c provider receives the task as "$1", literally', () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const task = `$(touch ${marker}) ; touch ${marker}`;
    const argv = buildArgv(['bash', '-c', 'printf "%s" "$1" > out.txt', '_', '{task}'], {
      task,
      workspace: dir,
    });
    execFileSync(argv[0]!, argv.slice(1), { cwd: dir });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(task);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a session id that could be read as an option, whatever the template', () => {
    for (const session_id of ['--dangerously-bypass-approvals-and-sandbox', '-c', 'a b', 'x\0y']) {
      expect(() =>
        buildArgv(['codex', 'exec', 'resume', '{session_id}', '--', '{message}'], {
          task: 't',
          workspace: '/w',
          session_id,
          message: 'go on',
        }),
      ).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'session_id' }));
    }
  });
});
