/**
 * The README's quick start, run literally on a fresh machine: a `git clone` of this repository at
 * HEAD, an empty HOME and a temporary npm prefix (the real global prefix is never touched). Every
 * command of the quick start's first block runs as written in the clone, then every command of the
 * second block in a separate git repository; `aicoder create` must make a coder that completes, and
 * `aicoder tui` must show it (in a pseudo-terminal, quit with q).
 *
 * `npm test` is the one command not run here: CI runs it (`bash .ci/run`), and this file runs from
 * `.ci/run` as its own step (`npm run test:readme`), not from `npm test`, so it never recurses.
 *
 * Fresh HOME, but the machine's npm settings that say where packages come from are kept: the npm
 * cache (with prefer-offline, so the install is real but does not re-download), `nodedir` (node-gyp
 * headers: better-sqlite3 is compiled when no prebuilt binary can be fetched), `cafile`, `registry`.
 * The agent is a plain command provider written to `~/.aicoder/providers/` of the fresh HOME, the
 * documented way (docs/providers.md), because the shipped agents need a model endpoint.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { cleanupTemp, freePort, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { pidAlive } from '../helpers/daemon.js';
import { scaled } from '../helpers/load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Pty {
  onData(fn: (d: string) => void): void;
  onExit(fn: (e: { exitCode: number }) => void): void;
  write(data: string): void;
  kill(signal?: string): void;
}
const pty = createRequire(import.meta.url)('node-pty') as {
  spawn(
    file: string,
    args: string[],
    opts: { cols: number; rows: number; cwd: string; env: Record<string, string> },
  ): Pty;
};
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** The quick start's shell blocks: each block's command lines, comments and blank lines removed. */
export function quickStartBlocks(readme: string): string[][] {
  const start = readme.indexOf('\n## Quick start');
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const next = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const blocks: string[][] = [];
  for (const m of section.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    blocks.push(
      m[1]!
        .split('\n')
        .map((l) => l.replace(/\s+#.*$/, '').trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  return blocks;
}

interface Run {
  code: number;
  out: string;
  ms: number;
}

/** Runs one README line with bash, as a user's shell would. */
function sh(line: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, ms: Date.now() - t0 });
    });
  });
}

/** Where the machine's npm gets packages from (read with the real HOME, before it is replaced). */
function npmSourceSettings(): Record<string, string> {
  const out = execFileSync('npm', ['config', 'get', 'cache', 'nodedir', 'cafile', 'registry'], {
    cwd: tempDir('aicoder-npmcfg-'),
    encoding: 'utf8',
  });
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^(\w+)=(.*)$/.exec(line.trim());
    if (m && m[2] !== '' && m[2] !== 'null' && m[2] !== 'undefined') env[`npm_config_${m[1]!}`] = m[2]!;
  }
  return env;
}

let stopDaemon: (() => Promise<void>) | undefined;
afterAll(async () => {
  await stopDaemon?.();
  cleanupTemp();
});

test(
  'the README quick start works literally: fresh clone, empty HOME, temp npm prefix, create + tui in another repo',
  async () => {
    const blocks = quickStartBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const [install, use] = [blocks[0]!, blocks[1]!];
    expect(install.join('\n')).toContain('npm test');
    expect(use.some((l) => l.startsWith('aicoder create '))).toBe(true);

    const work = tempDir('aicoder-readme-');
    const clone = join(work, 'aicoder');
    execFileSync('git', ['clone', '-q', ROOT, clone]);
    const home = join(work, 'home');
    const prefix = join(work, 'npm-prefix');
    mkdirSync(home);
    const port = await freePort();

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v === undefined || /^(npm_|aicoder_)/i.test(k) || k === 'INIT_CWD') continue;
      env[k] = v;
    }
    Object.assign(env, npmSourceSettings(), {
      HOME: home,
      NPM_CONFIG_PREFIX: prefix,
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      AICODER_PORT: String(port),
    });
    delete env.NODE_OPTIONS; // vitest's, not the user's

    const aicoderHome = join(home, '.aicoder');
    stopDaemon = async () => {
      try {
        const info = JSON.parse(readFileSync(join(aicoderHome, 'daemon.json'), 'utf8')) as { pid: number };
        if (existsSync(join(prefix, 'bin', 'aicoder'))) await sh('aicoder daemon stop', home, env, 60_000);
        if (pidAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
      } catch {
        /* no daemon was started */
      }
    };

    const timings: string[] = [];
    for (const line of install) {
      // CI runs the suite (`npm test`) itself; this test is not part of it, so it must not run it again.
      if (line === 'npm test') continue;
      const r = await sh(line, clone, env, 15 * 60_000);
      timings.push(`${line}: ${(r.ms / 1000).toFixed(1)} s`);
      expect(r.code, `${line} (in the fresh clone) failed:\n${r.out.slice(-4000)}`).toBe(0);
    }
    console.log(`README quick start timings: ${timings.join('; ')}`);

    // On PATH from the temp prefix, pointing at the fresh clone's build.
    const which = (await sh('command -v aicoder', home, env, 10_000)).out.trim();
    expect(which).toBe(join(prefix, 'bin', 'aicoder'));
    expect(realpathSync(which)).toBe(realpathSync(join(clone, 'bin', 'aicoder.js')));

    // The user's own repository elsewhere, and a provider that runs without a model endpoint.
    const repo = makeRepo({ 'README.md': '# my project\n' });
    mkdirSync(join(aicoderHome, 'providers'), { recursive: true });
    writeFileSync(
      join(aicoderHome, 'providers', 'note.json'),
      JSON.stringify({
        name: 'note',
        description: 'writes the task to NOTES.md',
        command: ['bash', '-c', 'printf "%s\\n" "$1" > NOTES.md; echo "wrote NOTES.md"', '_', '{task}'],
        parser: 'text',
      }),
    );
    writeFileSync(join(aicoderHome, 'config.json'), JSON.stringify({ default_provider: 'note' }));

    let id = '';
    for (const line of use) {
      if (line === 'aicoder tui') {
        const screen = await runTui(line, repo, env, id);
        expect(screen).toContain(id);
        continue;
      }
      const r = await sh(line, repo, env, 120_000);
      expect(r.code, `${line} (in a separate repo) failed:\n${r.out}`).toBe(0);
      const m = /created coder (\w+)/.exec(r.out);
      if (m) id = m[1]!;
    }
    expect(id).not.toBe('');
    const waited = await sh(`aicoder wait ${id}`, repo, env, 120_000);
    expect(waited.code, waited.out).toBe(0);
    expect(waited.out).toContain('completed');
    const status = await sh(`aicoder status ${id} --json`, repo, env, 60_000);
    const coder = JSON.parse(status.out) as { workspace: string; repo: string };
    expect(coder.repo).toBe(repo);
    const task = /^aicoder create "(.*)"$/.exec(use.find((l) => l.startsWith('aicoder create '))!)?.[1];
    expect(readFileSync(join(coder.workspace, 'NOTES.md'), 'utf8')).toBe(`${task}\n`);
  },
  scaled(1_200_000),
);

/** Runs `aicoder tui` in a pseudo-terminal until the coder is on screen, then quits it with q. */
async function runTui(line: string, cwd: string, env: Record<string, string>, id: string): Promise<string> {
  const term = pty.spawn('bash', ['-c', line], { cols: 120, rows: 30, cwd, env });
  let raw = '';
  let exited = false;
  term.onData((d) => (raw += d));
  const done = new Promise<number>((r) =>
    term.onExit((e) => {
      exited = true;
      r(e.exitCode);
    }),
  );
  try {
    await waitFor(() => raw.replace(ANSI, '').includes(id), {
      what: 'the coder in the TUI',
      timeoutMs: 60_000,
    });
    term.write('q');
    expect(await done).toBe(0);
    return raw.replace(ANSI, '');
  } finally {
    if (!exited) term.kill('SIGKILL');
  }
}
