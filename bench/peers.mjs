#!/usr/bin/env node
/**
 * aicoder beside its peers, measured on this machine in one run (issue: "peers, side by side").
 *
 * 1. TUI (`--part tui`): time from spawn to the first frame, time to the ready screen, and
 *    keypress → next frame (Down and Up in turn), each in a real pseudo-terminal (node-pty, 120x40), for
 *    - `aicoder tui` against a running daemon with 3 coders (ready = a coder's name is on screen);
 *    - ccmanager (npm; Ink like ours), its `dist/cli.js` under node, in a temp git repo with a temp
 *      HOME (its bin wrapper wants a platform binary that the registry here does not serve);
 *    - the floor: bench/floor-ink-app.mjs, a one-line Ink app with the same Ink options.
 *    First frame = the first output with visible text; a keypress is Down, and its frame is the
 *    next output after at least 300 ms of quiet.
 * 2. MCP round trip (`--part mcp`): one task through each MCP server to a finished Claude Code run
 *    against the scripted model server (test/fixtures/model-server, transpiled on the fly), with the
 *    same one-step script (write a file, then answer):
 *    - @steipete/claude-code-mcp over stdio: `tools/call claude_code {prompt, workFolder}` (it runs
 *      `claude --dangerously-skip-permissions -p`; IS_SANDBOX=1 lets that flag run as root here);
 *    - aicoder over Streamable HTTP: `ai_coder_create` then `ai_coder_status` waiting for a terminal
 *      state (a worktree and branch are made, the run is supervised and recorded).
 *    Both include spawning Claude Code; the client connection is made before the clock starts.
 *
 * The peers are installed at pinned versions with npm into a cache folder outside the repo
 * (AICODER_BENCH_PEERS, default $TMPDIR/aicoder-bench-peers) on first use.
 *
 *   npm run build && node bench/peers.mjs [--part tui|mcp] [--runs 5] [--json]
 */
/* global process, URL */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  ARGS,
  BIN,
  QUICK,
  ROOT,
  api,
  cleanupTemps,
  makeHome,
  makeRepo,
  report,
  sleep,
  startDaemon,
  stats,
  stopAll,
  tempDir,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const pty = require('node-pty');
const ts = require('typescript');

const PEERS = { ccmanager: '4.2.3', '@steipete/claude-code-mcp': '1.10.12' };
const partAt = ARGS.indexOf('--part');
const PART = partAt === -1 ? 'all' : ARGS[partAt + 1];
const runsAt = ARGS.indexOf('--runs');
const RUNS = runsAt === -1 ? (QUICK ? 3 : 5) : Number(ARGS[runsAt + 1]);
const PRESSES = QUICK ? 10 : 20;
const CLAUDE = join(ROOT, 'node_modules', '.bin', 'claude');

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
const visible = (s) => s.replace(ANSI, '').replace(/\s+/g, '');

/** Installs the pinned peers once into the cache folder; returns the folder's node_modules. */
function installPeers() {
  const dir = process.env.AICODER_BENCH_PEERS ?? join(tmpdir(), 'aicoder-bench-peers');
  const nm = join(dir, 'node_modules');
  const have = Object.entries(PEERS).every(([name, v]) => {
    try {
      return JSON.parse(readFileSync(join(nm, name, 'package.json'), 'utf8')).version === v;
    } catch {
      return false;
    }
  });
  if (!have) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, 'package.json')))
      writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    process.stderr.write(`installing peers into ${dir}…\n`);
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...Object.entries(PEERS).map(([n, v]) => `${n}@${v}`),
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  return nm;
}

// ------------------------------------------------------------------ TUI in a pseudo-terminal

/**
 * Spawns `argv` in a 120x40 pty and measures: first visible output (ms), ready (ms, when the
 * screen text contains `ready`), and `presses` Down keypresses → next output (ms each).
 */
async function ptyRun(argv, { cwd, env, ready, presses }) {
  const t0 = performance.now();
  const p = pty.spawn(argv[0], argv.slice(1), { name: 'xterm-256color', cols: 120, rows: 40, cwd, env });
  let text = '';
  let first = null;
  let readyAt = null;
  let lastData = performance.now();
  let onData = null;
  let exited = false;
  p.onExit(() => (exited = true));
  p.onData((d) => {
    const now = performance.now();
    lastData = now;
    text += d.replace(ANSI, '');
    if (first === null && visible(d) !== '') first = now - t0;
    if (readyAt === null && text.includes(ready)) readyAt = now - t0;
    if (onData) onData(now);
  });
  const until = async (cond, what, ms = 30_000) => {
    const deadline = performance.now() + ms;
    while (!cond()) {
      if (exited) throw new Error(`${argv.join(' ')} exited before ${what}: ${text.slice(-400)}`);
      if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms: ${text.slice(-400)}`);
      await sleep(5);
    }
  };
  try {
    await until(() => readyAt !== null, `ready ("${ready}")`);
    const keys = [];
    for (let i = 0; i < presses; i++) {
      await until(() => performance.now() - lastData >= 300, 'quiet before a key');
      let got = null;
      onData = (now) => {
        if (got === null) got = now;
      };
      const sent = performance.now();
      p.write(i % 2 === 0 ? '\x1b[B' : '\x1b[A'); // Down, Up, Down, …: always a move
      await until(() => got !== null, 'a frame after Down', 10_000);
      onData = null;
      keys.push(got - sent);
    }
    return { first, ready: readyAt, keys };
  } finally {
    p.kill('SIGKILL');
  }
}

async function tuiPart(nm) {
  const ptyEnv = (extra) => {
    const env = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && k !== 'CI' && k !== 'NO_COLOR') env[k] = v;
    return { ...env, TERM: 'xterm-256color', ...extra };
  };
  // aicoder: a daemon with 3 quiet coders.
  const h = await makeHome();
  const daemon = await startDaemon(h);
  const repo = makeRepo(10);
  try {
    for (let i = 1; i <= 3; i++)
      await api(h, 'POST', '/api/coders', { repo, task: '600', name: `bench-peer-${i}` });
    const ccRepo = makeRepo(10);
    const ccHome = tempDir('aicoder-bench-cchome-');
    const programs = {
      floor: {
        argv: [process.execPath, join(ROOT, 'bench', 'floor-ink-app.mjs')],
        cwd: ROOT,
        env: ptyEnv({}),
        ready: 'floor ready',
      },
      aicoder: { argv: [process.execPath, BIN, 'tui'], cwd: repo, env: ptyEnv(h.env), ready: 'bench-peer-' },
      ccmanager: {
        argv: [process.execPath, join(nm, 'ccmanager', 'dist', 'cli.js')],
        cwd: ccRepo,
        env: ptyEnv({ HOME: ccHome }),
        ready: 'Select a worktree',
      },
    };
    const res = {};
    for (const name of Object.keys(programs)) res[name] = { first: [], ready: [], keys: [] };
    // Interleaved runs, so that a slow moment of the machine hits every program alike.
    for (let r = 0; r < RUNS; r++) {
      for (const [name, prog] of Object.entries(programs)) {
        const m = await ptyRun(prog.argv, { ...prog, presses: r === 0 ? PRESSES : 0 });
        res[name].first.push(m.first);
        res[name].ready.push(m.ready);
        res[name].keys.push(...m.keys);
      }
    }
    const fig = {};
    for (const [name, r] of Object.entries(res)) {
      fig[name] = {
        first_ms: stats(r.first).median,
        ready_ms: stats(r.ready).median,
        key_ms: stats(r.keys).median,
        key_p95: r.keys.length ? [...r.keys].sort((a, b) => a - b)[Math.floor(0.95 * r.keys.length)] : null,
      };
    }
    return fig;
  } finally {
    await stopAll(h, daemon);
  }
}

// ------------------------------------------------------------------ MCP round trip

/** Transpiles test/fixtures/model-server/*.ts into a temp folder and imports its index. */
async function loadModelServer() {
  const src = join(ROOT, 'test', 'fixtures', 'model-server');
  const out = tempDir('aicoder-bench-model-');
  for (const f of readdirSync(src)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    const js = ts.transpileModule(readFileSync(join(src, f), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(out, f.replace(/\.ts$/, '.js')), js);
  }
  return import(pathToFileURL(join(out, 'index.js')).href);
}

/** The environment that points Claude Code at the model server, with its state in `dir`. */
function claudeEnv(serverUrl, dir) {
  const home = join(dir, 'claude-home');
  mkdirSync(join(home, '.claude'), { recursive: true });
  return {
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ANTHROPIC_BASE_URL: serverUrl,
    ANTHROPIC_API_KEY: 'sk-ant-scripted-fake-key',
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

async function mcpPart(nm) {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const { StreamableHTTPClientTransport } =
    await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const { startModelServer } = await loadModelServer();
  const script = (tag) => [
    {
      when: tag,
      steps: [{ tool: 'write_file', path: `${tag}.txt`, content: 'hi\n' }, { text: `wrote ${tag}.txt` }],
    },
  ];
  const server = await startModelServer({ script: [] });
  const cenv = claudeEnv(server.url, tempDir('aicoder-bench-claude-'));
  const base = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('AICODER_')) base[k] = v;
  const path = `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`;

  // The peer, over stdio.
  const peer = new Client({ name: 'bench', version: '1' });
  await peer.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(nm, '@steipete', 'claude-code-mcp', 'dist', 'server.js')],
      env: { ...base, ...cenv, PATH: path, CLAUDE_CLI_NAME: CLAUDE, IS_SANDBOX: '1' },
      stderr: 'ignore',
    }),
  );
  // aicoder, over HTTP.
  const h = await makeHome({ default_provider: 'claude', max_concurrent: 8 });
  const { HOME: _h, ...cenvNoHome } = cenv;
  Object.assign(h.env, cenvNoHome, { PATH: path });
  const daemon = await startDaemon(h);
  const ours = new Client({ name: 'bench', version: '1' });
  await ours.connect(
    new StreamableHTTPClientTransport(new URL(`${h.base}/mcp`), { requestInit: { headers: h.auth } }),
  );
  const peerMs = [];
  const oursMs = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const peerRepo = makeRepo(10);
      const tagP = `peer-${r}`;
      server.setScript(script(tagP));
      let t = performance.now();
      const pr = await peer.callTool(
        { name: 'claude_code', arguments: { prompt: `bench task ${tagP}`, workFolder: peerRepo } },
        undefined,
        { timeout: 120_000 },
      );
      peerMs.push(performance.now() - t);
      if (pr.isError || !existsSync(join(peerRepo, `${tagP}.txt`)))
        throw new Error(
          `claude-code-mcp run ${r} did not write its file: ${JSON.stringify(pr.content).slice(0, 300)}`,
        );

      const repo = makeRepo(10);
      const tagA = `ours-${r}`;
      server.setScript(script(tagA));
      t = performance.now();
      const created = await ours.callTool({
        name: 'ai_coder_create',
        arguments: { repo, task: `bench task ${tagA}`, provider: 'claude' },
      });
      const id = created.structuredContent?.id ?? created.structuredContent?.coder?.id;
      if (created.isError || id === undefined)
        throw new Error(`ai_coder_create failed: ${JSON.stringify(created.content).slice(0, 400)}`);
      // ai_coder_status waits at most 50 s a call; call again while it has not ended.
      let st;
      let state;
      for (let k = 0; k < 4; k++) {
        st = await ours.callTool(
          { name: 'ai_coder_status', arguments: { coder_id: id, wait_for: 'terminal', timeout_s: 50 } },
          undefined,
          { timeout: 60_000 },
        );
        state = st.structuredContent?.state ?? st.structuredContent?.coder?.state;
        if (state !== undefined && !['queued', 'starting', 'running'].includes(state)) break;
      }
      oursMs.push(performance.now() - t);
      if (state !== 'completed')
        throw new Error(
          `aicoder run ${r} ended ${state}: ${JSON.stringify(st.structuredContent ?? st.content).slice(0, 400)}`,
        );
    }
  } finally {
    await peer.close().catch(() => undefined);
    await ours.close().catch(() => undefined);
    await stopAll(h, daemon);
    await server.close();
  }
  return { peer: stats(peerMs).median, ours: stats(oursMs).median, runs: RUNS };
}

// ------------------------------------------------------------------ main

const nm = installPeers();
const result = {
  bench: 'peers',
  title: 'aicoder beside its peers (same machine, same run)',
  lines: [],
  notes: [],
};
try {
  if (PART === 'all' || PART === 'tui') {
    const t = await tuiPart(nm);
    result.tui = t;
    result.tui_first_ratio_floor = t.aicoder.first_ms / t.floor.first_ms;
    result.tui_first_ratio_ccmanager = t.aicoder.first_ms / t.ccmanager.first_ms;
    for (const [n, f] of Object.entries(t))
      result.lines.push(
        `${n.padEnd(10)} first frame ${f.first_ms.toFixed(0)} ms, ready ${f.ready_ms.toFixed(0)} ms, key→frame median ${f.key_ms.toFixed(1)} ms (p95 ${f.key_p95.toFixed(1)})`,
      );
    result.lines.push(
      `first frame: aicoder/floor ${result.tui_first_ratio_floor.toFixed(2)}x (goal ≤ 2x), aicoder/ccmanager ${result.tui_first_ratio_ccmanager.toFixed(2)}x`,
    );
  }
  if (PART === 'all' || PART === 'mcp') {
    const m = await mcpPart(nm);
    result.mcp = m;
    result.mcp_ratio = m.ours / m.peer;
    result.lines.push(
      `MCP task → finished Claude run, median of ${m.runs}: aicoder ${m.ours.toFixed(0)} ms, claude-code-mcp ${m.peer.toFixed(0)} ms (${result.mcp_ratio.toFixed(2)}x)`,
    );
  }
  // The one goal set for these figures is the TUI's first frame; the MCP figure is a comparison.
  result.goal = result.tui ? 'aicoder tui first frame ≤ 2x a bare Ink app' : 'none (a comparison)';
  result.goal_met = result.tui ? result.tui_first_ratio_floor <= 2 : true;
} finally {
  cleanupTemps();
}
report(result);
process.exit(0);
