/**
 * The CLI loads only the module of the command that runs (start time, docs/performance.md): every
 * top-level command is listed in COMMAND_MODULE under the module that registers it.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/cli/context.js';
import { buildProgram, COMMAND_MODULE, modulesFor } from '../../src/cli/main.js';
import { createOutput } from '../../src/cli/output.js';
import { BIN, cleanupHome, health, makeHome, runCli, startDaemon } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, tempDir, waitFor } from '../helpers/env.js';

afterAll(cleanupTemp);

const ctx = () => createContext({}, createOutput({}), process.cwd());

describe('lazy command modules', () => {
  it('lists every command of the full program under the module that registers it', async () => {
    const all = (await buildProgram(ctx())).commands.map((c) => c.name()).sort();
    expect(all).toEqual(Object.keys(COMMAND_MODULE).sort());
    for (const name of all) {
      const only = await buildProgram(ctx(), [name, '--help']);
      const names = only.commands.map((c) => c.name());
      expect(names, name).toContain(name);
      const module = COMMAND_MODULE[name];
      const siblings = Object.keys(COMMAND_MODULE).filter((n) => COMMAND_MODULE[n] === module);
      expect(names.sort(), name).toEqual(siblings.sort());
    }
  });

  it('loads every module without a known command first', () => {
    const every = modulesFor([]);
    expect(every.length).toBeGreaterThan(1);
    expect(modulesFor(['--help'])).toEqual(every);
    expect(modulesFor(['-V'])).toEqual(every);
    expect(modulesFor(['lsit'])).toEqual(every); // commander's suggestion needs every name
    expect(modulesFor(['--help', 'list'])).toEqual(every);
    expect(modulesFor(['list', '--json'])).toEqual(['coders']);
    expect(modulesFor(['logs', 'abc', '--tail', '5'])).toEqual(['logs']);
  });

  it('is a commander program either way', async () => {
    expect(await buildProgram(ctx(), ['list'])).toBeInstanceOf(Command);
  });

  it('`list --json` against a running daemon loads no daemon-side or heavy module, and no fetch', async () => {
    const h = await makeHome();
    const d = await startDaemon(h);
    try {
      // A loader hook that prints every module loaded, and node's own list (undici is internal) at exit.
      const hook = join(tempDir('aicoder-hook-'), 'hook.mjs');
      const loader = `export async function load(url, c, next) { process.stderr.write('LOADED ' + url + '\\n'); return next(url, c); }`;
      writeFileSync(
        hook,
        `import { register } from 'node:module';\n` +
          `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(loader)}));\n` +
          `process.on('exit', () => { for (const m of process.moduleLoadList) if (m.includes('undici')) process.stderr.write('LOADED ' + m + '\\n'); });\n`,
      );
      const r = await runCli(h, ['list', '--json'], { env: { NODE_OPTIONS: `--import=${hook}` } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toBeTruthy();
      const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED '));
      // The fast path (src/cli/fast-path.ts): not even commander or the table output.
      expect(loaded.some((l) => l.includes('/cli/fast-path.js'))).toBe(true);
      for (const heavy of [
        '/execa/',
        '/simple-git/',
        '/zod/',
        '/better-sqlite3/',
        'undici',
        '/commander/',
        '/string-width/',
        '/cli/main.js',
        '/daemon/control.js',

        '/commands/tui.js',
        '/mcp/',
        '/store/',
      ]) {
        expect(
          loaded.filter((l) => l.includes(heavy)),
          heavy,
        ).toEqual([]);
      }
    } finally {
      await cleanupHome(h, d);
    }
  });

  it('`daemon run` listens before loading routes, schemas, store or the CLI; commander never loads', async () => {
    const h = await makeHome();
    // Every module loaded (written by the loader thread as it loads it) and the moment the server
    // listens, both with writeSync on stderr, so the order on the pipe is the order they happened.
    const hook = join(tempDir('aicoder-hook-'), 'hook.mjs');
    const loader = `import { writeSync } from 'node:fs'; export async function load(url, c, next) { writeSync(2, 'LOADED ' + url + '\\n'); return next(url, c); }`;
    writeFileSync(
      hook,
      `import { register } from 'node:module';\n` +
        `import { writeSync } from 'node:fs';\n` +
        `import http from 'node:http';\n` +
        `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(loader)}));\n` +
        `const listen = http.Server.prototype.listen;\n` +
        `http.Server.prototype.listen = function (...a) { this.once('listening', () => writeSync(2, 'LISTENING\\n')); return listen.apply(this, a); };\n`,
    );
    const proc = spawn(process.execPath, [BIN, 'daemon', 'run'], {
      env: { ...h.env, NODE_OPTIONS: `--import=${hook}` },
      cwd: h.userHome,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const d = { proc, pid: proc.pid!, output: () => err };
    try {
      await waitFor(
        async () => {
          const hh = await health(h);
          return hh !== null && hh.pid === proc.pid && hh.starting !== true;
        },
        { what: 'the daemon started', timeoutMs: 30_000 },
      );
      // The routes load on the first request that needs them.
      const r = await runCli(h, ['list', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const lines = err.split('\n');
      const listenAt = lines.indexOf('LISTENING');
      expect(listenAt, err.slice(0, 4000)).toBeGreaterThan(0);
      const loadedBefore = lines.slice(0, listenAt).filter((l) => l.startsWith('LOADED '));
      // The start path is one file (scripts/bundle-daemon.mjs): the modules bundled into it count as
      // loaded before listen, by their dist path, as if node had loaded them one by one.
      expect(
        loadedBefore.some((l) => l.includes('/dist/cli/daemon-run.bundle.js')),
        'the bin ran the bundled start path (a tsc build after `npm run build` makes it fall back)',
      ).toBe(true);
      const manifest = JSON.parse(
        readFileSync(join(dirname(BIN), '..', 'dist', 'cli', 'daemon-run.bundle.json'), 'utf8'),
      ) as { modules: string[] };
      const before = [...loadedBefore, ...manifest.modules.map((m) => `LOADED bundled /${m}`)];
      expect(before.some((l) => l.includes('/daemon/lifecycle.js'))).toBe(true);
      expect(before.some((l) => l.includes('/daemon/server.js'))).toBe(true);
      for (const heavy of [
        '/zod/',
        '/protocol/index.js',
        '/daemon/routes/index.js',
        '/store/',
        '/execa/',
        '/simple-git/',
        '/@secretlint/',
        // The HTTP client of control.ts (only when daemon.json names a live process), the coders'
        // endpoint tokens and what they import (gemini settings: jsonc-parser) load after listen.
        '/daemon/control.js',
        '/daemon/coder-tokens.js',
        '/jsonc-parser/',
      ]) {
        expect(
          before.filter((l) => l.includes(heavy)),
          heavy,
        ).toEqual([]);
      }
      const all = lines.filter((l) => l.startsWith('LOADED '));
      expect(all.some((l) => l.includes('/daemon/routes/index.js'))).toBe(true);
      for (const cliOnly of ['/commander/', '/string-width/', '/cli/main.js', '/cli/output.js']) {
        expect(
          all.filter((l) => l.includes(cliOnly)),
          cliOnly,
        ).toEqual([]);
      }
    } finally {
      await cleanupHome(h, d);
    }
  });

  it('`list --json` prints the same bytes on the fast path as the full CLI, and falls back', async () => {
    const h = await makeHome();
    const d = await startDaemon(h);
    try {
      const repo = makeRepo();
      for (const task of ['one', 'two ✓ 日本']) {
        const c = await runCli(h, ['create', '--repo', repo, '--provider', 'echo', '--json', task]);
        expect(c.code, c.stderr).toBe(0);
      }
      const fast = await runCli(h, ['list', '--json']);
      expect(fast.code, fast.stderr).toBe(0);
      // `--limit 50` is the default: the same request, through commander.
      const full = await runCli(h, ['list', '--json', '--limit', '50']);
      expect(full.code, full.stderr).toBe(0);
      expect(JSON.parse(fast.stdout).coders).toHaveLength(2);
      expect(fast.stdout).toBe(full.stdout);
      expect((await runCli(h, ['ls', '--json'])).stdout).toBe(full.stdout);
    } finally {
      await cleanupHome(h, d);
    }
    // No daemon: the full CLI's answer (here: not started, exit code 3).
    const none = await runCli(h, ['list', '--json'], { env: { AICODER_NO_AUTOSTART: '1' } });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('not running');
  });
});
