#!/usr/bin/env node
/**
 * Figure 1: create → worktree ready and agent process spawned, on a generated repo of 5,000 files,
 * vs the floor: `git worktree add -b <branch>` plus spawning `true`, in the same run.
 * Project time: POST /api/coders (autostart) until the coder is `running` (GET /wait?for=running), each
 * create on a quiet daemon (no CPU use for 300 ms: earlier coders' workspace watchers have settled).
 *
 *   npm run build && node bench/create.mjs [--quick] [--json]
 */
/* global process */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  QUICK,
  api,
  cleanupTemps,
  git,
  makeHome,
  makeRepo,
  median,
  ms,
  report,
  settle,
  startDaemon,
  stopAll,
  tempDir,
} from './lib.mjs';

const RUNS = QUICK ? 5 : 11;
const FILES = 5000;

const repo = makeRepo(FILES);
const h = await makeHome();
const daemon = await startDaemon(h);
try {
  // Floor and project runs alternate, so both see the same machine load.
  const wtRoot = tempDir('aicoder-bench-wt-');
  const floor = [];
  const project = [];
  for (let i = 0; i < RUNS; i++) {
    // Floor: the same work without aicoder.
    await settle(daemon.pid);
    let t0 = performance.now();
    git(repo, 'worktree', 'add', '-q', '-b', `floor-${i}`, join(wtRoot, `w${i}`), 'HEAD');
    await new Promise((resolve, reject) => {
      const p = spawn('true', [], { cwd: join(wtRoot, `w${i}`), stdio: 'ignore' });
      p.once('spawn', resolve);
      p.once('error', reject);
    });
    floor.push(performance.now() - t0);

    // Each create on a quiet daemon: the previous coder's workspace watcher has done its first scan.
    await settle(daemon.pid);
    t0 = performance.now();
    const c = await api(h, 'POST', '/api/coders', { task: '60', repo, provider: 'sleeper' });
    const w = await api(h, 'GET', `/api/coders/${c.id}/wait?for=running,completed,failed&timeout_ms=30000`);
    project.push(performance.now() - t0);
    const state = w.coder?.state ?? w.state;
    if (state !== 'running') throw new Error(`coder ${c.id} is ${state}, not running`);
  }
  const p = median(project);
  const f = median(floor);
  const ratio = p / f;
  report({
    bench: 'create',
    figure: 1,
    title: `Create → worktree ready + agent spawned (${FILES} files, median of ${RUNS})`,
    project: p,
    floor: f,
    unit: 'ms',
    ratio,
    goal: '≤ 1.3x',
    goal_met: ratio <= 1.3,
    lines: [
      `aicoder create          ${ms(p)}`,
      `git worktree add + true ${ms(f)}`,
      `ratio                   ${ratio.toFixed(2)}x`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
