/**
 * Crash during merge and create with a big repository: a merge of a commit touching every file is cut
 * by kill -9 (daemon and its git) or by a graceful stop while git moves the user's checkout; a create
 * is cut by kill -9 during `git worktree add`. The checkout must end all-before or all-after (the next
 * start finishes an interrupted merge and says so), and no branch or folder may be left unlisted.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coder } from '../../src/core/coder.js';
import { cleanupHome, makeHome, startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { git, waitFor } from '../helpers/env.js';
import { bigRepo } from './big-repo.js';
import { RELIABILITY_PROVIDERS, api, say } from './suite.js';

export interface MergeCrashFigures {
  files: number;
  mode: 'kill9' | 'graceful';
  /** Tracked files that differed from HEAD right after the daemon died (the half-done state). */
  modified_right_after: number;
  /** After the (re)start: tracked files differing from HEAD, and where main is. */
  modified_after_start: number;
  main_at: 'before' | 'after' | 'other';
  journal_left: number;
  log_says: string | null;
  coder_note: string | null;
  setup_ms: number;
  /** What showed the merge in flight when it was cut. */
  cut_at: 'index.lock' | 'journal';
}

function modified(repo: string): number {
  return git(repo, 'status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
}

function childGits(pid: number): number[] {
  // The git processes the daemon started and theirs (`git worktree add` runs its checkout as a child
  // git): a crash of the machine's daemon process alone would leave those writing, which the next
  // start handles (create-intent.ts) only for processes outside its own process group, and a test's
  // daemons share the test's group.
  const parent = new Map<number, number>();
  const isGit = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(rest[1]));
      if (stat.includes('(git')) isGit.add(Number(name));
    } catch {
      /* gone */
    }
  }
  const descends = (p: number): boolean => {
    for (let q = parent.get(p); q !== undefined && q > 1; q = parent.get(q)) if (q === pid) return true;
    return false;
  };
  return [...isGit].filter(descends);
}

/** A merge journal in `home` names the git process moving a checkout (git_pid is set once it runs). */
function journalNamesGit(home: string): boolean {
  const dir = join(home, 'journal');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^merge-[0-9a-f]+\.json$/.test(n));
  } catch {
    return false;
  }
  return names.some((n) => {
    try {
      return (JSON.parse(readFileSync(join(dir, n), 'utf8')) as { git_pid?: number | null }).git_pid != null;
    } catch {
      return false; // renamed or removed meanwhile
    }
  });
}

export async function mergeCrashScenario(opts: {
  files: number;
  mode: 'kill9' | 'graceful';
}): Promise<MergeCrashFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS });
  let d: RunningDaemon | undefined;
  try {
    const t0 = Date.now();
    const { repo, v2 } = bigRepo(opts.files);
    d = await startDaemon(h);
    const c = await api<Coder>(h, 'POST', '/api/coders', {
      task: 'big',
      repo,
      provider: 'sleeper',
      autostart: false,
    });
    // The coder's branch gets the commit that changes every file.
    git(c.workspace, 'reset', '-q', '--hard', v2);
    const before = git(repo, 'rev-parse', 'main');
    const setupMs = Date.now() - t0;

    // The merge's answer is kept: when it comes before the merge could be cut, the scenario says
    // what it was instead of waiting out its deadline.
    let answered: string | null = null;
    const merging = fetch(`${h.baseUrl}/api/coders/${c.id}/merge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...h.auth },
      body: '{}',
    }).then(
      async (r) => {
        answered = `HTTP ${r.status} ${(await r.text()).slice(0, 300)}`;
      },
      (e: unknown) => {
        answered = `no answer (${String(e)})`;
      },
    );
    // The cut comes while git moves the checkout: its index.lock exists (the demanding case: files
    // half moved). The journal naming a running git (written before git touches a file, removed
    // after) is the fallback when a loaded machine never lets the 2 ms poll see the lock within 1 s
    // of git's start; that cut still leaves a merge in flight for the next start to finish.
    let seen: 'index.lock' | 'journal' | null = null;
    let journalSince: number | null = null;
    await waitFor(
      () => {
        if (existsSync(join(repo, '.git', 'index.lock'))) seen = 'index.lock';
        else if (journalNamesGit(h.home)) {
          journalSince ??= Date.now();
          if (Date.now() - journalSince >= 1000) seen = 'journal';
        } else journalSince = null;
        return seen !== null || answered !== null;
      },
      { what: 'git merge moving the checkout', timeoutMs: 300_000, intervalMs: 2 },
    );
    if (seen === null) throw new Error(`the merge ended before it could be cut: ${answered}`);
    if (opts.mode === 'kill9') {
      const gits = childGits(d.pid);
      d.proc.kill('SIGKILL');
      for (const g of gits) {
        try {
          process.kill(g, 'SIGKILL');
        } catch {
          /* ended meanwhile */
        }
      }
    } else {
      d.proc.kill('SIGTERM');
    }
    await new Promise((r) => d!.proc.once('exit', r));
    await merging;
    const right = modified(repo);
    if (opts.mode === 'kill9') d = await startDaemon(h);
    else d = undefined;
    const main = git(repo, 'rev-parse', 'main');
    const log = readFileSync(join(h.home, 'daemon.log'), 'utf8')
      .split('\n')
      .find((l) => l.includes('interrupted merge'));
    const coder = d ? await api<Coder>(h, 'GET', `/api/coders/${c.id}`) : null;
    const journal = existsSync(join(h.home, 'journal'))
      ? readdirSync(join(h.home, 'journal')).filter((n) => n.startsWith('merge-')).length
      : 0;
    const f: MergeCrashFigures = {
      files: opts.files,
      mode: opts.mode,
      modified_right_after: right,
      modified_after_start: modified(repo),
      main_at: main === before ? 'before' : main === v2 ? 'after' : 'other',
      journal_left: journal,
      log_says: log === undefined ? null : ((JSON.parse(log) as { outcome?: string }).outcome ?? null),
      coder_note: coder?.error ?? null,
      setup_ms: setupMs,
      cut_at: seen,
    };
    say('merge-crash', { ...f });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}

export interface CreateCrashFigures {
  files: number;
  /** Branches aicoder/* and worktree folders left after the restart without a coder. */
  orphan_branches: string[];
  orphan_folders: string[];
  coders: number;
  log_says: boolean;
}

export async function createCrashScenario(opts: { files: number }): Promise<CreateCrashFigures> {
  const h = await makeHome({ providers: RELIABILITY_PROVIDERS });
  let d: RunningDaemon | undefined;
  try {
    const { repo } = bigRepo(opts.files);
    d = await startDaemon(h);
    const creating = fetch(`${h.baseUrl}/api/coders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...h.auth },
      body: JSON.stringify({ task: 'big', repo, provider: 'sleeper', autostart: false }),
    }).catch(() => null);
    const wtRoot = join(h.home, 'worktrees');
    // git worktree add is writing files: the new folder exists and is filling up.
    await waitFor(
      () => {
        if (!existsSync(wtRoot)) return false;
        return readdirSync(wtRoot, { recursive: true }).length > 50;
      },
      { what: 'git worktree add writing', timeoutMs: 300_000, intervalMs: 2 },
    );
    const gits = childGits(d.pid);
    d.proc.kill('SIGKILL');
    for (const g of gits) {
      try {
        process.kill(g, 'SIGKILL');
      } catch {
        /* ended meanwhile */
      }
    }
    await new Promise((r) => d!.proc.once('exit', r));
    await creating;
    d = await startDaemon(h);
    const coders = (await api<{ coders: Coder[] }>(h, 'GET', '/api/coders?state=all')).coders;
    const known = new Set(coders.map((c) => c.branch));
    const branches = git(repo, 'branch', '--list', 'aicoder/*', '--format=%(refname:short)')
      .split('\n')
      .filter((b) => b !== '' && !known.has(b));
    const folders: string[] = [];
    if (existsSync(wtRoot)) {
      for (const repoDir of readdirSync(wtRoot)) {
        for (const id of readdirSync(join(wtRoot, repoDir))) {
          if (!coders.some((c) => c.id === id)) folders.push(`${repoDir}/${id}`);
        }
      }
    }
    const log = readFileSync(join(h.home, 'daemon.log'), 'utf8');
    const f: CreateCrashFigures = {
      files: opts.files,
      orphan_branches: branches,
      orphan_folders: folders,
      coders: coders.length,
      log_says: log.includes('unfinished create cleaned up'),
    };
    say('create-crash', { ...f });
    return f;
  } finally {
    await cleanupHome(h, d);
  }
}
