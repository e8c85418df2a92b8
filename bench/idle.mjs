#!/usr/bin/env node
/**
 * Figure 4: 50 concurrent quiet coders (`sleep` agents): the daemon's CPU over 30 s (utime+stime from
 * /proc/<pid>/stat, as % of one core) and its RSS. The floor is the same daemon with no coders, over
 * the same window, in the same run.
 *
 *   npm run build && node bench/idle.mjs [--quick] [--json]
 */
/* global process */
import {
  CLK_TCK,
  QUICK,
  api,
  cleanupTemps,
  makeHome,
  makeRepo,
  mb,
  procStat,
  report,
  sleep,
  startDaemon,
  stopAll,
} from './lib.mjs';

const CODERS = 50;
const WINDOW_S = QUICK ? 10 : 30;

async function cpuOver(pid, seconds) {
  const a = procStat(pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const b = procStat(pid);
  const wall = (Date.now() - t0) / 1000;
  return { pct: ((b.ticks - a.ticks) / CLK_TCK / wall) * 100, rss: b.rss };
}

const repo = makeRepo(10);
const h = await makeHome();
const daemon = await startDaemon(h);
try {
  await sleep(2000);
  const floor = await cpuOver(daemon.pid, WINDOW_S);
  const ids = [];
  for (let i = 0; i < CODERS; i++) {
    ids.push((await api(h, 'POST', '/api/coders', { task: '3600', repo, provider: 'sleeper' })).id);
  }
  for (const id of ids) {
    const w = await api(h, 'GET', `/api/coders/${id}/wait?for=running,completed,failed&timeout_ms=30000`);
    if (w.coder.state !== 'running') throw new Error(`coder ${id} is ${w.coder.state}`);
  }
  await sleep(2000); // let the creation burst settle
  const p = await cpuOver(daemon.pid, WINDOW_S);
  const met = p.pct < 1 && p.rss < 250 * 1048576;
  report({
    bench: 'idle',
    figure: 4,
    title: `${CODERS} quiet coders: daemon CPU over ${WINDOW_S} s and RSS`,
    project: p.pct,
    floor: floor.pct,
    unit: '% of a core',
    ratio: floor.pct > 0 ? p.pct / floor.pct : null,
    rss: p.rss,
    goal: '< 1% of a core, RSS < 250 MB',
    goal_met: met,
    lines: [
      `${CODERS} sleeping coders   CPU ${p.pct.toFixed(2)}% of a core, RSS ${mb(p.rss)}`,
      `no coders           CPU ${floor.pct.toFixed(2)}% of a core, RSS ${mb(floor.rss)}`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
