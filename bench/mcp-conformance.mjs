#!/usr/bin/env node
/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`, its server scenarios, suite
 * "all") against a real aicoder daemon on loopback: a private AICODER_HOME, a free port, the built
 * daemon (`node bin/aicoder.js daemon run`).
 *
 *   npm run build && node bench/mcp-conformance.mjs [--write]     (npm run conformance)
 *   node bench/mcp-conformance.mjs --scenario server-sse-polling   (one scenario, with its checks)
 *
 * The suite needs Node 22 (it uses fs.globSync); aicoder stays on Node 20. The script installs the
 * `node@22` package (a Node 22 binary from the npm registry) and the suite, pinned, into a cache
 * folder once (AICODER_CONFORMANCE_CACHE, default node_modules/.cache/aicoder-conformance) and runs
 * the suite with that node. Scenarios that cannot apply to aicoder are listed, with the reason, in
 * bench/mcp-conformance.yml (the suite's --expected-failures baseline).
 *
 * When the daemon requires the owner token (docs/security.md), the suite, which cannot send headers,
 * talks to a loopback proxy that adds `Authorization` and maps its own Host/Origin port to the
 * daemon's; every other header (a foreign Host or Origin included) reaches the daemon unchanged.
 *
 * Prints one line per scenario and a Markdown table; --write stores the table in
 * bench/results/mcp-conformance.md, which `npm run docs` puts into docs/mcp.md. Exit code: the
 * suite's (0 when every scenario passes or is listed as not applicable and still fails, 1 otherwise),
 * 2 when the suite could not be installed or run.
 */
/* global process, console */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { ROOT, cleanupTemps, freePort, makeHome, startDaemon, stopAll, tempDir } from './lib.mjs';

const SUITE = '@modelcontextprotocol/conformance';
const SUITE_VERSION = '0.1.16';
const NODE_MAJOR = '22';
const BASELINE = join(ROOT, 'bench', 'mcp-conformance.yml');
const RESULT_MD = join(ROOT, 'bench', 'results', 'mcp-conformance.md');
const CACHE =
  process.env.AICODER_CONFORMANCE_CACHE ?? join(ROOT, 'node_modules', '.cache', 'aicoder-conformance');
const WRITE = process.argv.includes('--write');
const ONE = process.argv.includes('--scenario')
  ? process.argv[process.argv.indexOf('--scenario') + 1]
  : undefined;

/** Installs node@22 and the suite into CACHE unless the pinned versions are there already. */
function ensureSuite() {
  const node = join(CACHE, 'node_modules', '.bin', 'node');
  const pkg = join(CACHE, 'node_modules', ...SUITE.split('/'), 'package.json');
  const have = existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : null;
  const nodeOk =
    existsSync(node) &&
    execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().startsWith(`v${NODE_MAJOR}.`);
  if (have !== SUITE_VERSION || !nodeOk) {
    mkdirSync(CACHE, { recursive: true });
    if (!existsSync(join(CACHE, 'package.json')))
      writeFileSync(join(CACHE, 'package.json'), '{"private":true}\n');
    process.stderr.write(`installing node@${NODE_MAJOR} and ${SUITE}@${SUITE_VERSION} into ${CACHE}…\n`);
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        CACHE,
        '--no-audit',
        '--no-fund',
        `node@${NODE_MAJOR}`,
        `${SUITE}@${SUITE_VERSION}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  const entry = join(CACHE, 'node_modules', ...SUITE.split('/'), 'dist', 'index.js');
  return { node, entry, nodeVersion: execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() };
}

/** The baseline's scenario names with the comment block above each group (the reason). */
function readBaseline() {
  const reasons = new Map();
  let comment = [];
  let reason = '';
  for (const line of readFileSync(BASELINE, 'utf8').split('\n')) {
    const c = /^\s*#\s?(.*)$/.exec(line);
    const item = /^\s*-\s*([\w-]+)\s*$/.exec(line);
    if (c) comment.push(c[1]);
    else if (item) {
      if (comment.length > 0) reason = comment[0];
      comment = [];
      reasons.set(item[1], reason);
    } else comment = [];
  }
  return reasons;
}

/** A loopback proxy that adds the owner token; see the header comment. */
async function authProxy(daemonPort, headers) {
  const port = await freePort();
  const mapPort = (v) =>
    typeof v === 'string'
      ? v.replace(new RegExp(`^((?:https?://)?(?:127\\.0\\.0\\.1|localhost)):${port}$`), `$1:${daemonPort}`)
      : v;
  const server = createServer((req, res) => {
    const h = { ...req.headers, ...headers };
    h.host = mapPort(h.host);
    if (h.origin !== undefined) h.origin = mapPort(h.origin);
    const up = request(
      { host: '127.0.0.1', port: daemonPort, method: req.method, path: req.url, headers: h },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/mcp`, close: () => server.closeAllConnections() || server.close() };
}

/** Scenario results from the suite's output folder: name → { passed, failed, warnings, errors[] }. */
function readResults(dir) {
  const out = new Map();
  for (const d of readdirSync(dir)) {
    const m = /^server-(.+)-\d{4}-\d\d-\d\dT/.exec(d);
    if (!m || !existsSync(join(dir, d, 'checks.json'))) continue;
    const checks = JSON.parse(readFileSync(join(dir, d, 'checks.json'), 'utf8'));
    const r = { passed: 0, failed: 0, warnings: 0, errors: [] };
    for (const c of checks) {
      if (c.status === 'SUCCESS') r.passed += 1;
      else if (c.status === 'FAILURE') {
        r.failed += 1;
        r.errors.push(c.errorMessage ?? c.description ?? c.id);
      } else if (c.status === 'WARNING') {
        r.warnings += 1;
        r.errors.push(`warning: ${c.errorMessage ?? c.id}`);
      }
    }
    out.set(m[1], r);
  }
  return out;
}

const cell = (s) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

let suite;
try {
  suite = ensureSuite();
} catch (e) {
  console.error(`could not install the conformance suite: ${e.message}`);
  process.exit(2);
}
const h = await makeHome();
const daemon = await startDaemon(h);
const proxy = h.auth ? await authProxy(h.port, h.auth) : null;
const url = proxy?.url ?? `${h.base}/mcp`;
const outDir = tempDir('aicoder-conformance-');
let code = 2;
try {
  const child = spawn(
    suite.node,
    [
      suite.entry,
      'server',
      '--url',
      url,
      ...(ONE ? ['--scenario', ONE] : ['--suite', 'all']),
      '--expected-failures',
      BASELINE,
      '-o',
      outDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  code = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 2)));
  const results = readResults(outDir);
  if (ONE) console.log(log);
  if (results.size === 0) {
    console.error(log.slice(-4000));
    throw new Error('the suite wrote no results');
  }
  const na = readBaseline();
  const rows = [];
  for (const [name, r] of [...results].sort(([a], [b]) => a.localeCompare(b))) {
    const listed = na.has(name);
    const result =
      r.failed === 0 && r.warnings === 0
        ? `pass (${r.passed} checks)`
        : listed
          ? r.failed === 0
            ? `warnings (${r.warnings})`
            : 'does not apply'
          : `**fails** (${r.failed} of ${r.passed + r.failed} checks)`;
    const why = listed ? na.get(name) : r.errors.join('; ');
    rows.push(`| ${name} | ${result} | ${cell(why)} |`);
    console.log(`${name}: ${result}${why ? ` — ${cell(why)}` : ''}`);
  }
  const applied = [...results.values()].filter((r) => r.failed === 0 && r.warnings === 0).length;
  const table = [
    `${SUITE}@${SUITE_VERSION}, server scenarios (suite "all"), run by \`npm run conformance\` with node ${suite.nodeVersion}`,
    `against aicoder ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}: ${applied} of ${results.size} scenarios pass; the others are listed in`,
    'bench/mcp-conformance.yml with the reason they cannot pass on aicoder.',
    `Suite exit code ${code} (0: nothing failed that was not listed, and nothing listed passed).`,
    '',
    '| scenario | result | why |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  console.log(`\n${table}`);
  if (WRITE && !ONE) {
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(RESULT_MD, table);
    console.log(`wrote ${RESULT_MD} (npm run docs puts it into docs/mcp.md)`);
  }
} finally {
  proxy?.close();
  await stopAll(h, daemon);
  cleanupTemps();
}
process.exit(code);
