/**
 * Security: secrets are redacted everywhere they are stored or shown. A real daemon with
 * MY_API_KEY in its environment, a provider `env` value and a config `provider_env` value whose names
 * say nothing; the repository's setup command and the agent print them, plus a ghp_ token, a password
 * in a postgres URL, the coder's endpoint URL (AICODER_MCP_URL) and token; the agent reports progress
 * with them through its endpoint. None may reach the database file (records, logs, events), the
 * REST record and logs, the event stream's replay, the CLI, or daemon.log. (The raw output files are the log
 * store's own part.)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Coder } from '../../src/core/coder.js';
import {
  cleanupHome,
  cli,
  makeHome,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { makeRepo, waitFor } from '../helpers/env.js';
import { allStdout, api, say } from './suite.js';
import { scaled } from '../helpers/load.js';

export interface SecretFigures {
  secrets: number;
  surfaces: number;
  leaks: string[];
  /** Surfaces that came back (nearly) empty: a check of nothing. */
  empty_surfaces: string[];
  redacted_lines: number;
}

const API_KEY = 'sk-live-4f9a8b7c6d5e4f3a2b1c';
const PROVIDER_ENV_VALUE = 'plain-provider-env-7731';
const PROVIDER_DEF_VALUE = 'plain-def-env-value-5512';
const GHP = `ghp_${'Zq8Xw3Rt'.repeat(4)}k9Lm`;
const PG_PASSWORD = 'pgPassw0rd-771';
const PG_URL = `postgres://app:${PG_PASSWORD}@db.internal:5432/app`;

/** Prints every secret it can see, writes its endpoint URL to a file (for the test), then waits for `go`. */
const AGENT = [
  'bash',
  '-c',
  [
    'printf %s "$AICODER_MCP_URL" > .endpoint',
    'echo "key $MY_API_KEY"',
    'echo "env $PROVIDER_ONE / $PROVIDER_TWO"',
    `echo "gh ${GHP}"`,
    `echo "db ${PG_URL}"`,
    'echo "endpoint $AICODER_MCP_URL token $AICODER_MCP_TOKEN"',
    'while [ ! -e go ]; do sleep 0.05; done',
    'echo "last $MY_API_KEY $AICODER_MCP_URL"',
  ].join('; '),
];

export async function secretsScenario(): Promise<SecretFigures> {
  const f: SecretFigures = { secrets: 0, surfaces: 0, leaks: [], empty_surfaces: [], redacted_lines: 0 };
  let h: TestHome | undefined;
  let d: RunningDaemon | undefined;
  try {
    h = await makeHome({
      providers: [
        {
          name: 'leaky',
          description: 'prints secrets',
          command: AGENT,
          parser: 'text',
          env: { PROVIDER_TWO: PROVIDER_DEF_VALUE },
        },
      ],
      config: { default_provider: 'leaky', provider_env: { leaky: { PROVIDER_ONE: PROVIDER_ENV_VALUE } } },
    });
    h.env.MY_API_KEY = API_KEY;
    d = await startDaemon(h);
    const home = h;
    const repo = makeRepo({
      'README.md': '# r\n',
      '.aicoder.json': JSON.stringify({
        setup: [['bash', '-c', `echo "setup $MY_API_KEY ${GHP} ${PG_URL} $PROVIDER_ONE"`]],
      }),
    });

    const c = await api<Coder>(home, 'POST', '/api/coders', { task: 'leak', repo, provider: 'leaky' });
    await waitFor(async () => (await allStdout(home, c.id)).some((l) => l.startsWith('endpoint ')), {
      what: 'the agent printed its secrets',
      timeoutMs: 60_000,
    });
    const endpoint = readFileSync(join(c.workspace, '.endpoint'), 'utf8');
    const token = /\/coder\/[^/]+\/([0-9a-f]{64})\/mcp$/.exec(endpoint)?.[1] ?? 'no-token-found';

    // The agent reports progress with secrets through its own endpoint.
    const agent = new Client({ name: 'agent', version: '1' });
    await agent.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
    try {
      await agent.callTool({
        name: 'aicoder_report_progress',
        arguments: { message: `using ${API_KEY} and ${GHP} at ${PG_URL}`, percent: 10 },
      });
      await agent.callTool({
        name: 'aicoder_report_progress',
        arguments: { message: `endpoint ${endpoint} provider ${PROVIDER_ENV_VALUE}` },
      });
    } finally {
      await agent.close();
    }
    writeFileSync(join(c.workspace, 'go'), '');
    await waitFor(async () => (await api<Coder>(home, 'GET', `/api/coders/${c.id}`)).state === 'completed', {
      what: 'the coder completed',
      timeoutMs: 60_000,
    });

    const secrets: Record<string, string> = {
      MY_API_KEY: API_KEY,
      provider_env: PROVIDER_ENV_VALUE,
      provider_def_env: PROVIDER_DEF_VALUE,
      ghp: GHP,
      postgres_password: PG_PASSWORD,
      endpoint_url: endpoint,
      endpoint_token: token,
      owner_token: h.token,
    };
    f.secrets = Object.keys(secrets).length;

    // Every surface a user or client sees, and every stored byte of the database.
    const events = await fetch(`${h.baseUrl}/api/events?last_event_id=0:0`, {
      headers: h.auth,
      signal: AbortSignal.timeout(scaled(3000)),
    })
      .then(async (r) => {
        let text = '';
        const reader = r.body!.getReader();
        const dec = new TextDecoder();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            text += dec.decode(value, { stream: true });
            if (text.includes('"completed"') && text.length > 2000) break;
          }
        } catch {
          /* the deadline ends the stream */
        }
        await reader.cancel().catch(() => undefined);
        return text;
      })
      .catch((e: unknown) => `events failed: ${String(e)}`);
    const db = readdirSync(h.home)
      .filter((n) => n.startsWith('aicoder.db'))
      .map((n) => readFileSync(join(h!.home, n)).toString('latin1'))
      .join('\n');
    const surfaces: Record<string, string> = {
      record: JSON.stringify(await api<Coder>(home, 'GET', `/api/coders/${c.id}`)),
      logs: JSON.stringify(await api(home, 'GET', `/api/coders/${c.id}/logs?since_seq=0`)),
      events,
      cli_status: await cli(home, ['status', c.id, '--json']),
      cli_logs: await cli(home, ['logs', c.id]),
      database: db,
      daemon_log: readFileSync(join(h.home, 'daemon.log'), 'utf8'),
    };
    f.surfaces = Object.keys(surfaces).length;
    for (const [where, text] of Object.entries(surfaces)) {
      if (text.length < 200 || !text.includes('[redacted]')) f.empty_surfaces.push(where);
      for (const [what, value] of Object.entries(secrets)) {
        if (text.includes(value)) f.leaks.push(`${what} in ${where}`);
      }
    }
    f.redacted_lines = (surfaces.cli_logs!.match(/\[redacted\]/g) ?? []).length;
    say('security-secrets', { ...f });
    return f;
  } finally {
    if (h) await cleanupHome(h, d);
  }
}
