/**
 * The record schemas (src/protocol/records.ts) are what the surfaces really send: a real daemon's REST
 * JSON of a coder, a group, a log page and an error parses with the full schemas, and the MCP
 * structuredContent (SDK client over HTTP) with the compact ones, with nothing left over at any depth
 * (a schema that strips a key would make the parsed value differ from what was sent).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ZodTypeAny } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  coderRecord,
  compactCoderRecord,
  compactGroupRecord,
  errorResponse,
  groupViewRecord,
  logEntry,
} from '../../src/protocol/index.js';
import { CODER_COLUMNS, coderParams, rowToCoder, type CoderRow } from '../../src/store/rows.js';
import { makeCoder } from '../store/fixtures.js';
import { makeHome, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

/** Parses `value` with `schema` and requires the result to be the value itself (no key stripped). */
function exactly(schema: ZodTypeAny, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  expect(parsed.success, `${what}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  expect(parsed.data, `${what} has keys the schema does not name`).toEqual(value);
}

async function rest(t: TestHome, method: string, path: string, body?: unknown): Promise<[number, unknown]> {
  const res = await fetch(`${t.baseUrl}${path}`, {
    method,
    headers: { ...t.auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return [res.status, await res.json()];
}

function structured(res: CallToolResult): unknown {
  expect(res.isError ?? false, JSON.stringify(res.content)).toBe(false);
  return res.structuredContent;
}

describe('record schemas against a real daemon', () => {
  it('REST answers parse with the full records; MCP results with the compact ones', async () => {
    h = await makeHome();
    await startDaemon(h);
    const repo = makeRepo({
      'README.md': '# r\n',
      '.aicoder.json': JSON.stringify({ check: [['true']] }),
    });

    const [created, group] = await rest(h, 'POST', '/api/groups', {
      task: '3',
      repo,
      agents: [{ provider: 'lines', count: 2 }],
    });
    expect(created).toBe(201);
    const gid = (group as { id: string }).id;
    const [, waited] = await rest(h, 'GET', `/api/groups/${gid}/wait?timeout_ms=45000`);
    expect(waited).toMatchObject({ timed_out: false });
    const [, view] = await rest(h, 'GET', `/api/groups/${gid}`);
    exactly(groupViewRecord, view, 'GET /api/groups/:id');
    const members = (view as { members: { id: string; checks: unknown }[] }).members;
    expect(members).toHaveLength(2);
    expect(members[0]!.checks).not.toBeNull(); // the check results are part of what was parsed

    const id = members[0]!.id;
    const [, coder] = await rest(h, 'GET', `/api/coders/${id}`);
    exactly(coderRecord, coder, 'GET /api/coders/:id');
    const [, page] = await rest(h, 'GET', `/api/coders/${id}/logs`);
    const entries = (page as { entries: unknown[] }).entries;
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const e of entries) exactly(logEntry, e, 'a log entry');

    const [status, bad] = await rest(h, 'POST', '/api/coders', { task: 't', repo, provider: 'x'.repeat(41) });
    expect(status).toBe(400);
    exactly(errorResponse, bad, 'an error answer');

    const client = new Client({ name: 'records', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.baseUrl}/mcp`), { requestInit: { headers: h.auth } }),
    );
    try {
      const call = async (name: string, args: Record<string, unknown>) =>
        structured((await client.callTool({ name, arguments: args })) as CallToolResult);
      exactly(compactCoderRecord, await call('ai_coder_status', { coder_id: id }), 'MCP status (compact)');
      exactly(
        coderRecord,
        await call('ai_coder_status', { coder_id: id, detail: 'full' }),
        'MCP status (full)',
      );
      exactly(compactGroupRecord, await call('ai_coder_status', { coder_id: gid }), 'MCP status of a group');
      const listed = (await call('ai_coder_list', { detail: 'full' })) as { coders: unknown[] };
      for (const c of listed.coders) exactly(coderRecord, c, 'MCP list (full)');
    } finally {
      await client.close();
    }
  });
});

describe('store rows to records', () => {
  function row(c: ReturnType<typeof makeCoder>, patch: Partial<CoderRow>): CoderRow {
    const params = coderParams(c);
    const r = Object.fromEntries(CODER_COLUMNS.map((k, i) => [k, params[i]])) as unknown as CoderRow;
    return { ...r, created_seq: 1, ...patch };
  }

  it('a stored record reads back as a record the full schema accepts as it is', () => {
    const c = makeCoder({
      progress: { message: 'half', percent: 50, ts: '2025-01-01T00:00:00.000Z' },
      sandbox: { mode: 'bwrap', network: 'on' },
      checks: {
        verdict: 'passed',
        trigger: 'demand',
        started_at: '2025-01-01T00:00:00.000Z',
        ended_at: '2025-01-01T00:00:01.000Z',
        after: 'completed',
        results: [{ argv: ['true'], status: 'passed', exit_code: 0, duration_ms: 3, tail: '' }],
      },
    });
    const back = rowToCoder(row(c, {}));
    expect(back).toEqual(c);
    exactly(coderRecord, back, 'a stored record');
  });

  it('a damaged JSON column reads as the empty value of its field, the rest of the record intact', () => {
    const c = makeCoder({ name: 'intact' });
    const back = rowToCoder(
      row(c, {
        progress: '{"message": 3}',
        checks: '{not json',
        sandbox: '{"mode":"chroot"}',
        processes: '[{"pid":"x"}]',
        usage_limit: '[]',
        warnings: '["kept", 7]',
      }),
    );
    expect(back).toMatchObject({
      name: 'intact',
      progress: null,
      checks: null,
      sandbox: { mode: 'none', network: 'on' },
      processes: [],
      usage_limit: null,
      warnings: ['kept'],
    });
    exactly(coderRecord, back, 'a record read from damaged columns');
  });
});
