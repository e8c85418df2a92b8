#!/usr/bin/env node
/* global URL, process, console */
/**
 * Generates docs/mcp.md from the MCP server itself (built code in dist/: run `npm run build` first):
 * the tool list comes from tools/list over the SDK's InMemoryTransport, so the JSON Schemas are
 * exactly what clients see (the SDK's own zod conversion). `npm run docs` writes the file;
 * test/mcp/docs.test.ts fails when the file differs from renderMcpDocs(). The text is run through
 * Prettier, so `npm run format` leaves it unchanged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import * as prettier from 'prettier';

const DIST = new URL('../dist/mcp/index.js', import.meta.url);
export const DOC_PATH = fileURLToPath(new URL('../docs/mcp.md', import.meta.url));
export const SNAPSHOT_PATH = fileURLToPath(new URL('../src/mcp/tools-snapshot.ts', import.meta.url));
const URL_MCP = 'http://127.0.0.1:7777/mcp';
/** Measured tables kept as files (they come from runs, not from the server): see each file's producer. */
const CLIENTS_MD = new URL('../bench/results/mcp-clients.md', import.meta.url);
const CONFORMANCE_MD = new URL('../bench/results/mcp-conformance.md', import.meta.url);
const TOKENS_MD = new URL('../bench/results/mcp-tokens.md', import.meta.url);

function measured(url, what) {
  return existsSync(url) ? readFileSync(url, 'utf8').trim() : `(${what} has not been run yet.)`;
}

function clientsSection() {
  return `### First try with the real clients

\`test/mcp/client-matrix.test.ts\` registers aicoder with \`aicoder mcp add <client> --transport <t>\` in
an isolated client home, runs the client headless (\`claude -p … --allowedTools mcp__aicoder\`,
\`codex exec …\`, \`gemini -p … --skip-trust\`) against the scripted model server, whose first reply
calls \`ai_coder_list\`, and checks that the first model request offered aicoder's tools and that the
second carried the list's answer. Over HTTP the daemon runs; over stdio none runs and the bridge
starts it. \`MCP_MATRIX_RUNS=10\` repeats each case with a fresh home each time:

${measured(CLIENTS_MD, 'The matrix')}
`;
}

function tokensSection() {
  return `### Tokens and latency

What a session pays: \`tools/list\` is capped at 2,500 tokens (test/mcp/tools.test.ts), and a
compact record at 60 tokens per coder in \`ai_coder_list\`, both as the text Codex and Gemini CLI
read and as the JSON Claude Code reads. The compact record leaves \`branch\` out when it is the
default one, \`aicoder/<id>-<slug of name>\` (lowercase, each run of characters other than a–z and
0–9 as one \`-\`, at most 40 characters, \`task\` when nothing is left), taken from the name as the
record shows it; the text table always shows the branch, and \`detail: "full"\` returns the whole
record. \`node bench/mcp-tokens.mjs\` measures on a real daemon:

${measured(TOKENS_MD, 'bench/mcp-tokens.mjs')}
`;
}

function resumptionSection() {
  return `### Stream resumption

Over HTTP, a call's SSE stream survives a dropped connection (spec 2025-11-25, Resumability and
Redelivery). Each session keeps its last 1,000 SSE events (at most 1 MiB of JSON; the oldest go
first). A POST stream of a 2025-11-25 client opens with a priming event: an event id and
\`retry: 1000\` (ms). A client whose stream broke sends \`GET /mcp\` with \`Last-Event-ID\` and gets
what it missed, then the rest of the call (test/mcp/resume.test.ts cuts a following
\`ai_coder_logs\` mid-stream: every progress arrives once, in order, and so does the result).
A resume is refused (HTTP 500) when the events it needs were dropped, or when its request was
cancelled. A resumed stream whose result was already sent is closed after the replay.
`;
}

function conformanceSection() {
  return `## Conformance

\`npm run conformance\` (bench/mcp-conformance.mjs) runs the official suite's server scenarios against a
real daemon on loopback, with a Node 22 it installs from npm for the suite alone.

${measured(CONFORMANCE_MD, 'The suite')}
`;
}

/** A manager the docs never call: listing tools and templates touches no coder. */
const unusedManager = new Proxy(
  {},
  {
    get: (_t, name) => () => {
      throw new Error(`the docs generator does not call manager.${String(name)}`);
    },
  },
);

const json = (v) => '```json\n' + JSON.stringify(v, null, 2) + '\n```';

function annotationLine(a = {}) {
  return ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']
    .filter((k) => a[k] !== undefined)
    .map((k) => `\`${k}: ${a[k]}\``)
    .join(' · ');
}

function registration() {
  return `## Registering the server

\`aicoder mcp add claude|codex|gemini\` writes the registration into that client's own config file and
prints what it wrote and what a headless run still needs; nothing else in the file changes (comments included). \`--transport stdio\` (the
default) registers the stdio bridge, which starts the daemon when needed; \`--transport http\` points at
the daemon's URL (\`AICODER_PORT\`, default 7777), which must be running (\`aicoder daemon start\`).
The entries carry the setting each client needs to wait for the server on its first turn. Only the
daemon's owner may use \`/mcp\`: every HTTP request carries \`Authorization: Bearer <token>\`, the
token being the content of \`$AICODER_HOME/owner-token\` (0600); without it the answer is 401
([security.md](security.md)). The stdio bridge sends it itself; \`mcp add --transport http\` writes
the header into the client's file (making the token first when no daemon has run yet) and prints it
as \`Bearer <the token in $AICODER_HOME/owner-token>\`: the token never appears in its output.

### Claude Code

In \`~/.claude.json\` (or \`$CLAUDE_CONFIG_DIR/.claude.json\`), \`mcpServers\`. \`alwaysLoad\` makes
\`claude -p\` wait for the server before its first model request (without it, a server still connecting
is left out of that run):

\`\`\`json
{ "aicoder": { "type": "http", "url": "${URL_MCP}", "headers": { "Authorization": "Bearer <token>" }, "alwaysLoad": true } }
\`\`\`

Or with Claude's own command: \`claude mcp add --transport http aicoder ${URL_MCP} --header "Authorization: Bearer $(cat ~/.aicoder/owner-token)"\` (then add
\`"alwaysLoad": true\`, or run with \`MCP_CONNECTION_NONBLOCKING=false\`). For one run only:
\`claude -p … --mcp-config <file>\` with that entry under \`mcpServers\` (a file, not inline JSON: argv is visible to every user).
In headless runs allow the tools with \`--allowedTools mcp__aicoder\` (permission modes do not cover
MCP tools). The tools appear as \`mcp__aicoder__ai_coder_create\`, …. Claude Code hands the model
a result's \`structuredContent\` as JSON rather than its text content.

### Codex

In \`~/.codex/config.toml\` (or \`$CODEX_HOME/config.toml\`). \`required = true\` makes Codex wait for
the server instead of silently dropping a slow one; \`default_tools_approval_mode = "approve"\` lets
\`codex exec\` call the tools (Codex offers them to the model as the namespace \`mcp__aicoder\`,
loaded on demand through its tool search):

\`\`\`toml
[mcp_servers.aicoder]
url = "${URL_MCP}"
http_headers = { Authorization = "Bearer <token>" }
required = true
default_tools_approval_mode = "approve"
\`\`\`

### Gemini CLI

In \`~/.gemini/settings.json\` (or \`$GEMINI_CLI_HOME/.gemini/settings.json\`; \`trust\` lets headless
runs call the tools). \`gemini -p\` in a folder the user has not trusted exits 55 before it loads any
server: run it with \`--skip-trust\` (or \`GEMINI_CLI_TRUST_WORKSPACE=true\`). The tools appear as
\`mcp_aicoder_ai_coder_create\`, ….

\`\`\`json
{ "mcpServers": { "aicoder": { "httpUrl": "${URL_MCP}", "headers": { "Authorization": "Bearer <token>" }, "trust": true } } }
\`\`\`

### Over stdio

\`aicoder mcp\` is a stdio MCP server. It answers \`initialize\`, \`ping\` and \`tools/list\` itself at
once (from the tool list it ships with), finds or starts the daemon in the background, and holds
every other message until the daemon is there; then it forwards requests, responses, progress and
resource notifications both ways, so both transports show the same tools and records. A result whose
request got progress is written only after the client has answered a \`ping\` the bridge sends after
the progress: SDK-based clients handle a notification one step after a response that arrives in the
same read, and would drop the progress (or, Claude Code, the connection) as "unknown token". Progress
for a request that was already answered is not forwarded. After a daemon
restart it opens a new session and subscribes again to the resources the client subscribed to. The
same entries as above with \`command\`/\`args\` (\`mcp add\` writes the absolute paths of node and
aicoder):

\`\`\`json
{ "mcpServers": { "aicoder": { "command": "aicoder", "args": ["mcp"] } } }
\`\`\`
`;
}

/** The text content the model reads for an example result (list and logs render text; the rest JSON). */
function modelText(mcp, tool, result) {
  if (tool === 'ai_coder_list' && result.coders.every((c) => typeof c.stats === 'string')) {
    return mcp.compactListText(result);
  }
  if (tool === 'ai_coder_logs' && typeof result.lines === 'string') return mcp.logsText(result);
  return undefined;
}

function toolSection(mcp, tool, examples) {
  const out = [`### ${tool.name}`, '', `**${tool.title}.** ${tool.description}`, ''];
  out.push(`Annotations: ${annotationLine(tool.annotations)}`, '');
  out.push('Input schema:', '', json(tool.inputSchema), '');
  out.push(
    'Result (`structuredContent`, not sent in `tools/list`; the text content is the same JSON unless shown otherwise):',
    '',
    json(mcp.resultJsonSchema(mcp.OUTPUT_SCHEMAS[tool.name])),
    '',
  );
  for (const ex of examples) {
    out.push('Example call:', '', json({ name: tool.name, arguments: ex.arguments }), '');
    out.push('Result:', '', json(ex.result), '');
    if (ex.note) out.push(ex.note, '');
    const text = modelText(mcp, tool.name, ex.result);
    if (text !== undefined) out.push('```text\n' + text + '\n```', '');
  }
  return out.join('\n');
}

function errorsSection(mcp) {
  const hints = { providers: () => ['<the registered providers>'] };
  const rows = mcp.ERROR_CODES.map(
    (code) => `| \`${code}\` | ${mcp.nextStep({ code, message: '' }, hints).replace(/\|/g, '\\|')} |`,
  );
  return `## Errors

Operational failures (unknown coder, illegal transition, a path outside the worktree, …) are tool
results with \`isError: true\`. The text is the problem and the next step, e.g.
\`no coder 'zz'; ai_coder_list shows the ids\`; \`_meta["aicoder/error"]\` holds \`{code, message, field?, hint}\`.
Arguments that break a rule are refused by the same kind of result (code \`invalid_input\`) naming
the field, the rule and an example, e.g. \`Invalid arguments for ai_coder_status: wait_for must be
"terminal" or a list of states such as ["needs_input","completed"]; fix wait_for and call again\`.
An illegal transition lists the actions allowed in the coder's state.

JSON-RPC errors are kept for protocol faults: a request whose params break the MCP schema (e.g.
\`tools/call\` without \`name\`, \`resources/read {}\`) gets -32602 with one sentence
(\`Invalid params for resources/read: params.uri is required\`); an unknown tool name gets -32602
(\`Unknown tool: …\`); every unknown resource gets -32002; a JSON-RPC batch on a protocol revision
without batches (2025-06-18 and later) gets -32600 with HTTP 400.

| code | next step |
| --- | --- |
${rows.join('\n')}
`;
}

function resourcesSection(templates) {
  return `## Resources

- \`aicoder://coders\` (JSON): the coders, newest first (compact records, at most 100), with \`total\` and
  \`next_cursor\`.
${templates.map((t) => `- \`${t.uriTemplate}\` (JSON): ${t.description}`).join('\n')}
- \`aicoder://stats\` (JSON): the fleet summary, the same as \`GET /api/stats\`: \`total\`, \`by_state\` (every
  state), \`running\`, \`queued\`, \`by_provider\` (\`{coders, tokens_in, tokens_out, cost_usd}\`), the same
  totals over all providers, and \`uptime_s\` of the daemon.
- \`aicoder://roles\` (JSON): the roles \`ai_coder_create\`'s \`role\` and \`agents[].role\` can name, the same
  as \`GET /api/roles\` and \`aicoder roles --json\`: \`roles\` (each with \`name\`, \`description\`, \`origin\`
  \`shipped\` or \`user\`, \`source\`, \`tools\`, \`model\`, \`report\`, \`system_prompt_chars\`), \`errors\` (role files
  skipped) and \`dirs\` (see [roles.md](roles.md)). Read from the role files at each read.

All support \`resources/subscribe\`: a subscribed client hears \`notifications/resources/updated\` when a
coder is created, changes state or is removed (the list, the stats) and when its record changes (one
coder, the stats); the role files are not watched, so \`aicoder://roles\` never says it changed: read it
again. \`resources/list\` names the list, the stats, the roles and every coder as
\`aicoder://coders/<id>\`, 100 coders a page (\`nextCursor\` for the next). Every session that listed
resources hears \`notifications/resources/list_changed\` when a coder is created or removed. An unknown
resource is always error -32002.
`;
}

/** tools/list as the server answers it, for src/mcp/tools-snapshot.ts. */
async function listTools() {
  const mcp = await import(DIST.href);
  const server = mcp.createMcpServer(unusedManager, { log: () => {}, version: 'docs' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 'gen-mcp-docs', version: '1.0.0' });
  await client.connect(a);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
    await server.close();
  }
}

/**
 * The text of src/mcp/tools-snapshot.ts: the tools/list answer the stdio bridge gives before the
 * daemon is there (test/mcp/docs.test.ts fails when it differs from the server's).
 */
export async function renderToolsSnapshot() {
  const tools = await listTools();
  const text = [
    '/**',
    " * The daemon's tools/list answer, shipped with the stdio bridge so that it can answer at once.",
    ' * Generated by scripts/gen-mcp-docs.mjs (npm run docs) from the server itself; do not edit.',
    ' */',
    "import type { Tool } from '@modelcontextprotocol/sdk/types.js';",
    '',
    `export const TOOLS_SNAPSHOT: Tool[] = ${JSON.stringify(tools, null, 2)};`,
    '',
  ].join('\n');
  const config = (await prettier.resolveConfig(SNAPSHOT_PATH)) ?? {};
  return prettier.format(text, { ...config, filepath: SNAPSHOT_PATH });
}

/** The full text of docs/mcp.md, formatted as `npm run format` would leave it. */
export async function renderMcpDocs() {
  const text = await renderRaw();
  const config = (await prettier.resolveConfig(DOC_PATH)) ?? {};
  return prettier.format(text, { ...config, filepath: DOC_PATH });
}

async function renderRaw() {
  const mcp = await import(DIST.href);
  const server = mcp.createMcpServer(unusedManager, { log: () => {}, version: 'docs' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 'gen-mcp-docs', version: '1.0.0' });
  await client.connect(a);
  try {
    const { tools } = await client.listTools();
    const { resourceTemplates } = await client.listResourceTemplates();
    const byTool = (name) => mcp.TOOL_EXAMPLES.filter((e) => e.tool === name);
    const summary = tools.map(
      (t) => `| [\`${t.name}\`](#${t.name}) | ${t.title} | ${t.annotations?.readOnlyHint ? 'yes' : 'no'} |`,
    );
    return [
      '# MCP surface',
      '',
      '<!-- Generated by scripts/gen-mcp-docs.mjs (npm run docs) from the server itself; do not edit. -->',
      '',
      `aicoder serves the Model Context Protocol over Streamable HTTP at \`${URL_MCP}\` (sessions: POST for`,
      'requests, GET for the server stream, DELETE to end the session; protocol revision 2025-11-25) and',
      'over stdio through `aicoder mcp`. Requests with a foreign `Host` or `Origin` header, or from another user, get',
      '403; requests without the owner token get 401.',
      '',
      'The server tells clients:',
      '',
      `> ${mcp.SERVER_INSTRUCTIONS}`,
      '',
      registration(),
      clientsSection(),
      tokensSection(),
      resumptionSection(),
      '## Tools',
      '',
      'Every tool returns `structuredContent` and a text content, which is what Codex and Gemini CLI give',
      'the model (Claude Code gives it the `structuredContent` as JSON): the same JSON, except for',
      '`ai_coder_list` (compact records as a table) and `ai_coder_logs` (log lines, then the cursor once). `tools/list` carries no output schemas (it stays under 2,500 tokens); each',
      'result\'s shape is given below. List and status return compact records unless `detail` is `"full"`.',
      'Coder ids accept unique prefixes. `ai_coder_status` (with `wait_for`) and `ai_coder_logs` (with',
      '`follow`) wait at most 50 s per call and send `notifications/progress` while they wait when the',
      "request carries a `progressToken`. Annotations leave out the hints that equal the spec's defaults",
      '(`readOnlyHint: false`, `idempotentHint: false`, `openWorldHint: true`) and, on read-only tools,',
      'the hints the spec ignores there (`destructiveHint`, `idempotentHint`); `destructiveHint` of a tool',
      'that writes is always given. A list of states in `status_filter` is checked like the single form.',
      '',
      '| tool | title | read-only |',
      '| --- | --- | --- |',
      ...summary,
      '',
      ...tools.map((t) => toolSection(mcp, t, byTool(t.name))),
      resourcesSection(resourceTemplates),
      conformanceSection(),
      errorsSection(mcp),
    ].join('\n');
  } finally {
    await client.close();
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await renderMcpDocs();
  writeFileSync(DOC_PATH, text);
  console.log(`wrote ${DOC_PATH}`);
  writeFileSync(SNAPSHOT_PATH, await renderToolsSnapshot());
  console.log(`wrote ${SNAPSHOT_PATH} (rebuild to ship it: npm run build)`);
}
