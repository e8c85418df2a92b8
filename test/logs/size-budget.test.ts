/**
 * Size budgets of log answers: a coder that prints three 5 MB lines and a 30 MB line
 * without a newline. Every log answer (REST tail and pages, follow, MCP ai_coder_logs) stays within
 * its budget; long entries are cut with a visible marker, and the rest is fetched by byte offsets;
 * concurrent reads keep the daemon's memory flat.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coder, LogEntry } from '../../src/core/coder.js';
import { LOG_ANSWER_MAX_BYTES, LOG_ENTRY_MAX_BYTES, type LogText } from '../../src/core/ports.js';
import {
  cleanupHome,
  cli,
  makeHome,
  runCli,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';
import { api, mcpClient } from '../reliability/suite.js';
import { scaled } from '../helpers/load.js';

const MB = 1024 * 1024;
/** JSON around the texts: field names, seqs, timestamps, escapes. */
const OVERHEAD = 64 * 1024;

const BIG = {
  name: 'big',
  description: 'three 5 MB lines, then 30 MB without a newline',
  command: [
    process.execPath,
    '-e',
    `const o = process.stdout; const w = (s) => new Promise((r) => (o.write(s) ? r() : o.once('drain', r)));
(async () => { for (const c of 'abc') await w(c.repeat(5 * 1048576) + '\\n'); await w('z'.repeat(30 * 1048576)); })();`,
  ],
  parser: 'text',
};

interface Page {
  entries: LogEntry[];
  next_seq: number;
  done: boolean;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

async function raw(h: TestHome, path: string): Promise<{ bytes: number; body: Page }> {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: h.auth });
  const text = await res.text();
  expect(res.status).toBe(200);
  return { bytes: Buffer.byteLength(text), body: JSON.parse(text) as Page };
}

let h: TestHome;
let d: RunningDaemon | undefined;
let id: string;

afterAll(async () => {
  await cleanupHome(h, d);
  cleanupTemp();
});

beforeAll(async () => {
  h = await makeHome({ providers: [BIG] });
  d = await startDaemon(h);
  const c = await api<Coder>(h, 'POST', '/api/coders', {
    task: 'big output',
    repo: makeRepo(),
    provider: 'big',
  });
  id = c.id;
  const end = await api<{ coder: Coder }>(h, 'GET', `/api/coders/${id}/wait?for=terminal&timeout_ms=50000`);
  expect(end.coder.state).toBe('completed');
}, scaled(120_000));

describe('log size budgets (long lines)', () => {
  it('tail 100 and tail 1 stay within the budget, long entries cut with a marker', async () => {
    const t100 = await raw(h, `/api/coders/${id}/logs?tail=100&kinds=text`);
    expect(t100.bytes).toBeLessThan(LOG_ANSWER_MAX_BYTES + OVERHEAD);
    expect(t100.body.entries.length).toBeGreaterThan(0);
    for (const e of t100.body.entries) {
      expect(e.cut).toBeDefined();
      expect(e.cut!.next_offset).toBeLessThanOrEqual(LOG_ENTRY_MAX_BYTES);
      expect(e.text).toMatch(/…\[cut: \d+ of \d+ bytes shown; the rest of entry \d+ from byte \d+\]$/);
    }
    // The newest entry is the last piece of the 30 MB line.
    expect(t100.body.entries.at(-1)!.text.startsWith('zzz')).toBe(true);

    const t1 = await raw(h, `/api/coders/${id}/logs?tail=1&kinds=text`);
    expect(t1.bytes).toBeLessThan(LOG_ENTRY_MAX_BYTES + 4096);
    expect(t1.body.entries).toHaveLength(1);
  });

  it('pages from the start stay within the budget and together reach every entry', async () => {
    const seqs: number[] = [];
    let total = 0;
    for (let since = 0, pages = 0; ; pages++) {
      expect(pages).toBeLessThan(100);
      const p = await raw(h, `/api/coders/${id}/logs?since_seq=${since}&kinds=text`);
      expect(p.bytes).toBeLessThan(LOG_ANSWER_MAX_BYTES + OVERHEAD);
      seqs.push(...p.body.entries.map((e) => e.seq));
      for (const e of p.body.entries) total += e.cut?.total_bytes ?? Buffer.byteLength(e.text);
      if (p.body.done) break;
      since = p.body.next_seq;
    }
    // The agent's entries follow one another (the run's start and end notes are of other kinds).
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    // 3 x 5 MB + 30 MB of text, in pieces of at most 1 MiB: nothing lost.
    expect(total).toBe(45 * MB);
  });

  it('the rest of a cut entry comes in slices by byte offset', async () => {
    const first = (await raw(h, `/api/coders/${id}/logs?since_seq=0&max_bytes=1&kinds=text`)).body
      .entries[0]!;
    expect(first.cut!.total_bytes).toBe(MB);
    let text = first.text.slice(0, first.cut!.next_offset);
    for (let offset: number | null = first.cut!.next_offset; offset !== null;) {
      const s: LogText = await api<LogText>(
        h,
        'GET',
        `/api/coders/${id}/logs/${first.seq}/text?offset=${offset}`,
      );
      expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(LOG_ANSWER_MAX_BYTES);
      text += s.text;
      offset = s.next_offset;
    }
    expect(text).toBe('a'.repeat(MB));
    const bad = await fetch(`${h.baseUrl}/api/coders/${id}/logs/999999/text`, { headers: h.auth });
    expect(bad.status).toBe(404);
  });

  it('the rest of a cut entry from the CLI (logs --entry --offset) and MCP (ai_coder_logs entry, offset)', async () => {
    const first = (await raw(h, `/api/coders/${id}/logs?since_seq=0&max_bytes=1&kinds=text`)).body
      .entries[0]!;
    // The CLI fetches every slice from the offset on (300,000 bytes: two slices).
    const from = MB - 300_000;
    const out = JSON.parse(
      await cli(h, ['logs', id, '--entry', String(first.seq), '--offset', String(from), '--json']),
    ) as { seq: number; offset: number; total_bytes: number; text: string };
    expect(out).toEqual({
      coder_id: id,
      seq: first.seq,
      offset: from,
      total_bytes: MB,
      text: 'a'.repeat(300_000),
    });
    const human = await runCli(h, ['logs', id, '--entry', String(first.seq), '--offset', String(MB - 10)]);
    expect(human.stdout).toBe(`${'a'.repeat(10)}\n`);
    const misuse = await runCli(h, ['logs', id, '--offset', '5']);
    expect(misuse.code).not.toBe(0);
    expect(misuse.stderr).toMatch(/--offset is only used with --entry/);

    const client = await mcpClient(h, 'entry');
    try {
      const r = await client.callTool({
        name: 'ai_coder_logs',
        arguments: { coder_id: id, entry: first.seq, offset: first.cut!.next_offset },
      });
      expect(r.isError).toBeFalsy();
      const sc = r.structuredContent as { lines: string; entry: Record<string, unknown> };
      expect(sc.lines).toBe('a'.repeat(LOG_ANSWER_MAX_BYTES));
      expect(sc.entry).toEqual({
        seq: first.seq,
        offset: first.cut!.next_offset,
        total_bytes: MB,
        next_offset: first.cut!.next_offset + LOG_ANSWER_MAX_BYTES,
      });
      const text = (r.content as { type: string; text: string }[])[0]!.text;
      expect(text.endsWith(`of ${MB}, next_offset ${first.cut!.next_offset + LOG_ANSWER_MAX_BYTES}]`)).toBe(
        true,
      );
      const bad = await client.callTool({ name: 'ai_coder_logs', arguments: { coder_id: id, offset: 3 } });
      expect(bad.isError).toBe(true);
      expect(JSON.stringify(bad.content)).toMatch(/offset/);
    } finally {
      await client.close();
    }
  });

  it('follow and MCP ai_coder_logs answers stay within the budget', async () => {
    const f = await raw(h, `/api/coders/${id}/logs?follow=1&since_seq=0&timeout_ms=1000`);
    expect(f.bytes).toBeLessThan(LOG_ANSWER_MAX_BYTES + OVERHEAD);
    const client = await mcpClient(h, 'budget');
    try {
      for (const tail of [100, 1]) {
        const r = await client.callTool({ name: 'ai_coder_logs', arguments: { coder_id: id, tail } });
        expect(r.isError).toBeFalsy();
        expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThan(2 * (LOG_ANSWER_MAX_BYTES + OVERHEAD));
      }
    } finally {
      await client.close();
    }
  });

  it('concurrent reads keep the daemon memory flat', async () => {
    const before = rssMb(d!.pid);
    let peak = before;
    const reader = async (): Promise<void> => {
      for (let i = 0; i < 15; i++) {
        await raw(h, `/api/coders/${id}/logs?tail=100`);
        peak = Math.max(peak, rssMb(d!.pid));
      }
    };
    await Promise.all([reader(), reader(), reader()]);
    expect(peak - before).toBeLessThan(150);
  });
});
