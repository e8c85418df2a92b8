/** .aicoder.json: copy + .worktreeinclude, setup before the agent, failing setup, ports. */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemp, git, makeRepo, waitFor } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';

const check = {
  name: 'check',
  description: 'prints what the worktree holds before the agent runs',
  command: [
    'bash',
    '-c',
    'cat .env; cat secret.local; cat setup-marker; echo "ports=$AICODER_PORT_0,$AICODER_PORT_1,$PORT"',
  ],
  env: {},
  parser: 'text',
};

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

function repoWith(settings: unknown): string {
  const repo = makeRepo({ '.gitignore': '.env\n*.local\n', 'README.md': '# r\n' });
  writeFileSync(join(repo, '.aicoder.json'), JSON.stringify(settings));
  writeFileSync(join(repo, '.worktreeinclude'), '*.local\n');
  git(repo, 'add', '.aicoder.json', '.worktreeinclude');
  git(repo, 'commit', '-q', '-m', 'settings');
  writeFileSync(join(repo, '.env'), 'TOKEN_X=from-env\n');
  writeFileSync(join(repo, 'secret.local'), 'local-secret\n');
  return repo;
}

async function textLogs(m: TestManager['manager'], id: string): Promise<string[]> {
  await m.wait(id, { for: 'terminal', timeout_ms: 20_000 });
  return m.logs(id, { tail: 1000 }).entries.map((e) => `${e.kind}|${e.text}`);
}

describe('worktree preparation', () => {
  it('copies .env and .worktreeinclude files and runs setup before the agent starts', async () => {
    tm = await startTestManager({ providers: [check] });
    const repo = repoWith({
      copy: ['.env*'],
      setup: [
        ['node', '-e', "require('fs').writeFileSync('setup-marker','marker-ok\\n');console.log('set up')"],
      ],
    });
    const c = await tm.manager.create({ task: 'check', repo, provider: 'check' });
    const logs = await textLogs(tm.manager, c.id);
    expect(tm.manager.get(c.id).state).toBe('completed');
    expect(logs).toContain('text|TOKEN_X=from-env');
    expect(logs).toContain('text|local-secret');
    expect(logs).toContain('text|marker-ok');
    expect(logs).toContain('setup|set up');
    // setup output comes before the agent's
    expect(logs.indexOf('setup|set up')).toBeLessThan(logs.indexOf('text|marker-ok'));
    // the user's checkout is untouched
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('a failing setup ends the coder failed with its output in the logs', async () => {
    tm = await startTestManager({ providers: [check] });
    const repo = repoWith({
      setup: [['bash', '-c', 'echo "installing deps"; echo "boom: no network" >&2; exit 7']],
    });
    const c = await tm.manager.create({ task: 'check', repo, provider: 'check' });
    const logs = await textLogs(tm.manager, c.id);
    const done = tm.manager.get(c.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(/^setup failed: .*exited 7.*boom: no network/);
    expect(logs).toContain('setup|installing deps');
    expect(logs).toContain('setup|boom: no network');
    expect(logs.some((l) => l.startsWith('text|'))).toBe(false); // the agent never ran
  });

  it('two coders with ports: 2 get distinct free ports', async () => {
    const hold = {
      ...check,
      name: 'hold',
      // stays alive (holding its ports) until stopped
      command: ['bash', '-c', 'echo "ports=$AICODER_PORT_0,$AICODER_PORT_1,$PORT"; exec sleep 30'],
    };
    tm = await startTestManager({ providers: [hold], config: { stop_grace_ms: 2000 } });
    const repo = repoWith({ ports: 2 });
    const a = await tm.manager.create({ task: 'a', repo, provider: 'hold' });
    const b = await tm.manager.create({ task: 'b', repo, provider: 'hold' });
    const ports = async (id: string): Promise<number[]> => {
      const line = await waitFor(
        () => tm!.manager.logs(id, { tail: 100 }).entries.find((e) => e.text.startsWith('ports=')),
        { what: `ports of ${id}` },
      );
      return line.text.slice(6).split(',').map(Number);
    };
    const pa = await ports(a.id);
    const pb = await ports(b.id);
    expect(pa[0]).toBe(pa[2]); // PORT = the first
    const all = [pa[0], pa[1], pb[0], pb[1]];
    expect(new Set(all).size).toBe(4);
    for (const p of all) {
      expect(p).toBeGreaterThan(0);
      await new Promise<void>((resolve, reject) => {
        const s = createServer();
        s.on('error', reject);
        s.listen(p, '127.0.0.1', () => s.close(() => resolve()));
      });
    }
    await tm.manager.control(a.id, { action: 'stop' });
    await tm.manager.control(b.id, { action: 'stop' });
  });

  it('an invalid .aicoder.json is an error naming the file and key, and nothing is created', async () => {
    tm = await startTestManager({ providers: [check] });
    const repo = repoWith({ setup: [['ok'], []] });
    const before = git(repo, 'worktree', 'list');
    await expect(tm.manager.create({ task: 'x', repo, provider: 'check' })).rejects.toThrow(
      /\.aicoder\.json: "setup\[1\]" is invalid: setup must be/,
    );
    writeFileSync(join(repo, '.aicoder.json'), JSON.stringify({ prots: 2 }));
    await expect(tm.manager.create({ task: 'x', repo, provider: 'check' })).rejects.toThrow(
      /\.aicoder\.json: unknown key "prots"/,
    );
    expect(git(repo, 'worktree', 'list')).toBe(before);
  });
});
