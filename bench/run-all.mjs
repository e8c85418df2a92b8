#!/usr/bin/env node
/**
 * Runs every bench (one process each, --json), prints their figures, and rewrites the table between
 * the markers in docs/performance.md with the machine it ran on.
 *
 *   npm run bench [-- --quick] [-- --only create,idle]
 */
/* global process, console */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, QUICK } from './lib.mjs';

const ALL = [
  'create',
  'mcp-list',
  'log-ingest',
  'idle',
  'cli-list',
  'tui-keypress',
  'peers',
  'event-loop',
  'daemon-start',
  'create-rm',
  // The stdio bridge's first initialize answer (its script also counts MCP tokens, issue 15).
  'mcp-tokens',
];
// --only a,b: run these and replace only their rows of the existing table.
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt === -1 ? null : process.argv[onlyAt + 1].split(',');
const BENCHES = ONLY ?? ALL;
const results = [];
const t0 = Date.now();
for (const name of BENCHES) {
  const args = [join(ROOT, 'bench', `${name}.mjs`), '--json', ...(QUICK ? ['--quick'] : [])];
  if (name === 'tui-keypress' && QUICK) args.splice(args.indexOf('--quick'), 1, '--presses', '30');
  process.stderr.write(`bench ${name}…\n`);
  try {
    const out = execFileSync(process.execPath, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      // event-loop makes and removes 400,000 files: minutes on a loaded disk.
      timeout: (name === 'event-loop' ? 45 : 15) * 60_000,
    });
    const json = JSON.parse(out.trim().startsWith('{\n') ? out : out.trim().split('\n').at(-1));
    results.push({ name, ...json });
    console.log(`${name}: ${JSON.stringify(json)}`);
  } catch (e) {
    results.push({ name, error: String(e.message ?? e).split('\n')[0] });
    console.log(`${name}: FAILED ${String(e.message ?? e)}`);
  }
}

const f1 = (x, d = 1) => (typeof x === 'number' ? x.toFixed(d) : '–');
const mb = (b) => `${(b / 1048576).toFixed(0)} MB`;
function row(r) {
  if (r.error) return `| ${r.name} | failed: ${r.error} | | | | |`;
  switch (r.name) {
    case 'create':
      return `| 1. create → worktree + agent spawned (5,000 files) | ${f1(r.project)} ms | ${f1(r.floor)} ms (git worktree add + spawn true) | ${f1(r.ratio, 2)}x | ≤ 1.3x | ${r.goal_met ? 'met' : `**missed** by ${f1(r.ratio / 1.3, 2)}x`} |`;
    case 'mcp-list':
      return `| 2. MCP ai_coder_list, 100 coders (p50 / p99) | ${f1(r.project)} / ${f1(r.project_p99)} ms | ${f1(r.floor)} / ${f1(r.floor_p99)} ms (bare SDK, 1 tool) | ${f1(r.ratio, 2)}x p50 | ≤ 1.5x p50 | ${r.goal_met ? 'met' : `**missed** by ${f1(r.ratio / 1.5, 2)}x`} |`;
    case 'log-ingest':
      return `| 3. log ingestion (throughput; peak RSS; lost; tail 100 of 10M lines) | ${f1(r.project)} MB/s; ${mb(r.rss_peak)}; ${r.lost} lost, ${r.duplicated} dup; ${f1(r.tail_ms)} ms | ${f1(r.floor)} MB/s (writer \\| cat) | ${f1(r.ratio, 2)}x | ≥ 0.5x, < 200 MB, 0 lost, tail < 50 ms | ${r.goal_met ? 'met' : `**missed**: throughput ${f1(r.ratio, 2)}x of cat (goal 0.5x)${r.ratio >= 0.5 ? ' met' : ''}; RSS ${r.rss_peak < 200 * 1048576 ? 'met' : 'missed'}; ${r.lost === 0 && r.duplicated === 0 ? '0 lost' : `${r.lost} lost, ${r.duplicated} dup`}; tail ${r.tail_ms < 50 ? 'met' : 'missed'}`} |`;
    case 'idle':
      return `| 4. 50 quiet coders (CPU; RSS) | ${f1(r.project, 2)}% of a core; ${mb(r.rss)} | ${f1(r.floor, 2)}% (same daemon, no coders) | – | < 1%, < 250 MB | ${r.goal_met ? 'met' : '**missed**'} |`;
    case 'cli-list':
      return `| 5. aicoder list --json | ${f1(r.project)} ms | ${f1(r.floor)} ms (node -e 0) | ${f1(r.ratio, 2)}x | ≤ 2x | ${r.goal_met ? 'met' : `**missed** by ${f1(r.ratio / 2, 2)}x`} |`;
    case 'tui-keypress':
      return `| 6. TUI keypress → frame (median / p95) | ${f1(r.tui.median)} / ${f1(r.tui.p95)} ms | ${f1(r.floor.median)} / ${f1(r.floor.p95)} ms (Ink, one Text) | ${f1(r.ratio_median, 2)}x | median < 50 ms | ${r.goal_met ? 'met' : '**missed**'} |`;
    case 'peers':
      return `| 7. TUI first frame; MCP task → finished Claude run (peers) | ${f1(r.tui.aicoder.first_ms, 0)} ms; ${f1(r.mcp.ours, 0)} ms | ${f1(r.tui.floor.first_ms, 0)} ms (Ink, one Text); ccmanager ${f1(r.tui.ccmanager.first_ms, 0)} ms; claude-code-mcp ${f1(r.mcp.peer, 0)} ms | ${f1(r.tui_first_ratio_floor, 2)}x floor; ${f1(r.tui_first_ratio_ccmanager, 2)}x ccmanager; ${f1(r.mcp_ratio, 2)}x claude-code-mcp | first frame ≤ 2x floor | ${r.goal_met ? 'met' : `**missed** by ${f1(r.tui_first_ratio_floor / 2, 2)}x`} |`;
    case 'event-loop':
      return `| 8. daemon event-loop delay, 10 coders streaming + changes on 200,000 files (p99; p50) | ${f1(r.busy.p99_ms)} ms; ${f1(r.busy.p50_ms)} ms | ${f1(r.idle.p99_ms)} ms; ${f1(r.idle.p50_ms)} ms (same daemon, idle) | – | p99 < 20 ms | ${r.goal_met ? 'met' : `**missed** by ${f1(r.busy.p99_ms / 20, 2)}x`} |`;
    case 'daemon-start':
      return `| 9. daemon cold start → first /health answer | ${f1(r.project)} ms | ${f1(r.floor)} ms (bare node:http server) | ${f1(r.ratio, 2)}x | ≤ 2x | ${r.goal_met ? 'met' : `**missed** by ${f1(r.ratio / 2, 2)}x`} |`;
    case 'create-rm':
      return `| 10. create → rm cycle, coder not started (100 files) | ${f1(r.project)} ms | ${f1(r.floor)} ms (git worktree add + remove + branch -D) | ${f1(r.ratio, 2)}x | ≤ 1.5x | ${r.goal_met ? 'met' : `**missed** by ${f1(r.ratio / 1.5, 2)}x`} |`;
    case 'mcp-tokens':
      return `| 11. stdio bridge (\`aicoder mcp\`): spawn → first initialize answer, p50 | ${f1(r.initialize_stdio_p50)} ms | ${f1(r.node_start_p50)} ms (node -e 0) | ${f1(r.initialize_stdio_p50 / r.node_start_p50, 2)}x | < 300 ms | ${r.initialize_stdio_p50 < 300 ? 'met' : `**missed** by ${f1(r.initialize_stdio_p50 / 300, 2)}x`} |`;
    default:
      return `| ${r.name} | | | | | |`;
  }
}

const machine = `${cpus()[0]?.model ?? 'cpu'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}, ${process.platform}`;
const table = [
  `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${QUICK ? ' (--quick)' : ''}, ${Math.round((Date.now() - t0) / 1000)} s. Machine: ${machine}.`,
  '',
  '| Figure | aicoder | Floor (same run) | Ratio | Goal | Result |',
  '| --- | --- | --- | --- | --- | --- |',
  ...results.map(row),
].join('\n');

const docPath = join(ROOT, 'docs', 'performance.md');
const doc = readFileSync(docPath, 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
const i = doc.indexOf(start);
const j = doc.indexOf(end);
if (i === -1 || j === -1) throw new Error(`${docPath} has no ${start} … ${end} markers`);
let body = table;
if (ONLY) {
  const lines = doc
    .slice(i + start.length, j)
    .trim()
    .split('\n');
  for (const r of results) {
    const fig = `| ${ALL.indexOf(r.name) + 1}. `;
    const at = lines.findIndex((l) => l.startsWith(fig));
    if (at !== -1) lines[at] = row(r);
    // A figure the table does not have yet goes after the last figure's row.
    else lines.splice(lines.findLastIndex((l) => /^\| \d+\. /.test(l)) + 1, 0, row(r));
  }
  lines.push(
    '',
    `Figures ${ONLY.map((n) => ALL.indexOf(n) + 1).join(', ')} re-run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (\`--only\`).`,
  );
  body = lines.join('\n');
}
writeFileSync(docPath, `${doc.slice(0, i + start.length)}\n${body}\n${doc.slice(j)}`);
try {
  // Keep the doc as `prettier --check` wants it (tables are aligned).
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--write', docPath],
    { stdio: 'ignore' },
  );
} catch {
  /* prettier is a dev dependency: a production install still gets the table */
}
console.log(`\n${table}\n\nwrote ${docPath}`);
process.exit(results.some((r) => r.error) ? 1 : 0);
