#!/usr/bin/env node
/**
 * Figure 9: daemon cold start, from spawning `aicoder daemon run` (fresh home) to its first /health
 * answer, vs a bare node:http server started the same way and polled the same way (GET every 5 ms),
 * alternating, medians. Goal: within 2x.
 *
 *   npm run build && node bench/daemon-start.mjs [--quick] [--json]
 */
/* global process, setTimeout */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BIN, QUICK, cleanupTemps, makeHome, median, ms, report, sleep, stopAll } from './lib.mjs';

const RUNS = QUICK ? 3 : 7;

/** One GET /health; resolves the parsed body, or null on any error. */
function health(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(null);
        }
      });
    });
    req.on('error', () => resolve(null));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

/** Spawns `args`, polls /health until `ok(body, pid)`; returns ms from spawn, and the process. */
async function timeToHealth(args, env, port) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const h = await health(port);
    if (h !== null && h.pid === proc.pid) return { ms: performance.now() - t0, proc };
    if (proc.exitCode !== null) throw new Error(`exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`no /health answer within 60 s: ${err}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const BARE = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end(JSON.stringify({ ok: true, pid: process.pid })); }).listen(Number(process.argv[1]), '127.0.0.1');`;

const floor = [];
const project = [];
for (let i = 0; i < RUNS; i++) {
  const h = await makeHome();
  const f = await timeToHealth(['-e', BARE, String(h.port)], h.env, h.port);
  floor.push(f.ms);
  f.proc.kill('SIGKILL');
  await sleep(50);
  const p = await timeToHealth([BIN, 'daemon', 'run'], h.env, h.port);
  project.push(p.ms);
  await stopAll(h, p.proc);
}
cleanupTemps();
const pm = median(project);
const fm = median(floor);
const ratio = pm / fm;
report({
  bench: 'daemon-start',
  figure: 9,
  title: `Daemon cold start to its first /health answer, median of ${RUNS}`,
  project: pm,
  floor: fm,
  unit: 'ms',
  ratio,
  goal: '≤ 2x',
  goal_met: ratio <= 2,
  lines: [
    `aicoder daemon run      ${ms(pm)}`,
    `bare node:http server   ${ms(fm)}`,
    `ratio                   ${ratio.toFixed(2)}x`,
  ],
});
process.exit(0);
