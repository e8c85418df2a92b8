#!/usr/bin/env node
/**
 * MCP token economy on the real daemon, counted with js-tiktoken (o200k_base): tools/list tokens,
 * tokens per coder in ai_coder_list (compact and detail "full"), and HTTP initialize latency p50.
 * The figures before issue 15 (same tokenizer) are printed beside them.
 *
 *   npm run build && node bench/mcp-tokens.mjs [--json]
 */
/* global process, URL, fetch */
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { api, cleanupTemps, makeHome, makeRepo, ms, report, startDaemon, stats, stopAll } from './lib.mjs';

const enc = new Tiktoken(o200k);
const tokens = (s) => enc.encode(s).length;
const CODERS = 20;

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
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: init,
    });
    await r.text();
    if (i >= 10) times.push(performance.now() - t0);
  }
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${h.base}/mcp`)));
  const { tools } = await client.listTools();
  const listTokens = tokens(JSON.stringify({ tools }));
  const text = (r) => r.content[0].text;
  const compact = text(await client.callTool({ name: 'ai_coder_list', arguments: { limit: 100 } }));
  const full = text(
    await client.callTool({ name: 'ai_coder_list', arguments: { limit: 100, detail: 'full' } }),
  );
  await client.close();
  const init50 = stats(times).p50;
  report({
    bench: 'mcp-tokens',
    title: `MCP token economy (o200k_base via js-tiktoken), ${CODERS} coders`,
    project: listTokens,
    floor: 2500,
    unit: 'tokens',
    goal: 'tools/list ≤ 2,500 tokens; ≤ 60 tokens per coder; initialize p50 < 50 ms',
    goal_met: listTokens <= 2500 && tokens(compact) / CODERS <= 60 && init50 < 50,
    lines: [
      `tools/list                 ${listTokens} tokens   (before: 5,846)`,
      `ai_coder_list per coder    ${(tokens(compact) / CODERS).toFixed(1)} tokens   (detail full: ${(tokens(full) / CODERS).toFixed(1)}; before: ~290)`,
      `HTTP initialize p50        ${ms(init50)}   (goal < 50 ms idle)`,
    ],
  });
} finally {
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(0);
