#!/usr/bin/env node
/**
 * Figure 3: log ingestion. One coder writes ~100 MB of numbered lines (~96 bytes each); the time from
 * create until every line is in the store, vs the same writer piped through `cat` (to /dev/null).
 * Also the daemon's peak RSS (VmHWM) and a check that every line arrived once, in order.
 *
 *   npm run build && node bench/log-ingest.mjs [--quick] [--json]
 */
/* global process */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import {
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
const FLOOR_RUNS = 3;
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
try {
  const floors = [];
  let bytes = 0;
  for (let i = 0; i < FLOOR_RUNS; i++) {
    const r = await floorRun();
    floors.push(r.ms);
    bytes = r.bytes;
  }
  const db = new Database(join(h.home, 'aicoder.db'), { readonly: true, fileMustExist: true });
  const count = db.prepare("SELECT COUNT(*) AS n FROM logs WHERE coder_id = ? AND stream = 'stdout'");

  const t0 = performance.now();
  const c = await api(h, 'POST', '/api/coders', { task: String(LINES), repo, provider: 'writer' });
  let n = 0;
  let peakRss = 0;
  const deadline = Date.now() + 30 * 60_000;
  while (n < LINES) {
    if (Date.now() > deadline) throw new Error(`only ${n} of ${LINES} lines arrived`);
    await sleep(100);
    peakRss = Math.max(peakRss, procStat(daemon.pid).rss);
    n = count.get(c.id).n;
  }
  const projectMs = performance.now() - t0;
  const hwm = procStat(daemon.pid).hwm;

  // Every line once, in order.
  const pad = 'x'.repeat(88);
  let expect = 0;
  let lost = 0;
  let dup = 0;
  const rows = db.prepare("SELECT text FROM logs WHERE coder_id = ? AND stream = 'stdout' ORDER BY seq");
  const seen = new Set();
  for (const { text } of rows.iterate(c.id)) {
    const k = Number(text.slice(0, text.indexOf(' ')));
    if (text !== `${k} ${pad}`) lost++;
    else if (seen.has(k)) dup++;
    else if (k !== ++expect) lost++;
    seen.add(k);
  }
  lost += LINES - seen.size;
  db.close();

  const floorMs = median(floors);
  const pRate = bytes / 1048576 / (projectMs / 1000);
  const fRate = bytes / 1048576 / (floorMs / 1000);
  const ratio = pRate / fRate;
  const met = ratio >= 0.5 && hwm < 200 * 1048576 && lost === 0 && dup === 0;
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
    goal: '≥ 0.5x throughput, RSS < 200 MB, 0 lost',
    goal_met: met,
    lines: [
      `aicoder (into SQLite)  ${pRate.toFixed(1)} MB/s (${(projectMs / 1000).toFixed(1)} s)`,
      `writer | cat           ${fRate.toFixed(1)} MB/s (${(floorMs / 1000).toFixed(2)} s)`,
      `ratio                  ${ratio.toFixed(2)}x`,
      `daemon peak RSS        ${mb(hwm)} (sampled max ${mb(peakRss)})`,
      `lines lost ${lost}, duplicated ${dup}`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
