#!/usr/bin/env node
/**
 * Figure 3: log ingestion. One coder writes ~100 MB of numbered lines (~96 bytes each); the time from
 * create until every line is in the store (the chunk index in SQLite), vs the same writer piped
 * through `cat` (to /dev/null). Also the daemon's peak RSS (VmHWM), a check that every line arrived
 * once, in order (read back through the store), and the time of `GET …/logs?tail=100` (what
 * `aicoder logs --tail 100` asks) on a coder with 10 million lines (median of 20).
 *
 *   npm run build && node bench/log-ingest.mjs [--quick] [--json] [--no-tail]
 *
 * --no-tail skips the 10M-line coder (for profiling the ingestion alone).
 */
/* global process, console */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore } from '../dist/store/index.js';
import {
  ARGS,
  CLK_TCK,
  PROVIDERS,
  QUICK,
  api,
  cleanupTemps,
  makeHome,
  makeRepo,
  mb,
  median,
  procStat,
  report,
  sleep,
  startDaemon,
  stopAll,
} from './lib.mjs';

const MB = QUICK ? 20 : 100;
const LINE = 96; // bytes per line, newline included, on average
const LINES = Math.round((MB * 1048576) / LINE);
/** Rounds of (floor run, aicoder run). */
const ROUNDS = QUICK ? 1 : 3;
const TAIL_LINES = 10_000_000;
const NO_TAIL = ARGS.includes('--no-tail');
const writer = PROVIDERS.find((p) => p.name === 'writer').command.map((a) =>
  a === '{task}' ? String(LINES) : a,
);

function floorRun() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const w = spawn(writer[0], writer.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    const cat = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
    let bytes = 0;
    w.stdout.on('data', (d) => (bytes += d.length));
    w.stdout.pipe(cat.stdin);
    cat.once('error', reject);
    cat.once('exit', () => resolve({ ms: performance.now() - t0, bytes }));
  });
}

const repo = makeRepo(10);
const h = await makeHome();
const daemon = await startDaemon(h);
let daemonErr = '';
daemon.stderr.on('data', (d) => (daemonErr += d));
daemon.on('exit', (code, signal) => {
  if (code !== 0) console.error(`daemon exited (${code ?? signal}): ${daemonErr.slice(-2000)}`);
});
async function projectRun(count) {
  const ticks0 = procStat(daemon.pid).ticks;
  const t0 = performance.now();
  const c = await api(h, 'POST', '/api/coders', { task: String(LINES), repo, provider: 'writer' });
  let n = 0;
  let peakRss = 0;
  const deadline = Date.now() + 30 * 60_000;
  while (n < LINES) {
    if (Date.now() > deadline) throw new Error(`only ${n} of ${LINES} lines arrived`);
    await sleep(20); // the poll's period bounds the error of the measured time
    peakRss = Math.max(peakRss, procStat(daemon.pid).rss);
    n = count.get(c.id).n;
  }
  const ms = performance.now() - t0;
  const cpuMs = ((procStat(daemon.pid).ticks - ticks0) * 1000) / CLK_TCK;
  const doneAt = Date.now();
  const startedAt = Date.parse((await api(h, 'GET', `/api/coders/${c.id}`)).started_at);
  return { id: c.id, ms, cpuMs, fromSpawnMs: doneAt - startedAt, peakRss };
}

/** Every line once, in order, read back through the store (segments + index). */
function checkLines(id) {
  const pad = 'x'.repeat(88);
  let expect = 0;
  let lost = 0;
  let dup = 0;
  const seen = new Set();
  const store = openStore(join(h.home, 'aicoder.db'));
  for (let since = 0; ;) {
    const page = store.readLogPage(id, { since_seq: since, limit: 20_000, max_bytes: 1 << 30 });
    if (page.entries.length === 0) break;
    for (const { text, stream } of page.entries) {
      if (stream !== 'stdout') continue;
      const k = Number(text.slice(0, text.indexOf(' ')));
      if (text !== `${k} ${pad}`) lost++;
      else if (seen.has(k)) dup++;
      else if (k !== ++expect) lost++;
      seen.add(k);
    }
    since = page.entries.at(-1).seq;
  }
  lost += LINES - seen.size;
  store.close();
  return { lost, dup };
}

try {
  // Floor and aicoder runs alternate, so both see the same machine load; medians of each.
  const floors = [];
  const runs = [];
  let bytes = 0;
  let lost = 0;
  let dup = 0;
  const db = new Database(join(h.home, 'aicoder.db'), { readonly: true, fileMustExist: true });
  const count = db.prepare(
    "SELECT COALESCE(SUM(last_seq - first_seq + 1), 0) AS n FROM log_chunks WHERE coder_id = ? AND stream = 'stdout'",
  );
  for (let i = 0; i < ROUNDS; i++) {
    const f = await floorRun();
    floors.push(f.ms);
    bytes = f.bytes;
    const r = await projectRun(count);
    runs.push(r);
    const checked = checkLines(r.id);
    lost += checked.lost;
    dup += checked.dup;
  }
  const projectMs = median(runs.map((r) => r.ms));
  const fromSpawnMs = median(runs.map((r) => r.fromSpawnMs));
  const daemonCpuMs = median(runs.map((r) => r.cpuMs));
  const peakRss = Math.max(...runs.map((r) => r.peakRss));
  const hwm = procStat(daemon.pid).hwm;

  // logs --tail 100 on a coder with 10 million lines. The check above outlasts the daemon's
  // keep-alive timeout: a GET first, so a kept-alive socket the daemon closed is not used for the POST.
  await api(h, 'GET', '/health').catch(() => api(h, 'GET', '/health'));
  const tailMs = [];
  if (!NO_TAIL) {
    const big = await api(h, 'POST', '/api/coders', { task: String(TAIL_LINES), repo, provider: 'counter' });
    const tailDeadline = Date.now() + 30 * 60_000;
    while (count.get(big.id).n < TAIL_LINES) {
      if (Date.now() > tailDeadline)
        throw new Error(`the 10M-line coder stored only ${count.get(big.id).n} lines`);
      await sleep(200);
    }
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      const r = await api(h, 'GET', `/api/coders/${big.id}/logs?tail=100`);
      if (i > 0) tailMs.push(performance.now() - t); // the first warms the page cache
      // The run's end adds a system entry after the last line of output.
      const lastOut = r.entries.findLast((e) => e.stream === 'stdout');
      if (r.entries.length !== 100 || lastOut?.text !== String(TAIL_LINES)) {
        throw new Error(`tail 100 answered ${r.entries.length} entries, last output ${lastOut?.text}`);
      }
    }
  }
  const tail = NO_TAIL ? NaN : median(tailMs);
  db.close();

  const floorMs = median(floors);
  const pRate = bytes / 1048576 / (projectMs / 1000);
  const fRate = bytes / 1048576 / (floorMs / 1000);
  const ratio = pRate / fRate;
  const met = ratio >= 0.5 && hwm < 200 * 1048576 && lost === 0 && dup === 0 && tail < 50;
  report({
    bench: 'log-ingest',
    figure: 3,
    title: `Log ingestion: one coder writing ${mb(bytes)} (${LINES} lines)`,
    project: pRate,
    floor: fRate,
    unit: 'MB/s',
    ratio,
    rss_peak: hwm,
    lost,
    duplicated: dup,
    tail_ms: tail,
    from_spawn_ms: fromSpawnMs,
    daemon_cpu_ms: daemonCpuMs,
    goal: '≥ 0.5x throughput, RSS < 200 MB, 0 lost, tail 100 of 10M lines < 50 ms',
    goal_met: met,
    lines: [
      `aicoder (into store)   ${pRate.toFixed(1)} MB/s (${(projectMs / 1000).toFixed(1)} s)`,
      `writer | cat           ${fRate.toFixed(1)} MB/s (${(floorMs / 1000).toFixed(2)} s)`,
      `ratio                  ${ratio.toFixed(2)}x`,
      `from the agent's spawn ${(bytes / 1048576 / (fromSpawnMs / 1000)).toFixed(1)} MB/s (${(fromSpawnMs / 1000).toFixed(1)} s; create before it: ${((projectMs - fromSpawnMs) / 1000).toFixed(1)} s)`,
      `daemon CPU             ${(daemonCpuMs / 1000).toFixed(2)} s (user + system, create included)`,
      `medians of ${ROUNDS} alternating rounds (floor, then aicoder)`,
      `daemon peak RSS        ${mb(hwm)} (sampled max ${mb(peakRss)})`,
      `lines lost ${lost}, duplicated ${dup}`,
      `logs --tail 100 on a 10M-line coder: ${tail.toFixed(1)} ms (median of 20 GET …/logs?tail=100)`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
