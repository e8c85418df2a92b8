#!/usr/bin/env node
/**
 * MCP token economy on the real daemon, counted with js-tiktoken (o200k_base): tools/list tokens,
 * tokens per coder in ai_coder_list (compact and detail "full"), tokens per log line in
 * ai_coder_logs (tail 100) against the log text alone, and initialize latency p50 over HTTP and over
 * stdio (`aicoder mcp` spawned per sample, against spawning `node -e 0`). Earlier figures (same
 * tokenizer) are printed beside them.
 *
 * What the model reads differs per client: Codex and Gemini CLI give it the text content; Claude Code
 * gives it the structuredContent as JSON (test/mcp/client-matrix.test.ts sees both). Both are counted.
 *
 * Each figure is printed beside the previous measurement and the first one. The table
 * is written, with --write, to bench/results/mcp-tokens.md, which `npm run docs` puts into docs/mcp.md.
 *
 *   npm run build && node bench/mcp-tokens.mjs [--json] [--write]
 */
/* global process, URL, fetch */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import {
  BIN,
  ROOT,
  api,
  cleanupTemps,
  makeHome,
  makeRepo,
  ms,
  report,
  sleep,
  startDaemon,
  stats,
  stopAll,
} from './lib.mjs';

const enc = new Tiktoken(o200k);
const tokens = (s) => enc.encode(s).length;
const CODERS = 20;
const LOG_LINES = 100;
const STDIO_SAMPLES = 10;

/** ms from spawn to the first stdout line of `argv` after writing `input` (null input: to exit). */
function spawnTime(argv, env, input) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'pipe', 'ignore'] });
    child.on('error', reject);
    if (input === null) {
      child.stdin.end();
      child.on('exit', () => resolve(performance.now() - t0));
      return;
    }
    child.stdout.once('data', () => {
      const t = performance.now() - t0;
      child.stdin.end(); // the bridge ends with stdin
      child.once('exit', () => resolve(t));
    });
    child.stdin.write(`${input}\n`);
  });
}

const repo = makeRepo(10);
const h = await makeHome();
const daemon = await startDaemon(h);
try {
  for (let i = 0; i < CODERS; i++) {
    await api(h, 'POST', '/api/coders', {
      task: `fix the flaky export test number ${i} and add a regression test`,
      repo,
      provider: 'sleeper',
      autostart: false,
    });
  }
  const init = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'b', version: '1' } },
  });
  const times = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const r = await fetch(`${h.base}/mcp`, {
      method: 'POST',
      headers: {
        ...h.auth,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: init,
    });
    await r.text();
    if (i >= 10) times.push(performance.now() - t0);
  }
  const stdioTimes = [];
  const nodeTimes = [];
  for (let i = 0; i < STDIO_SAMPLES; i++) {
    stdioTimes.push(await spawnTime([process.execPath, BIN, 'mcp'], h.env, init));
    nodeTimes.push(await spawnTime([process.execPath, '-e', '0'], h.env, null));
  }
  // A coder that printed LOG_LINES lines of ~100 bytes, for the logs figure.
  const logger = await api(h, 'POST', '/api/coders', { task: String(LOG_LINES), repo, provider: 'writer' });
  for (let i = 0; ; i++) {
    const c = await api(h, 'GET', `/api/coders/${logger.id}`);
    if (c.state === 'completed') break;
    if (i > 600) throw new Error(`the writer coder did not complete: ${c.state}`);
    await sleep(50);
  }
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${h.base}/mcp`), { requestInit: { headers: h.auth } }),
  );
  const { tools } = await client.listTools();
  const listTokens = tokens(JSON.stringify({ tools }));
  const text = (r) => r.content[0].text;
  const compact = text(await client.callTool({ name: 'ai_coder_list', arguments: { limit: 100 } }));
  const full = text(
    await client.callTool({ name: 'ai_coder_list', arguments: { limit: 100, detail: 'full' } }),
  );
  const compactJson = JSON.stringify(
    (await client.callTool({ name: 'ai_coder_list', arguments: { limit: 100 } })).structuredContent,
  );
  const logs = await client.callTool({
    name: 'ai_coder_logs',
    arguments: { coder_id: logger.id, tail: LOG_LINES },
  });
  const entries = await client.callTool({
    name: 'ai_coder_logs',
    arguments: { coder_id: logger.id, tail: LOG_LINES, format: 'entries' },
  });
  await client.close();
  const logEntries = entries.structuredContent.entries.filter((e) => e.kind === 'text');
  const logTextOnly = tokens(logEntries.map((e) => e.text).join('\n'));
  const n = logEntries.length;
  const perLine = (x) => (x / n).toFixed(1);
  const logsText = tokens(text(logs));
  const logsJson = tokens(JSON.stringify(logs.structuredContent));
  const logsWire = tokens(JSON.stringify(logs));
  const entriesJson = tokens(JSON.stringify(entries.structuredContent));
  const init50 = stats(times).p50;
  const stdio50 = stats(stdioTimes).p50;
  const node50 = stats(nodeTimes).p50;
  const perCoderText = tokens(compact) / CODERS;
  const perCoderJson = tokens(compactJson) / CODERS;
  const f1 = (x) => x.toFixed(1);
  const int = (x) => x.toLocaleString('en-US');
  /** [figure, now, previous, first measured]. */
  const rows = [
    ['tools/list', `${int(listTokens)} tokens`, '2,456 (2,498 with the group tools)', '5,846'],
    ['ai_coder_list per coder, text (Codex, Gemini)', `${f1(perCoderText)} tokens`, '49', '~290'],
    ['ai_coder_list per coder, JSON as Claude Code reads it', `${f1(perCoderJson)} tokens`, '65', '~290'],
    ['ai_coder_list per coder, detail "full"', `${f1(tokens(full) / CODERS)} tokens`, '', ''],
    [
      `log tokens per line: text / JSON / wire (log text alone: ${perLine(logTextOnly)}; format "entries": ${perLine(entriesJson)})`,
      `${perLine(logsText)} / ${perLine(logsJson)} / ${perLine(logsWire)}`,
      '19.3 / 19.4 / 38.8',
      '~44 on the wire',
    ],
    ['HTTP initialize p50', ms(init50), '12.7 ms', '~1.3 s'],
    [`stdio initialize p50 from spawn (\`node -e 0\`: ${ms(node50)})`, ms(stdio50), '236 ms', '2.4–3.6 s'],
  ];
  const table = [
    `bench/mcp-tokens.mjs: o200k_base tokens (js-tiktoken), ${CODERS} coders, tail ${LOG_LINES} (${n} lines); load average ${loadavg()[0].toFixed(1)} at the end of the run.`,
    '',
    '| figure | now | previous | first measured |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  if (process.argv.includes('--write')) {
    // Aligned as `prettier --check` wants it (prettier is a dev dependency, like this script's use).
    const prettier = await import('prettier');
    const out = join(ROOT, 'bench', 'results', 'mcp-tokens.md');
    writeFileSync(out, await prettier.format(table, { filepath: out }));
  }
  report({
    bench: 'mcp-tokens',
    title: `MCP token economy (o200k_base via js-tiktoken), ${CODERS} coders`,
    project: listTokens,
    floor: 2500,
    unit: 'tokens',
    goal: 'tools/list ≤ 2,500 tokens; ≤ 60 tokens per coder as the model reads it (text, and JSON for Claude Code); initialize p50 < 50 ms',
    goal_met: listTokens <= 2500 && perCoderText <= 60 && perCoderJson <= 60 && init50 < 50,
    list_per_coder: perCoderText,
    list_per_coder_json: perCoderJson,
    log_tokens_per_line: logsText / n,
    log_text_tokens_per_line: logTextOnly / n,
    initialize_http_p50: init50,
    initialize_stdio_p50: stdio50,
    node_start_p50: node50,
    lines: rows.map(
      ([what, now, previous, first]) =>
        `${what.padEnd(58)} ${now.padEnd(22)} (previous: ${previous || '-'}; first measured: ${first || '-'})`,
    ),
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
