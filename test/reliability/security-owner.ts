/**
 * Security: only the owner controls the daemon. Against a real daemon started under umask
 * 022 on an existing home with loose modes:
 * - another local user (`nobody`, through setpriv) is refused on every route, even holding the token;
 * - requests without the owner token, or with a coder's token, are refused on /api and /mcp;
 * - a coder's own process cannot reach /api or /mcp with anything its environment holds, nor with the
 *   owner token read from the home (also from a setsid grandchild), cannot use another coder's
 *   endpoint, and its environment holds no AICODER_HOME/AICODER_PORT;
 * - no token shows in any agent's argv (`ps`), for every built-in provider template;
 * - every file in the home (worktrees aside) is 0600 and every folder 0700;
 * - an empty text/plain POST /api/shutdown and a request with two Host headers change nothing.
 */
import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Coder } from '../../src/core/coder.js';
import {
  cleanupHome,
  health,
  makeHome,
  processesUnder,
  startDaemon,
  type RunningDaemon,
  type TestHome,
} from '../helpers/daemon.js';
import { makeRepo, waitFor } from '../helpers/env.js';
import { allStdout, api, rawRequest, say } from './suite.js';
import { scaled } from '../helpers/load.js';

export interface OwnerFigures {
  setpriv: boolean;
  foreign_requests: number;
  foreign_accepted: string[];
  no_token_requests: number;
  no_token_accepted: string[];
  coder_requests: number;
  coder_accepted: string[];
  coder_env_leaks: string[];
  argv_checked: number;
  argv_leaks: string[];
  files_checked: number;
  loose_modes: string[];
  shutdown_text_plain: number;
  duplicate_host: number;
  alive_after: boolean;
}

/** The agent of the `prober` provider: tries the daemon with everything its environment holds. */
const PROBER = `
const [victim, tokenFile] = process.argv[1].split(' ');
const stolen = require('node:fs').readFileSync(tokenFile, 'utf8').trim();
const url = new URL(process.env.AICODER_MCP_URL);
const base = url.origin;
const own = process.env.AICODER_MCP_TOKEN;
const env = Object.keys(process.env).filter((k) => k.startsWith('AICODER_')).sort();
const out = { env, statuses: {} };
const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'p', version: '1' } } });
const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const tries = {
  list: [base + '/api/coders', {}],
  list_own_token: [base + '/api/coders', { headers: { authorization: 'Bearer ' + own } }],
  stop_victim: [base + '/api/coders/' + victim + '/control', { method: 'POST', headers: { ...json, authorization: 'Bearer ' + own }, body: '{"action":"stop"}' }],
  read_victim: [base + '/api/coders/' + victim + '/logs', { headers: { authorization: 'Bearer ' + own } }],
  mcp: [base + '/mcp', { method: 'POST', headers: { ...json, authorization: 'Bearer ' + own }, body: init }],
  shutdown: [base + '/api/shutdown', { method: 'POST', headers: { ...json, authorization: 'Bearer ' + own }, body: '{}' }],
  victim_endpoint: [base + '/coder/' + victim + '/mcp', { method: 'POST', headers: { ...json, authorization: 'Bearer ' + own }, body: init }],
  // The owner token read from AICODER_HOME: the daemon knows this process is a coder's.
  stolen_list: [base + '/api/coders', { headers: { authorization: 'Bearer ' + stolen } }],
  stolen_stop_victim: [base + '/api/coders/' + victim + '/control', { method: 'POST', headers: { ...json, authorization: 'Bearer ' + stolen }, body: '{"action":"stop"}' }],
  stolen_mcp: [base + '/mcp', { method: 'POST', headers: { ...json, authorization: 'Bearer ' + stolen }, body: init }],
  stolen_child: 'child',
};
(async () => {
  for (const [k, t] of Object.entries(tries)) {
    if (t === 'child') {
      // A grandchild in a new session (setsid) with its own connection: still the coder's.
      const r = require('node:child_process').spawnSync('setsid', [process.execPath, '-e', 'fetch(process.argv[1], { headers: { authorization: "Bearer " + process.argv[2] } }).then((r) => console.log(r.status), (e) => console.log(String(e)))', base + '/api/coders', stolen], { encoding: 'utf8' });
      out.statuses[k] = Number(r.stdout.trim()) || r.stdout.trim() + r.stderr;
      continue;
    }
    const [u, o] = t;
    try { out.statuses[k] = (await fetch(u, o)).status; } catch (e) { out.statuses[k] = String(e); }
  }
  console.log('probe ' + JSON.stringify(out));
  await new Promise((r) => setTimeout(r, 60000));
})();
`;

/** Run as another uid: the daemon must refuse every request, whatever it sends. */
const FOREIGN = `
const [port, token, victim, repo] = process.argv.slice(1);
const base = 'http://127.0.0.1:' + port;
const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'p', version: '1' } } });
const out = {};
(async () => {
  for (const auth of [{}, { authorization: 'Bearer ' + token }]) {
    const tag = auth.authorization ? 'token ' : '';
    const tries = {
      health: [base + '/health', { headers: auth }],
      list: [base + '/api/coders', { headers: auth }],
      create: [base + '/api/coders', { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ task: '1', repo, provider: 'sleeper', workspace_files: ['.env2'] }) }],
      file: [base + '/api/coders/' + victim + '/file?path=README.md', { headers: auth }],
      control: [base + '/api/coders/' + victim + '/control', { method: 'POST', headers: { ...json, ...auth }, body: '{"action":"stop"}' }],
      mcp: [base + '/mcp', { method: 'POST', headers: { ...json, ...auth }, body: init }],
      events: [base + '/api/events', { headers: auth, signal: AbortSignal.timeout(5000) }],
      shutdown: [base + '/api/shutdown', { method: 'POST', headers: { ...json, ...auth }, body: '{}' }],
      coder_endpoint: [base + '/coder/' + victim + '/mcp', { method: 'POST', headers: { ...json, ...auth }, body: init }],
    };
    for (const [k, [u, o]] of Object.entries(tries)) {
      try { const r = await fetch(u, o); out[tag + k] = r.status; await r.body?.cancel(); } catch (e) { out[tag + k] = String(e); }
    }
  }
  console.log(JSON.stringify(out));
})();
`;

function runAs(user: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'setpriv',
      [`--reuid=${user}`, '--regid=nogroup', '--clear-groups', process.execPath, '-e', FOREIGN, ...args],
      { cwd: '/', timeout: scaled(60_000), encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout)),
    );
  });
}

function hasSetpriv(): Promise<boolean> {
  return new Promise((resolve) =>
    execFile('setpriv', ['--version'], (err) => resolve(err === null && process.getuid?.() === 0)),
  );
}

/** Every built-in template, its program replaced by a bash loop that keeps the template's arguments in its argv. */
function templateProviders(): Record<string, unknown>[] {
  const dir = fileURLToPath(new URL('../../templates/providers/', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const t = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name: string; command: string[] };
      return {
        name: `argv-${t.name}`,
        description: `the ${t.name} template's arguments under a loop`,
        command: ['bash', '-c', 'while [ ! -e go ]; do sleep 0.05; done', ...t.command],
        parser: 'text',
      };
    });
}

/**
 * Adds each file or folder under `dir` that group or others may use to `out`. The home is live (the
 * daemon rotates and removes run files meanwhile): an entry gone between the listing and its lstat
 * has no mode to leak and is skipped.
 */
function walkModes(dir: string, out: string[], counted: { n: number }, top = true): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const name of names) {
    if (top && name === 'worktrees') continue;
    const p = join(dir, name);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined || st.isSymbolicLink()) continue;
    counted.n++;
    if ((st.mode & 0o077) !== 0)
      out.push(`${p.slice(p.indexOf('/aicoder-home-'))} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) walkModes(p, out, counted, false);
  }
}

/** A request with two Host headers (Node's client cannot send one: a raw socket). */
function duplicateHost(h: TestHome): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect(h.port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    s.on('error', reject);
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    s.write(
      `POST /api/shutdown HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nHost: evil.example\r\n` +
        `Authorization: Bearer ${h.token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n` +
        'Connection: close\r\n\r\n{}',
    );
  });
}

export async function ownerScenario(opts: { full: boolean }): Promise<OwnerFigures> {
  const templates = templateProviders();
  const providers: Record<string, unknown>[] = [
    {
      name: 'prober',
      description: 'tries the daemon',
      command: [process.execPath, '-e', PROBER, '{task}'],
      parser: 'text',
    },
    { name: 'sleeper', description: 'sleeps', command: ['sleep', '{task}'], parser: 'text' },
    ...(opts.full ? templates : templates.filter((t) => t.name === 'argv-claude' || t.name === 'argv-codex')),
  ];
  const f: OwnerFigures = {
    setpriv: await hasSetpriv(),
    foreign_requests: 0,
    foreign_accepted: [],
    no_token_requests: 0,
    no_token_accepted: [],
    coder_requests: 0,
    coder_accepted: [],
    coder_env_leaks: [],
    argv_checked: 0,
    argv_leaks: [],
    files_checked: 0,
    loose_modes: [],
    shutdown_text_plain: 0,
    duplicate_host: 0,
    alive_after: false,
  };
  const previous = process.umask(0o022);
  let h: TestHome | undefined;
  let d: RunningDaemon | undefined;
  try {
    h = await makeHome({ providers, config: { max_concurrent: 64 } });
    // An existing home made by an older version: everything readable by others.
    chmodSync(h.home, 0o755);
    chmodSync(join(h.home, 'config.json'), 0o644);
    chmodSync(join(h.home, 'owner-token'), 0o644);
    d = await startDaemon(h);
    process.umask(previous);
    const home = h;

    // The owner's private repo with a secret file.
    const repo = makeRepo({ 'README.md': '# private\n' });
    writeFileSync(join(repo, '.env2'), 'OWNER_SECRET=do-not-read\n');
    chmodSync(repo, 0o700);

    const victim = await api<Coder>(home, 'POST', '/api/coders', { task: '120', repo, provider: 'sleeper' });

    // ---------------------------------------------------------------- no token, wrong token
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    const json = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const badAuth: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${'0'.repeat(64)}` },
      { authorization: `Basic ${h.token}` },
      { authorization: `Bearer ${h.token.slice(1)}` },
    ];
    const routes = [
      { method: 'GET', path: '/api/coders' },
      { method: 'GET', path: `/api/coders/${victim.id}/logs` },
      { method: 'POST', path: `/api/coders/${victim.id}/control`, body: '{"action":"stop"}' },
      { method: 'POST', path: '/api/shutdown', body: '{}' },
      { method: 'POST', path: '/mcp', body: init },
      { method: 'GET', path: '/api/events' },
    ];
    for (const auth of badAuth) {
      for (const r of routes) {
        f.no_token_requests++;
        const res = await rawRequest(h.port, { ...r, headers: { ...json, ...auth }, timeoutMs: 10_000 });
        if (res.status !== 401)
          f.no_token_accepted.push(`${r.method} ${r.path} ${JSON.stringify(auth)} → ${res.status}`);
      }
    }

    // ---------------------------------------------------------------- a coder probing the daemon
    const prober = await api<Coder>(home, 'POST', '/api/coders', {
      task: `${victim.id} ${join(h.home, 'owner-token')}`,
      repo,
      provider: 'prober',
    });
    let probe: { env: string[]; statuses: Record<string, number | string> } | undefined;
    await waitFor(
      async () => {
        const line = (await allStdout(home, prober.id)).find((l) => l.startsWith('probe '));
        if (line) probe = JSON.parse(line.slice(6)) as typeof probe;
        return probe !== undefined;
      },
      { what: 'the prober coder reports', timeoutMs: 60_000 },
    );
    for (const [k, status] of Object.entries(probe!.statuses)) {
      f.coder_requests++;
      const want = k === 'victim_endpoint' || k.startsWith('stolen_') ? 403 : 401;
      if (status !== want) f.coder_accepted.push(`${k} → ${status}`);
    }
    for (const name of probe!.env) {
      if (!['AICODER_CODER_ID', 'AICODER_WORKSPACE', 'AICODER_MCP_URL', 'AICODER_MCP_TOKEN'].includes(name))
        f.coder_env_leaks.push(name);
    }
    if ((await api<Coder>(home, 'GET', `/api/coders/${victim.id}`)).state !== 'running')
      f.coder_accepted.push('the victim coder is no longer running');

    // ---------------------------------------------------------------- another local user
    if (f.setpriv) {
      const answers = JSON.parse(await runAs('nobody', [String(h.port), h.token, victim.id, repo])) as Record<
        string,
        number | string
      >;
      for (const [k, status] of Object.entries(answers)) {
        f.foreign_requests++;
        if (status !== 403) f.foreign_accepted.push(`${k} → ${status}`);
      }
    }

    // ---------------------------------------------------------------- tokens in argv
    const argvCoders = [];
    for (const p of providers.filter((x) => String(x.name).startsWith('argv-'))) {
      argvCoders.push(
        await api<Coder>(home, 'POST', '/api/coders', { task: 'argv check', repo, provider: p.name }),
      );
    }
    for (const c of argvCoders) {
      await waitFor(async () => (await api<Coder>(home, 'GET', `/api/coders/${c.id}`)).state === 'running', {
        what: `${c.provider} coder running`,
        timeoutMs: 60_000,
      });
    }
    for (const pid of processesUnder(join(h.home, 'worktrees'))) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      f.argv_checked++;
      if (/[0-9a-f]{64}/.test(cmdline) || cmdline.includes(h.token)) f.argv_leaks.push(cmdline.slice(0, 300));
    }
    for (const c of argvCoders) writeFileSync(join(c.workspace, 'go'), '');

    // ---------------------------------------------------------------- state changes that are not JSON
    const plain = await rawRequest(h.port, {
      method: 'POST',
      path: '/api/shutdown',
      headers: { 'content-type': 'text/plain', ...h.auth },
      body: '',
    });
    f.shutdown_text_plain = plain.status;
    f.duplicate_host = await duplicateHost(h);
    f.alive_after = (await health(h))?.pid === d.pid;

    // ---------------------------------------------------------------- file modes
    const counted = { n: 0 };
    if ((lstatSync(h.home).mode & 0o777) !== 0o700)
      f.loose_modes.push(`home ${(lstatSync(h.home).mode & 0o777).toString(8)}`);
    walkModes(h.home, f.loose_modes, counted);
    f.files_checked = counted.n;
    say('security-owner', { ...f });
    return f;
  } finally {
    process.umask(previous);
    if (h) await cleanupHome(h, d);
  }
}
