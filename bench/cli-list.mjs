#!/usr/bin/env node
/**
 * Figure 5: wall time of `aicoder list --json` (a real process, daemon running, 20 coders) vs
 * `node -e 0`, medians over several runs.
 *
 *   npm run build && node bench/cli-list.mjs [--quick] [--json]
 */
/* global process */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  BIN,
  QUICK,
  api,
  cleanupTemps,
  makeHome,
  makeRepo,
  median,
  ms,
  report,
  startDaemon,
  stopAll,
} from './lib.mjs';

const RUNS = QUICK ? 7 : 21;
const repo = makeRepo(10);
const h = await makeHome();
const daemon = await startDaemon(h);
try {
  for (let i = 0; i < 20; i++) {
    await api(h, 'POST', '/api/coders', { task: `c${i}`, repo, provider: 'sleeper', autostart: false });
  }
  const time = (args) => {
    const t0 = performance.now();
    const out = execFileSync(process.execPath, args, { env: h.env, cwd: h.userHome, encoding: 'utf8' });
    return { ms: performance.now() - t0, out };
  };
  time(['-e', '0']);
  const listed = JSON.parse(time([BIN, 'list', '--json']).out);
  const n = Array.isArray(listed) ? listed.length : (listed.coders ?? listed.items ?? []).length;
  if (n !== 20) throw new Error(`aicoder list --json showed ${n} coders, not 20`);
  const floor = [];
  const project = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(time(['-e', '0']).ms);
    project.push(time([BIN, 'list', '--json']).ms);
  }
  const p = median(project);
  const f = median(floor);
  const ratio = p / f;
  report({
    bench: 'cli-list',
    figure: 5,
    title: `aicoder list --json (20 coders), median of ${RUNS}`,
    project: p,
    floor: f,
    unit: 'ms',
    ratio,
    goal: '≤ 2x',
    goal_met: ratio <= 2,
    lines: [
      `aicoder list --json  ${ms(p)}`,
      `node -e 0            ${ms(f)}`,
      `ratio                ${ratio.toFixed(2)}x`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
