/**
 * Security: DNS rebinding (foreign Host/Origin on every surface), traversal and symlink escapes on every
 * path input (MCP workspace read, REST file read, create's workspace_files and repo), and shell
 * metacharacters in every text field of create, which must reach git and the agent as literal text.
 * The owner checks and secret redaction are in security-owner.ts and security-secrets.ts.
 */
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Coder } from '../../src/core/coder.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { TRAVERSALS } from './fuzz.js';
import { RELIABILITY_PROVIDERS, allStdout, api, mcpClient, rawRequest, say } from './suite.js';

export interface SecurityFigures {
  rebinding_requests: number;
  rebinding_accepted: string[];
  traversal_requests: number;
  traversal_escapes: string[];
  shell_payloads: number;
  shell_fields: number;
  /** Creates that were accepted (the others were refused with a 4xx naming the field). */
  shell_created: number;
  shell_executed: string[];
  server_errors: string[];
  literal_mismatches: string[];
}

const CREATE_FIELDS = [
  'task',
  'name',
  'model',
  'base_ref',
  'branch',
  'provider',
  'repo',
  'workspace_files',
] as const;

function payloads(marker: string, all: boolean): string[] {
  const p = [
    `$(touch ${marker})`,
    `x; touch ${marker}`,
    `\`touch ${marker}\``,
    `x | touch ${marker}`,
    `x && touch ${marker}`,
    `x\ntouch ${marker}`,
    `'$(touch ${marker})'`,
    `"; touch ${marker}; echo "`,
    `--upload-pack=touch ${marker}`,
    `-c core.hooksPath=/tmp; touch ${marker}`,
    `{task} $(touch ${marker})`,
  ];
  return all ? p : p.slice(0, 3);
}

export async function securityScenario(opts: { full: boolean }): Promise<SecurityFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS, config: { max_concurrent: 256 } });
  let d: RunningDaemon | undefined;
  const f: SecurityFigures = {
    rebinding_requests: 0,
    rebinding_accepted: [],
    traversal_requests: 0,
    traversal_escapes: [],
    shell_payloads: 0,
    shell_fields: CREATE_FIELDS.length,
    shell_created: 0,
    shell_executed: [],
    server_errors: [],
    literal_mismatches: [],
  };
  try {
    d = await startDaemon(h);
    const repo = makeRepo();
    const port = h.port;

    // ---------------------------------------------------------------- rebinding
    const hosts = [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `localhost.:${port}`,
      `127.0.0.1:${port + 1}`,
      `0.0.0.0:${port}`,
      '',
    ];
    const origins = [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      `http://localhost.evil.example:${port}`,
    ];
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
    });
    const targets = [
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/api/coders' },
      {
        method: 'POST',
        path: '/api/coders',
        body: JSON.stringify({ task: 'rebound', repo, provider: 'sleeper' }),
      },
      { method: 'GET', path: '/api/events' },
      { method: 'POST', path: '/api/shutdown' },
      { method: 'POST', path: '/mcp', body: init },
    ];
    const base = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...h.auth,
    };
    for (const t of targets) {
      const tries = [
        ...hosts.map((host) => ({ ...base, host })),
        ...origins.map((origin) => ({ ...base, host: `127.0.0.1:${port}`, origin })),
      ];
      for (const headers of tries) {
        f.rebinding_requests++;
        const res = await rawRequest(port, { ...t, headers, timeoutMs: 5000 });
        if (res.status !== 403 && res.status !== 400)
          f.rebinding_accepted.push(`${t.method} ${t.path} ${JSON.stringify(headers)} → ${res.status}`);
      }
    }

    // ---------------------------------------------------------------- traversal and symlinks
    const outside = tempDir('aicoder-outside-');
    writeFileSync(join(outside, 'secret.txt'), 'SECRET\n');
    mkdirSync(join(repo, 'links'));
    symlinkSync(join(outside, 'secret.txt'), join(repo, 'links', 'secret-link'));
    symlinkSync(outside, join(repo, 'links', 'dir-link'));
    const victim = await api<Coder>(h, 'POST', '/api/coders', { task: 'hello', repo, provider: 'echo' });
    await waitFor(async () => (await allStdout(h, victim.id)).includes('ready'), {
      what: 'echo coder ready',
    });
    // A hard link in the worktree to a file outside it (same filesystem): another name for the secret.
    linkSync(join(outside, 'secret.txt'), join(victim.workspace, 'hard-link.txt'));
    const paths = [
      'hard-link.txt',
      ...TRAVERSALS,
      'links/secret-link',
      'links/dir-link/secret.txt',
      join(outside, 'secret.txt'),
    ];
    const client = await mcpClient(h);
    try {
      for (const path of paths) {
        f.traversal_requests += 2;
        const r = (await client.callTool({
          name: 'ai_coder_workspace',
          arguments: { coder_id: victim.id, operation: 'read', path },
        })) as { isError?: boolean; content: { text?: string }[] };
        if (!r.isError)
          f.traversal_escapes.push(`mcp read ${JSON.stringify(path)}: ${r.content[0]?.text?.slice(0, 80)}`);
        const res = await rawRequest(port, {
          path: `/api/coders/${victim.id}/file?path=${encodeURIComponent(path)}`,
          headers: { host: `127.0.0.1:${port}`, ...h.auth },
        });
        if (res.status < 400)
          f.traversal_escapes.push(`REST file ${JSON.stringify(path)}: ${res.body.slice(0, 80)}`);
        if (res.status >= 500) f.server_errors.push(`REST file ${JSON.stringify(path)} → ${res.status}`);
      }
      const list = (await client.callTool({
        name: 'ai_coder_workspace',
        arguments: { coder_id: victim.id, operation: 'list' },
      })) as { structuredContent?: { files: { path: string }[] } };
      for (const file of list.structuredContent?.files ?? []) {
        if (file.path.includes('..') || file.path.startsWith('/'))
          f.traversal_escapes.push(`list shows ${file.path}`);
      }
      // workspace_files and repo that leave the repository.
      for (const wf of [
        '../../etc/passwd',
        '/etc/passwd',
        'links/secret-link',
        'links/dir-link/secret.txt',
        '..',
        '.git/config',
      ]) {
        f.traversal_requests++;
        const r = (await client.callTool({
          name: 'ai_coder_create',
          arguments: { task: 'wf', repo, provider: 'sleeper', workspace_files: [wf], autostart: false },
        })) as { isError?: boolean; structuredContent?: Coder };
        if (!r.isError && r.structuredContent) {
          // create returns the compact record; the full one names the worktree.
          const full = (await client.callTool({
            name: 'ai_coder_status',
            arguments: { coder_id: r.structuredContent.id, detail: 'full' },
          })) as { structuredContent?: Coder };
          const ws = full.structuredContent!.workspace;
          // A copy is a regular file holding the secret's bytes, wherever it landed (also under
          // links/, where a symlinked folder would have put it).
          const leaked = readdirSync(ws, { recursive: true })
            .map(String)
            .filter((p) => !p.split('/').includes('.git'))
            .filter((p) => {
              const st = lstatSync(join(ws, p));
              return st.isFile() && /SECRET|root:/.test(readFileSync(join(ws, p), 'utf8'));
            });
          if (leaked.length > 0) f.traversal_escapes.push(`workspace_files ${wf} copied ${leaked.join(',')}`);
        }
      }
    } finally {
      await client.close();
    }

    // ---------------------------------------------------------------- shell metacharacters
    const markers = tempDir('aicoder-markers-');
    const created: { id: string; field: string; value: string }[] = [];
    for (const field of CREATE_FIELDS) {
      for (const [i, p] of payloads(join(markers, `${field}-x`), opts.full).entries()) {
        const value = p.replace(`${field}-x`, `${field}-${i}`);
        f.shell_payloads++;
        const body: Record<string, unknown> = { task: 'meta', repo, provider: 'echo' };
        body[field] = field === 'workspace_files' ? [value] : value;
        const res = await fetch(`${h.baseUrl}/api/coders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...h.auth },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status >= 500)
          f.server_errors.push(
            `create ${field}=${JSON.stringify(value)} → ${res.status} ${text.slice(0, 120)}`,
          );
        if (res.ok) created.push({ id: (JSON.parse(text) as Coder).id, field, value });
      }
    }
    // Every agent that started has run past its task (it printed "ready"), then check the markers.
    for (const c of created) {
      await waitFor(async () => (await allStdout(h, c.id)).includes('ready'), {
        what: `coder ${c.id} ready`,
        timeoutMs: 30_000,
      });
      const coder = await api<Coder>(h, 'GET', `/api/coders/${c.id}`);
      if (c.field === 'task' || c.field === 'name') {
        const stored = c.field === 'task' ? coder.task : coder.name;
        if (stored !== c.value) f.literal_mismatches.push(`${c.field}: stored ${JSON.stringify(stored)}`);
      }
      if (c.field === 'task') {
        const printed = (await allStdout(h, c.id)).join('\n');
        if (!printed.includes(c.value))
          f.literal_mismatches.push(`task printed as ${JSON.stringify(printed.slice(0, 100))}`);
      }
    }
    f.shell_created = created.length;
    for (const m of readdirSync(markers)) f.shell_executed.push(m);
    if (existsSync('/tmp/aicoder-fuzz')) f.shell_executed.push('/tmp/aicoder-fuzz');
    say('security', { ...f });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}
