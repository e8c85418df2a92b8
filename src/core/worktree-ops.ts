/**
 * The manager's worktree lifecycle operations: commit, merge, conflict forecast, gc, disk usage,
 * teardown on remove, and the start-up reconciliation of worktrees with coder records.
 */
import { readFileSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ControlResult } from './api.js';
import type { Coder } from './coder.js';
import { isTerminal } from './coder.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { coderDir, homeLayout } from './paths.js';
import { failureMessage, portEnv, runCommands } from './prep-phase.js';
import type { Records } from './records.js';
import { MAX_MESSAGE_CHARS } from './validate.js';
import { errMessage } from './supervisor.js';
import type {
  CommitResult,
  ConflictReport,
  DiskUsage,
  GcInput,
  GcItem,
  GcResult,
  MergeResult,
  MergeStrategy,
} from './worktree-types.js';

export interface OpsContext {
  deps: ManagerDeps;
  records: Records;
  get(idOrPrefix: string): Coder;
  isLive(id: string): boolean;
  remove(coder: Coder, force: boolean, keepBranch: boolean): Promise<ControlResult>;
}

function checkMessage(message: string | undefined): void {
  if (message === undefined) return;
  if (typeof message !== 'string' || message.trim() === '' || message.length > MAX_MESSAGE_CHARS) {
    throw new AicoderError('invalid_input', `message must be 1–${MAX_MESSAGE_CHARS} characters`, {
      field: 'message',
    });
  }
}

/** The first line of the task (≤ 72 chars) as the subject, the task and the coder id as the body. */
export function defaultCommitMessage(c: Coder): string {
  const first = c.task.split('\n')[0]!.trim();
  const subject = first.length > 72 ? `${first.slice(0, 69).trimEnd()}...` : first;
  return `${subject}\n\n${c.task}\n\naicoder coder ${c.id} (${c.provider})\n`;
}

export async function commit(
  ctx: OpsContext,
  idOrPrefix: string,
  input: { message?: string },
): Promise<CommitResult & { coder_id: string }> {
  checkMessage(input.message);
  const c = ctx.get(idOrPrefix);
  const res = await ctx.deps.gitOps.commitAll(c.workspace, input.message ?? defaultCommitMessage(c));
  return { coder_id: c.id, ...res };
}

const STRATEGIES: readonly MergeStrategy[] = ['merge', 'squash', 'rebase'];

export async function merge(
  ctx: OpsContext,
  idOrPrefix: string,
  input: { strategy?: MergeStrategy; message?: string },
): Promise<MergeResult & { coder_id: string }> {
  checkMessage(input.message);
  const strategy = input.strategy ?? 'merge';
  if (!STRATEGIES.includes(strategy)) {
    throw new AicoderError('invalid_input', `strategy must be one of ${STRATEGIES.join(', ')}`, {
      field: 'strategy',
    });
  }
  const c = ctx.get(idOrPrefix);
  const message =
    input.message ??
    (strategy === 'squash'
      ? defaultCommitMessage(c)
      : `Merge branch '${c.branch}' into ${c.base_ref}\n\naicoder coder ${c.id}: ${c.name}\n`);
  const res = await ctx.deps.gitOps.merge({
    repo: c.repo,
    workspace: c.workspace,
    branch: c.branch,
    base_ref: c.base_ref,
    strategy,
    message,
    live: ctx.isLive(c.id),
    coder_id: c.id,
  });
  return { coder_id: c.id, ...res };
}

/** Every coder of `repo` with a worktree (any state): removed coders are gone from the store. */
function codersOf(ctx: OpsContext, repo: string): Coder[] {
  return ctx.deps.store.listCoders({ repo, limit: 1000 }).coders.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function conflicts(
  ctx: OpsContext,
  input: { repo?: string; coder?: string },
): Promise<ConflictReport[]> {
  const { deps } = ctx;
  let repos: string[];
  let only: string | undefined;
  if (input.coder !== undefined) {
    const c = ctx.get(input.coder);
    repos = [c.repo];
    only = c.id;
  } else if (input.repo !== undefined) {
    repos = [await deps.git.toplevel(input.repo)];
  } else {
    repos = [...new Set(deps.store.listCoders({ limit: 1000 }).coders.map((c) => c.repo))].sort();
  }
  const reports: ConflictReport[] = [];
  for (const repo of repos) {
    const coders = codersOf(ctx, repo);
    const snaps = new Map<string, string>();
    for (const c of coders) {
      try {
        snaps.set(c.id, await deps.gitOps.snapshot(repo, c.workspace, c.branch));
      } catch (e) {
        deps.log('debug', 'conflicts: no snapshot', { id: c.id, error: errMessage(e) });
      }
    }
    const report: ConflictReport = { repo, coders: [...snaps.keys()], pairs: [], with_base: [] };
    const ids = [...snaps.keys()];
    for (const [i, a] of ids.entries()) {
      const ca = coders.find((c) => c.id === a)!;
      if (only === undefined || only === a) {
        const base = await deps.gitOps.forecast(repo, ca.base_ref, snaps.get(a)!).catch(() => null);
        if (base && !base.clean)
          report.with_base.push({ coder: a, base_ref: ca.base_ref, files: base.files });
      }
      for (const b of ids.slice(i + 1)) {
        if (only !== undefined && only !== a && only !== b) continue;
        const f = await deps.gitOps.forecast(repo, snaps.get(a)!, snaps.get(b)!);
        if (!f.clean) report.pairs.push({ a, b, files: f.files });
      }
    }
    reports.push(report);
  }
  return reports;
}

export async function gc(ctx: OpsContext, input: GcInput): Promise<GcResult> {
  const { deps } = ctx;
  const olderThan = input.older_than_ms ?? 0;
  if (!Number.isFinite(olderThan) || olderThan < 0) {
    throw new AicoderError('invalid_input', 'older_than must be a duration of 0 or more', {
      field: 'older_than',
    });
  }
  const repoFilter = input.repo !== undefined ? await deps.git.toplevel(input.repo) : undefined;
  const now = deps.clock.now().getTime();
  const all = deps.store.listCoders({
    limit: 1000,
    ...(repoFilter !== undefined ? { repo: repoFilter } : {}),
  }).coders;
  const result: GcResult = { dry_run: input.dry_run === true, removed: [], skipped: [], pruned: [] };
  for (const c of all.sort((a, b) => (a.created_at < b.created_at ? -1 : 1))) {
    if (!isTerminal(c.state) || ctx.isLive(c.id)) continue;
    const item: GcItem = {
      id: c.id,
      repo: c.repo,
      branch: c.branch,
      workspace: c.workspace,
      state: c.state,
      merged: false,
    };
    const ended = Date.parse(c.ended_at ?? c.updated_at);
    if (now - ended < olderThan) {
      result.skipped.push({ ...item, reason: 'ended too recently' });
      continue;
    }
    const repoThere = await deps.prep.exists(c.repo);
    item.merged = repoThere && (await deps.gitOps.isMerged(c).catch(() => false));
    if (!item.merged && !input.include_unmerged) {
      const reason = repoThere
        ? 'unmerged commits or uncommitted changes'
        : `repository ${c.repo} is gone (deleted, moved or renamed); include_unmerged removes the worktree folder and the coder`;
      result.skipped.push({ ...item, reason });
      continue;
    }
    if (!result.dry_run) {
      try {
        const removed = await ctx.remove(c, !item.merged, false);
        if (removed.removed && removed.notes?.length) item.notes = removed.notes;
      } catch (e) {
        result.skipped.push({ ...item, reason: `removal failed: ${errMessage(e)}` });
        continue;
      }
    }
    result.removed.push(item);
  }
  const repos = repoFilter !== undefined ? [repoFilter] : [...new Set(all.map((c) => c.repo))];
  if (!result.dry_run) {
    for (const repo of repos.sort()) {
      if (!(await deps.prep.exists(repo))) continue;
      try {
        await deps.gitOps.prune(repo);
        result.pruned.push(repo);
      } catch (e) {
        deps.log('warn', 'gc: prune failed', { repo, error: errMessage(e) });
      }
    }
  }
  return result;
}

export async function disk(ctx: OpsContext, ids: readonly string[]): Promise<DiskUsage[]> {
  const out: DiskUsage[] = [];
  for (const id of ids) {
    const c = ctx.get(id);
    out.push({ id: c.id, workspace: c.workspace, bytes: await ctx.deps.prep.dirSize(c.workspace) });
  }
  return out;
}

/**
 * Runs the repo's teardown commands in the worktree; failures are logged and never block removal.
 * `guarded`: skipped when the removal's guards would refuse (unmerged or uncommitted work), so a
 * refused removal does not tear down a worktree that stays.
 */
export async function teardown(ctx: OpsContext, c: Coder, opts: { guarded: boolean }): Promise<void> {
  const { deps, records } = ctx;
  if (!(await deps.prep.exists(c.workspace))) return;
  let commands: string[][];
  try {
    commands = (await deps.prep.loadSettings(c.repo, deps.config.worktree_defaults)).teardown;
  } catch (e) {
    deps.log('warn', 'teardown skipped: invalid settings', { id: c.id, error: errMessage(e) });
    return;
  }
  if (commands.length === 0) return;
  if (opts.guarded && !(await deps.gitOps.isMerged(c).catch(() => false))) return;
  const base = deps.baseEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  Object.assign(env, recordedPortEnv(deps.home, c.id), {
    AICODER_CODER_ID: c.id,
    AICODER_WORKSPACE: c.workspace,
  });
  const res = await runCommands(deps, records, {
    id: c.id,
    phase: 'teardown',
    commands,
    cwd: c.workspace,
    env,
    toLogs: true,
  });
  if (!res.ok) deps.log('warn', failureMessage('teardown', res), { id: c.id });
}

function recordedPortEnv(home: string, id: string): Record<string, string> {
  try {
    const v = JSON.parse(readFileSync(join(coderDir(home, id), 'ports.json'), 'utf8')) as unknown;
    return Array.isArray(v) ? portEnv(v.filter((p): p is number => Number.isInteger(p))) : {};
  } catch {
    return {};
  }
}

/**
 * Daemon start: prunes the worktree registrations of every repo with coders (a registered worktree
 * whose directory is gone), and notes coders whose worktree directory vanished in their error.
 */
export async function reconcile(ctx: OpsContext): Promise<void> {
  const { deps, records } = ctx;
  // Merges a crash interrupted: finished or rolled back before anything else looks at the checkouts.
  for (const rec of await deps.gitOps.recoverMerges()) {
    deps.log(rec.outcome === 'untouched' ? 'error' : 'warn', 'interrupted merge', { ...rec });
    const c = rec.coder_id === null ? undefined : records.get(rec.coder_id);
    if (c) {
      const note = `merge into ${rec.base_ref} was interrupted by a crash; at start: ${rec.message}`;
      records.patch(c.id, { error: c.error ? `${c.error}; ${note}` : note });
    }
  }
  const coders = deps.store.listCoders({ limit: 1000 }).coders;
  const goneRepos = new Set<string>();
  for (const repo of new Set(coders.map((c) => c.repo))) {
    if (!(await deps.prep.exists(repo))) {
      goneRepos.add(repo);
      const n = coders.filter((c) => c.repo === repo).length;
      deps.log('warn', 'repository gone', {
        repo,
        error: `repository ${repo} does not exist (deleted, moved or renamed); ${n} coder(s) use it; rm --force or gc --include-unmerged removes them`,
      });
      continue;
    }
    try {
      await deps.gitOps.prune(repo);
    } catch (e) {
      deps.log('warn', 'worktree prune failed', { repo, error: errMessage(e) });
    }
  }
  for (const c of coders) {
    if (!goneRepos.has(c.repo)) continue;
    const note = `repository ${c.repo} is gone (deleted, moved or renamed)`;
    if (c.error?.includes(note)) continue;
    records.patch(c.id, { error: c.error ? `${c.error}; ${note}` : note });
  }
  const root = homeLayout(deps.home).worktrees;
  for (const c of coders) {
    if (!c.workspace.startsWith(root) || (await deps.prep.exists(c.workspace))) continue;
    const note = `worktree directory ${c.workspace} is gone`;
    if (c.error?.includes(note)) continue;
    records.patch(c.id, { error: c.error ? `${c.error}; ${note}` : note });
    deps.log('warn', 'coder worktree vanished', { id: c.id, workspace: c.workspace });
  }
}

/** Removes `worktrees/<repo>-<hash>/` of AICODER_HOME once its last coder's worktree is gone. */
export async function removeEmptyRepoDir(home: string, workspace: string): Promise<void> {
  const parent = dirname(workspace);
  if (dirname(parent) !== homeLayout(home).worktrees) return;
  await rmdir(parent).catch(() => undefined); // not empty: other coders of the repository
}
