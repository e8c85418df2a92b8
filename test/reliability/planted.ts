/**
 * Security, what an agent plants: (1) a fake `.git` in its worktree whose config runs a command
 * (core.fsmonitor) — the daemon's own git calls (watcher refresh, changes, diff, list, commit) must
 * not run it, and `rm --force` still removes the worktree; (2) a session id printed by the agent
 * that is an option (`--dangerously-bypass-approvals-and-sandbox`) must never reach an argv.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coder } from '../../src/core/coder.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { git, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { RELIABILITY_PROVIDERS, api, say } from './suite.js';
import { scaled } from '../helpers/load.js';

const EVIL_ID = '--dangerously-bypass-approvals-and-sandbox';

export interface PlantedFigures {
  /** Marker files the planted commands would have made. */
  executed: string[];
  /** Daemon operations run against the tampered worktree (each must fail or run without git). */
  operations: number;
  /** HTTP statuses of those operations (none may be 5xx). */
  server_errors: string[];
  removed_with_force: boolean;
  branch_left: boolean;
  /** The codex-style session id: stored, and whether any argv ever carried it. */
  stored_session_id: string | null;
  evil_in_argv: boolean;
  message_status: number;
  session_log_says: boolean;
}

async function status(
  h: { baseUrl: string; auth: Record<string, string> },
  method: string,
  path: string,
  body?: unknown,
): Promise<number> {
  const res = await fetch(`${h.baseUrl}${path}`, {
    method,
    headers: method === 'GET' ? h.auth : { ...h.auth, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    signal: AbortSignal.timeout(scaled(120_000)),
  });
  await res.text();
  return res.status;
}

export async function plantedScenario(): Promise<PlantedFigures> {
  const argvLog = join(tempDir('aicoder-argv-'), 'argv.txt');
  const codexish = {
    name: 'codexish',
    description: 'prints a codex thread.started whose thread_id is an option; resume writes its argv',
    command: [
      'bash',
      '-c',
      `printf '%s\\n' "$*" >> "$2"; printf '{"type":"thread.started","thread_id":"%s"}\\n' "$1"; echo '{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}'`,
      '_',
      EVIL_ID,
      argvLog,
    ],
    resume_command: [
      'bash',
      '-c',
      `printf '%s\\n' "$*" >> "$1"`,
      '_',
      argvLog,
      'resume',
      '{session_id}',
      '--',
      '{message}',
    ],
    parser: 'codex',
  };
  const h = await makeHome({
    providers: [...RELIABILITY_PROVIDERS, codexish],
    config: { max_concurrent: 8 },
  });
  let d: RunningDaemon | undefined;
  const markers = tempDir('aicoder-pwned-');
  const f: PlantedFigures = {
    executed: [],
    operations: 0,
    server_errors: [],
    removed_with_force: false,
    branch_left: true,
    stored_session_id: null,
    evil_in_argv: false,
    message_status: 0,
    session_log_says: false,
  };
  try {
    d = await startDaemon(h);
    const repo = makeRepo({ 'a.txt': 'a\n' });

    // ------------------------------------------------------------ a planted .git
    const c = await api<Coder>(h, 'POST', '/api/coders', { task: 'plant', repo, provider: 'echo' });
    await waitFor(async () => (await api<Coder>(h, 'GET', `/api/coders/${c.id}`)).state === 'running', {
      what: 'echo coder running',
      timeoutMs: 120_000,
    });
    const ws = c.workspace;
    const fake = join(ws, 'fake');
    git(ws, 'init', '-q', '--bare', fake);
    writeFileSync(
      join(fake, 'config'),
      `[core]\n\trepositoryformatversion = 0\n\tfsmonitor = "touch ${join(markers, 'fsmonitor')}; echo"\n` +
        `[diff]\n\texternal = "touch ${join(markers, 'ext-diff')}"\n`,
    );
    rmSync(join(ws, '.git'));
    writeFileSync(join(ws, '.git'), 'gitdir: ./fake\n');
    // The watcher sees a change and refreshes files_changed with git; every other git-backed operation too.
    writeFileSync(join(ws, 'touched.txt'), 'x\n');
    const ops: [string, string, unknown?][] = [
      ['GET', `/api/coders/${c.id}/changes`],
      ['GET', `/api/coders/${c.id}/diff`],
      ['GET', `/api/coders/${c.id}/files`],
      ['POST', `/api/coders/${c.id}/commit`, { message: 'x' }],
      ['GET', `/api/conflicts`],
    ];
    for (const [method, path, body] of ops) {
      f.operations++;
      const s = await status(h, method, path, body);
      if (s >= 500) f.server_errors.push(`${method} ${path} → ${s}`);
    }
    writeFileSync(join(ws, 'go'), '');
    await api(h, 'GET', `/api/coders/${c.id}/wait?for=terminal&timeout_ms=50000`);
    f.operations++;
    const rm = await status(h, 'POST', `/api/coders/${c.id}/control`, { action: 'remove', force: true });
    if (rm >= 500) f.server_errors.push(`remove --force → ${rm}`);
    f.removed_with_force = rm < 300 && !existsSync(ws);
    f.branch_left = git(repo, 'branch', '--list', c.branch) !== '';

    // ------------------------------------------------------------ an option as the session id
    const x = await api<Coder>(h, 'POST', '/api/coders', { task: 'go', repo, provider: 'codexish' });
    const ended = await api<{ coder: Coder }>(
      h,
      'GET',
      `/api/coders/${x.id}/wait?for=terminal&timeout_ms=50000`,
    );
    f.stored_session_id = ended.coder.session_id;
    f.message_status = await status(h, 'POST', `/api/coders/${x.id}/control`, {
      action: 'message',
      message: 'continue',
    });
    // Whatever the answer, give a resumed run time to write its argv before looking.
    await waitFor(async () => (await api<Coder>(h, 'GET', `/api/coders/${x.id}`)).state !== 'running', {
      what: 'no run',
    });
    const logs = await api<{ entries: { text: string }[] }>(h, 'GET', `/api/coders/${x.id}/logs?since_seq=0`);
    f.session_log_says = logs.entries.some((e) => e.text.startsWith('ignored session id'));
    const lines = existsSync(argvLog) ? readFileSync(argvLog, 'utf8').split('\n') : [];
    // The first line is the first run's own argv (the id is its parameter); no later line may hold it.
    f.evil_in_argv = lines.slice(1).some((l) => l.includes(EVIL_ID));

    for (const m of ['fsmonitor', 'ext-diff']) if (existsSync(join(markers, m))) f.executed.push(m);
    say('planted', { ...f });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}
