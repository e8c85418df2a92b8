#!/usr/bin/env node
/**
 * Figure 10: one create → rm cycle of a coder that never starts, on a generated repo of 100 files
 * (small, so that the figure is aicoder's own cost rather than checkout time), vs the floor: the git work such a cycle must do, `git worktree add -b <branch>` then
 * `git worktree remove --force` and `git branch -D`, on the same repo in the same run.
 * Project time: POST /api/coders (autostart false: worktree made, record stored) then
 * POST /api/coders/:id/control {action: "remove"} (worktree, branch, record and folder removed).
 * That nothing leaks over many cycles is a test (test/lifecycle/gc.test.ts); how long a cycle takes is
 * this figure.
 *
 *   npm run build && node bench/create-rm.mjs [--quick] [--json]
 */
/* global process */
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

const CYCLES = QUICK ? 5 : 21;
const FILES = 100;
const GOAL = 1.5;

const repo = makeRepo(FILES);
const h = await makeHome();
const daemon = await startDaemon(h);
try {
  const wtRoot = tempDir('aicoder-bench-wt-');
  const floor = [];
  const project = [];
  // Floor and project cycles alternate, so both see the same machine load.
  for (let i = 0; i < CYCLES; i++) {
    await settle(daemon.pid);
    let t0 = performance.now();
    const path = join(wtRoot, `w${i}`);
    git(repo, 'worktree', 'add', '-q', '-b', `floor-${i}`, path, 'HEAD');
    git(repo, 'worktree', 'remove', '--force', path);
    git(repo, 'branch', '-q', '-D', `floor-${i}`);
    floor.push(performance.now() - t0);

    await settle(daemon.pid);
    t0 = performance.now();
    const c = await api(h, 'POST', '/api/coders', {
      task: '60',
      repo,
      provider: 'sleeper',
      autostart: false,
    });
    const r = await api(h, 'POST', `/api/coders/${c.id}/control`, { action: 'remove' });
    project.push(performance.now() - t0);
    if (r.removed !== true) throw new Error(`coder ${c.id} was not removed: ${JSON.stringify(r)}`);
  }
  const left = git(repo, 'worktree', 'list', '--porcelain').split('\n\n').length;
  if (left !== 1) throw new Error(`${left - 1} worktrees left behind`);
  const p = median(project);
  const f = median(floor);
  const ratio = p / f;
  report({
    bench: 'create-rm',
    figure: 10,
    title: `Create → rm cycle, coder not started (${FILES} files, median of ${CYCLES})`,
    project: p,
    floor: f,
    unit: 'ms',
    ratio,
    goal: `≤ ${GOAL}x`,
    goal_met: ratio <= GOAL,
    lines: [
      `aicoder create + rm                          ${ms(p)}`,
      `git worktree add + worktree remove + branch -D ${ms(f)}`,
      `ratio                                        ${ratio.toFixed(2)}x`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
