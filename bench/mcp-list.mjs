#!/usr/bin/env node
/**
 * Figure 2: MCP `ai_coder_list` (limit 100) with 100 coders on the real daemon over Streamable HTTP,
 * round-trip p50/p99 (compact records, the default, and detail "full"), vs a bare SDK server with one trivial tool in its own process (same layout:
 * SDK client here, server in another process, loopback HTTP, one session).
 *
 *   npm run build && node bench/mcp-list.mjs [--quick] [--json]
 */
/* global process, URL, Buffer */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  QUICK,
  ROOT,
  api,
  cleanupTemps,
  makeHome,
  makeRepo,
  ms,
  procStat,
  CLK_TCK,
  report,
  startDaemon,
  stats,
  stopAll,
} from './lib.mjs';

const CODERS = 100;
const CALLS = QUICK ? 200 : 1000;
const WARMUP = 50;

async function connect(url, headers = {}) {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/**
 * Round-trip times of CALLS calls after WARMUP, and the CPU time the server process `pid` spent per
 * call (utime + stime from /proc, in ms): less noisy than the round trip on a shared machine.
 */
async function timeCalls(client, name, args, check, pid) {
  for (let i = 0; i < WARMUP; i++) check(await client.callTool({ name, arguments: args }));
  const times = [];
  const cpu0 = procStat(pid).ticks;
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    const r = await client.callTool({ name, arguments: args });
    times.push(performance.now() - t0);
    check(r);
  }
  const cpu = ((procStat(pid).ticks - cpu0) * (1000 / CLK_TCK)) / CALLS;
  return { ...stats(times), cpu };
}

const repo = makeRepo(10);
const h = await makeHome();
const daemon = await startDaemon(h);
// BENCH_FLOOR_NODE_ARGS: node options for the floor server, as BENCH_DAEMON_NODE_ARGS for the daemon.
const floorArgs = (process.env.BENCH_FLOOR_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const floorProc = spawn(process.execPath, [...floorArgs, join(ROOT, 'bench', 'floor-mcp-server.mjs')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  for (let i = 0; i < CODERS; i++) {
    await api(h, 'POST', '/api/coders', { task: `coder ${i}`, repo, provider: 'sleeper', autostart: false });
  }
  const floorPort = await new Promise((resolve) =>
    floorProc.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );

  const fc = await connect(`http://127.0.0.1:${floorPort}/mcp`);
  const f = await timeCalls(
    fc,
    'ping',
    { n: 1 },
    (r) => {
      if (r.isError) throw new Error('floor call failed');
    },
    floorProc.pid,
  );

  const pc = await connect(`${h.base}/mcp`, h.auth);
  // The same answer's bytes from the bare server: what carrying 100 records costs the SDK alone.
  const sample = await pc.callTool({ name: 'ai_coder_list', arguments: { limit: 100 } });
  await fc.callTool({
    name: 'keep',
    arguments: { result: { content: sample.content, structuredContent: sample.structuredContent } },
  });
  const fs = await timeCalls(
    fc,
    'answer',
    {},
    (r) => {
      if (r.isError || r.structuredContent?.coders?.length !== CODERS) throw new Error('floor answer failed');
    },
    floorProc.pid,
  );
  await fc.close();

  const p = await timeCalls(
    pc,
    'ai_coder_list',
    { limit: 100 },
    (r) => {
      if (r.isError || r.structuredContent.coders.length !== CODERS)
        throw new Error(`list failed: ${JSON.stringify(r).slice(0, 300)}`);
    },
    daemon.pid,
  );
  await pc.close();
  // A fresh client per phase: node's fetch adds an abort listener to the transport's signal per
  // request and keeps it, and past 1,500 it prints a warning on every call, which the timing would
  // include (and only for the later phases).
  const pc2 = await connect(`${h.base}/mcp`, h.auth);
  const pf = await timeCalls(
    pc2,
    'ai_coder_list',
    { limit: 100, detail: 'full' },
    (r) => {
      if (
        r.isError ||
        r.structuredContent.coders.length !== CODERS ||
        !('task' in r.structuredContent.coders[0])
      )
        throw new Error(`full list failed: ${JSON.stringify(r).slice(0, 300)}`);
    },
    daemon.pid,
  );
  await pc2.close();

  const ratio = p.p50 / f.p50;
  const sameRatio = p.p50 / fs.p50;
  const answerBytes = Buffer.byteLength(JSON.stringify(sample));
  report({
    bench: 'mcp-list',
    figure: 2,
    title: `MCP ai_coder_list, ${CODERS} coders, ${CALLS} calls over Streamable HTTP`,
    project: p.p50,
    floor: f.p50,
    project_p99: p.p99,
    project_full: pf.p50,
    project_full_p99: pf.p99,
    floor_p99: f.p99,
    floor_same_answer: fs.p50,
    floor_same_answer_p99: fs.p99,
    ratio_same_answer: sameRatio,
    answer_bytes: answerBytes,
    cpu_per_call_ms: { project: p.cpu, project_full: pf.cpu, floor: f.cpu, floor_same_answer: fs.cpu },
    unit: 'ms',
    ratio,
    goal: '≤ 1.5x p50',
    goal_met: ratio <= 1.5,
    lines: [
      `ai_coder_list (100)   p50 ${ms(p.p50)}  p99 ${ms(p.p99)}   (compact records, the default)`,
      `  detail "full"       p50 ${ms(pf.p50)}  p99 ${ms(pf.p99)}`,
      `bare SDK, 1 tool      p50 ${ms(f.p50)}  p99 ${ms(f.p99)}`,
      `bare SDK, same answer p50 ${ms(fs.p50)}  p99 ${ms(fs.p99)}   (the list's ${answerBytes} bytes, kept)`,
      `server CPU per call   aicoder ${ms(p.cpu)} (full ${ms(pf.cpu)}), bare SDK ${ms(f.cpu)} (same answer ${ms(fs.cpu)})`,
      `ratio (p50)           ${ratio.toFixed(2)}x  (vs the same answer from the bare SDK: ${sameRatio.toFixed(2)}x)`,
    ],
  });
} finally {
  floorProc.kill();
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
