#!/usr/bin/env node
/* global URL, process, console, setTimeout */
/**
 * Sample outputs in docs/*.md produced from real runs (built code in dist/: run `npm run build`
 * first). A real daemon in a temp AICODER_HOME, a real git repository and the real CLI run the
 * commands below; their output replaces the block between `<!-- gen:NAME -->` and
 * `<!-- /gen:NAME -->` in the docs. Ids, commit hashes, times, ports and temp paths are normalised,
 * so a run on any machine gives the same text.
 *
 *   node scripts/gen-cli-docs.mjs           rewrite the blocks (part of `npm run docs`)
 *   node scripts/gen-cli-docs.mjs --check   exit 1 naming every block that differs (test/cli/docs-samples.test.ts)
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'aicoder.js');
export const DOCS = ['docs/cli.md', 'docs/providers.md', 'docs/worktrees.md'];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Replaces run-specific text: temp paths, commit hashes, times, the port. */
function normaliser(h) {
  return (text) => {
    let t = text.replaceAll(h.home, '~/.aicoder').replaceAll(h.repo, '~/src/myproject');
    t = t.replaceAll(h.userHome, '~').replaceAll(String(h.port), '7777');
    t = t.replace(/\b[0-9a-f]{40}\b/g, '3f9c2e1d0b8a7f6e5d4c3b2a1908f7e6d5c4b3a2');
    t = t.replace(/\(([0-9a-f]{12})\)/g, '(3f9c2e1d0b8a)'); // short commits, as status prints them
    t = t.replace(/^pid( +)\d+$/gm, 'pid$14242');
    // The state create returns depends on how far the spawn got by then.
    t = t.replace(/ · (starting|running|completed)$/m, ' · starting');
    t = t.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, '2026-01-01T12:00:00.000Z');
    t = t.replace(/-[0-9a-f]{8}\//g, '-1a2b3c4d/'); // worktrees/<repo>-<hash>/
    return t.replace(/ +$/gm, '');
  };
}

function cli(h, args, cwd = h.repo) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: h.env, encoding: 'utf8', timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }),
    );
  });
}

const block = (lines) => '```text\n' + lines.join('\n').trimEnd() + '\n```';

/** Runs the sample session and returns the blocks by name. */
export async function renderSamples() {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'aicoder-docs-')));
  const h = {
    home: join(tmp, 'home', '.aicoder'),
    userHome: join(tmp, 'home'),
    repo: join(tmp, 'myproject'),
    port: await freePort(),
  };
  h.env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: h.userHome,
    AICODER_HOME: h.home,
    AICODER_PORT: String(h.port),
    NO_COLOR: '1',
  };
  try {
    mkdirSync(join(h.home, 'providers'), { recursive: true });
    mkdirSync(h.repo);
    const git = (...a) => execFileSync('git', a, { cwd: h.repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'You');
    git('config', 'user.email', 'you@example.com');
    writeFileSync(join(h.repo, 'README.md'), '# myproject\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'initial');
    writeFileSync(
      join(h.home, 'providers', 'hello.json'),
      JSON.stringify({
        name: 'hello',
        description: 'writes the task to NOTES.md',
        command: ['bash', '-c', 'printf "%s\\n" "$1" > NOTES.md; echo "wrote NOTES.md"', '_', '{task}'],
        parser: 'text',
      }),
    );
    writeFileSync(
      join(h.home, 'providers', 'slow.json'),
      JSON.stringify({
        name: 'slow',
        description: 'works until stopped',
        command: ['bash', '-c', 'echo "reading the code"; exec sleep 600', '_', '{task}'],
        parser: 'text',
      }),
    );
    writeFileSync(join(h.home, 'config.json'), JSON.stringify({ default_provider: 'hello' }));
    await cli(h, ['daemon', 'start']);

    const out = {};
    const task = 'add a --verbose flag to the CLI\n\nPrint each step when --verbose is given.';
    const created = await cli(h, ['create', task]);
    const coder = JSON.parse((await cli(h, ['list', '--json'])).stdout).coders[0];
    const ids = [coder.id];
    const n = normaliser(h);
    const idMap = (t) => ids.reduce((acc, id, i) => acc.replaceAll(id, ['ab12cd34', 'ef56ab78'][i]), n(t));
    out['cli-create'] = block([
      `$ aicoder create "add a --verbose flag to the CLI …"`,
      idMap(created.stdout),
    ]);
    const waited = await cli(h, ['wait', coder.id]);
    out['cli-wait'] = block([`$ aicoder wait ab12cd34`, idMap(waited.stdout)]);
    // A second coder still at work, so the list shows two states.
    const slow = await cli(h, ['create', '--json', '--provider', 'slow', 'rename the config module']);
    const second = JSON.parse(slow.stdout);
    ids.push(second.id);
    for (let i = 0; i < 600; i++) {
      const st = JSON.parse((await cli(h, ['status', second.id, '--json'])).stdout);
      if (st.state === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ageless = (t) => t.replace(/\b\d+(s|m|h|d)\b(?= )/g, '5s');
    // In list's table an age such as `12s` (a slow machine) widens its column: keep the width.
    const agelessColumn = (t) => t.replace(/\b\d+(s|m|h|d) +/g, (m) => '5s'.padEnd(m.length));
    const listed = await cli(h, ['list']);
    out['cli-list'] = block([`$ aicoder list`, agelessColumn(idMap(listed.stdout))]);
    const status = await cli(h, ['status', coder.id]);
    out['cli-status'] = block([`$ aicoder status ab12cd34`, ageless(idMap(status.stdout))]);
    await cli(h, ['stop', second.id]);
    const logs = await cli(h, ['logs', coder.id]);
    out['cli-logs'] = block([`$ aicoder logs ab12cd34`, idMap(logs.stdout)]);
    const commit = await cli(h, ['commit', coder.id, '--json']);
    const c = JSON.parse(commit.stdout);
    out['commit-message'] = block([idMap(c.message)]);
    out['cli-commit'] = block([`$ aicoder commit ab12cd34 --json`, idMap(commit.stdout)]);

    // Provider files with mistakes: what `aicoder providers` reports (the daemon loads at start).
    writeFileSync(join(h.home, 'providers', 'x.json'), JSON.stringify({ name: 'x', comand: ['x'] }));
    writeFileSync(
      join(h.home, 'providers', 'y.json'),
      JSON.stringify({ name: 'y', command: ['y', '--', '{tsk}'] }),
    );
    writeFileSync(
      join(h.home, 'providers', 'z.json'),
      JSON.stringify({ name: 'z', command: ['z'], parser: 'jsonl' }),
    );
    await cli(h, ['daemon', 'stop']);
    const prov = await cli(h, ['providers', '--json']);
    out['provider-errors'] = block(
      idMap(prov.stderr)
        .trimEnd()
        .split('\n')
        .map((l) => l.replace(/^aicoder: provider file skipped: /, '')),
    );
    return out;
  } finally {
    await cli(h, ['daemon', 'stop']).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The doc text with each generated block replaced; unknown block names are left alone. */
export function applySamples(text, samples) {
  return text.replace(
    /(<!-- gen:([\w-]+) -->\n+)[\s\S]*?(\n+<!-- \/gen:\2 -->)/g,
    (all, open, name, close) => (name in samples ? `${open}${samples[name]}${close}` : all),
  );
}

async function main() {
  const check = process.argv.includes('--check');
  const samples = await renderSamples();
  const stale = [];
  for (const rel of DOCS) {
    const path = join(ROOT, rel);
    const before = readFileSync(path, 'utf8');
    const after = applySamples(before, samples);
    if (after === before) continue;
    if (check) stale.push(rel);
    else writeFileSync(path, after);
  }
  if (check && stale.length > 0) {
    console.error(`generated samples differ in ${stale.join(', ')}: run npm run docs`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
