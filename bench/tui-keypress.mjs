#!/usr/bin/env node
/**
 * TUI keypress-to-frame. Runs the real `runTui` (from the built dist/) over the in-memory client with
 * 500 coders, the selected one holding 100,000 log lines and still writing, on a fake 120x40 TTY.
 * Measures the time from writing a key (j/k) to stdin until the frame showing the new selection is
 * written to stdout, and the same keypress-to-frame on a trivial Ink app (one Text) with the same Ink
 * options in the same run: the floor. Also: a coder writing 100,000 lines in a burst — time until the
 * last line is on screen, and how many frames that took (events are batched).
 *
 *   npm run build && node bench/tui-keypress.mjs [--presses 60] [--json]
 *
 * test/helpers/memory-client.ts is TypeScript; it is transpiled on the fly (typescript's
 * transpileModule) into a temp folder with its src/ imports pointed at dist/.
 */
/* global process, console, setTimeout, clearTimeout, setInterval, clearInterval */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const args = process.argv.slice(2);
const PRESSES = Number(args[args.indexOf('--presses') + 1]) || 60;
const JSON_OUT = args.includes('--json');
const GAP_MS = 40; // between a frame and the next key (a fast key repeat is ~30/s)
const CODERS = 500;
const BIG_LOG = 100_000;

if (!existsSync(join(dist, 'tui', 'index.js'))) {
  console.error('dist/tui/index.js is missing: run `npm run build` first');
  process.exit(2);
}

// ------------------------------------------------------------------ the in-memory client

async function loadMemoryClient() {
  const ts = (await import('typescript')).default;
  const src = readFileSync(join(root, 'test/helpers/memory-client.ts'), 'utf8');
  const out = ts.transpileModule(src, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const distUrl = pathToFileURL(dist).href;
  const js = out.replace(/from '\.\.\/\.\.\/src\/([^']+)'/g, (_, p) => `from '${distUrl}/${p}'`);
  const dir = mkdtempSync(join(tmpdir(), 'aicoder-bench-tui-'));
  const file = join(dir, 'memory-client.mjs');
  writeFileSync(file, js);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ a fake TTY

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 40;
  writes = 0;
  /** Called with each write (ANSI stripped). */
  onWrite = null;
  write(chunk) {
    this.writes++;
    if (this.onWrite) this.onWrite(String(chunk).replace(ANSI, ''));
    return true;
  }
  getColorDepth() {
    return 8;
  }
  hasColors() {
    return true;
  }
  cursorTo() {
    return true;
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  queue = [];
  setRawMode() {
    return this;
  }
  setEncoding() {}
  ref() {}
  unref() {}
  resume() {
    return this;
  }
  pause() {
    return this;
  }
  read() {
    return this.queue.shift() ?? null;
  }
  press(key) {
    this.queue.push(key);
    this.emit('readable');
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Presses `key` and resolves with the ms until a write containing `want` (ANSI stripped). */
function timeKey(stdin, stdout, key, want, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stdout.onWrite = null;
      reject(new Error(`no frame showing ${JSON.stringify(want)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const t0 = performance.now();
    stdout.onWrite = (text) => {
      if (!text.includes(want)) return;
      const dt = performance.now() - t0;
      clearTimeout(timer);
      stdout.onWrite = null;
      resolve(dt);
    };
    stdin.press(key);
  });
}

function waitWrite(stdout, pred, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      stdout.onWrite = null;
      reject(new Error('timed out waiting for a frame'));
    }, timeoutMs);
    stdout.onWrite = (text) => {
      seen = (seen + text).slice(-20_000);
      if (!pred(seen)) return;
      clearTimeout(timer);
      stdout.onWrite = null;
      resolve(performance.now());
    };
  });
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s.at(-1) };
}

// ------------------------------------------------------------------ the floor: one Text

async function floor(React, ink, presses) {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const { INK_OPTIONS } = await import(`${pathToFileURL(dist).href}/tui/index.js`);
  function Counter() {
    const [n, setN] = React.useState(0);
    ink.useInput((input) => {
      if (input === 'j') setN((x) => x + 1);
    });
    return React.createElement(ink.Text, null, `n=${n};`);
  }
  const app = ink.render(React.createElement(Counter), { ...INK_OPTIONS, stdout, stdin });
  await sleep(50);
  const times = [];
  for (let i = 1; i <= presses; i++) {
    times.push(await timeKey(stdin, stdout, 'j', `n=${i};`));
    await sleep(GAP_MS);
  }
  app.unmount();
  return times;
}

// ------------------------------------------------------------------ the TUI

async function tui(mem, presses) {
  const { runTui } = await import(`${pathToFileURL(dist).href}/tui/index.js`);
  const t0 = Date.now();
  const client = new mem.MemoryClient({ now: () => Date.now() });
  const ids = [];
  for (let i = 0; i < CODERS; i++) {
    const id = `b${String(i).padStart(7, '0')}`;
    ids.push(id);
    client.add({ id, name: `coder ${i}`, created_at: new Date(t0 - i * 1000).toISOString() });
  }
  const big = ids[0]; // newest: selected at start
  const lines = Array.from(
    { length: BIG_LOG },
    (_, i) => `line ${i + 1} of the busy coder: some typical agent output text`,
  );
  client.appendLogs(big, lines, { silent: true });

  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const ready = waitWrite(stdout, (s) => s.includes(`line ${BIG_LOG} of`) && s.includes(`Coders ${CODERS}`));
  const done = runTui({ client, stdout, stdin, env: {} });
  await ready;

  // The busy coder keeps writing while keys are pressed: 50 lines every 10 ms (5,000 lines/s).
  let seq = BIG_LOG;
  const writer = setInterval(() => {
    const chunk = Array.from({ length: 50 }, () => `line ${++seq} of the busy coder: still writing`);
    client.appendLogs(big, chunk);
  }, 10);

  const times = [];
  for (let i = 0; i < presses; i++) {
    const down = i % 2 === 0;
    const want = `> ${down ? ids[1] : ids[0]}`;
    times.push(await timeKey(stdin, stdout, down ? 'j' : 'k', want));
    await sleep(GAP_MS);
  }
  clearInterval(writer);

  // Follow: a burst of 100,000 new lines on the selected coder; time until the last is on screen.
  await sleep(200);
  const writesBefore = stdout.writes;
  const last = seq + BIG_LOG;
  const shown = waitWrite(stdout, (s) => s.includes(`line ${last} of`), 30_000);
  const f0 = performance.now();
  for (let n = 0; n < BIG_LOG; n += 1000) {
    const chunk = Array.from({ length: 1000 }, () => `line ${++seq} of the busy coder: burst`);
    client.appendLogs(big, chunk);
    if (n % 10_000 === 0) await sleep(0);
  }
  const appended = performance.now() - f0;
  const lastShown = (await shown) - f0;
  const frames = stdout.writes - writesBefore;

  stdin.press('q');
  await done;
  return {
    times,
    follow: { lines: BIG_LOG, append_ms: appended, last_line_shown_ms: lastShown, writes: frames },
  };
}

// ------------------------------------------------------------------ main

const React = (await import('react')).default;
const ink = await import('ink');
const mem = await loadMemoryClient();

const floorTimes = await floor(React, ink, PRESSES);
const run = await tui(mem, PRESSES);
const f = stats(floorTimes);
const t = stats(run.times);
const result = {
  bench: 'tui-keypress',
  machine: `${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}`,
  setup: `${CODERS} coders, selected coder with ${BIG_LOG} log lines writing 5000 lines/s, 120x40, ${PRESSES} presses`,
  tui: t,
  floor: f,
  ratio_median: t.median / f.median,
  goal_median_ms: 50,
  goal_met: t.median < 50,
  follow: run.follow,
};
if (JSON_OUT) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`TUI keypress → frame (${result.setup})`);
  console.log(`  aicoder tui      median ${ms(t.median)}  p95 ${ms(t.p95)}  max ${ms(t.max)}`);
  console.log(`  floor (one Text) median ${ms(f.median)}  p95 ${ms(f.p95)}  max ${ms(f.max)}`);
  console.log(
    `  ratio (median)   ${result.ratio_median.toFixed(2)}x   goal: median < 50 ms → ${result.goal_met ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  follow: ${BIG_LOG} lines appended in ${ms(run.follow.append_ms)}; last line on screen after ${ms(run.follow.last_line_shown_ms)}; ${run.follow.writes} writes to the terminal`,
  );
  console.log(`  machine: ${result.machine}`);
}
