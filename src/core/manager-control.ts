/**
 * The Manager's control actions on one coder (ManagerApi.control): start, pause, resume, stop,
 * restart, message, answer, remove, check and pick, each checked against the state machine first.
 * The Manager holds the parts; these functions get them through a ControlContext.
 */
import { rm } from 'node:fs/promises';
import { checkSessionId } from './agent-values.js';
import type { ControlInput, ControlResult } from './api.js';
import type { Checker } from './checks.js';
import { isTerminal, type Coder } from './coder.js';
import { errMessage } from './supervisor.js';
import { AicoderError } from './errors.js';
import { endCoderProcesses } from './leftovers.js';
import type { StopReason } from './live-run.js';
import type { ManagerDeps } from './manager-deps.js';
import { coderDir } from './paths.js';
import { pick, type PickInput, type PickResult } from './pick.js';
import type { GroupContext } from './group-ops.js';
import type { Records } from './records.js';
import { assertAction } from './state-machine.js';
import type { Supervisor } from './supervisor.js';
import type { Talkback } from './talkback.js';
import type { UsageWaits } from './usage-waits.js';
import { requireMessage } from './validate.js';
import * as ops from './worktree-ops.js';

/** The Manager's parts a control action uses. */
export interface ControlContext {
  deps: ManagerDeps;
  records: Records;
  supervisor: Supervisor;
  waits: UsageWaits;
  talkback: Talkback;
  checker: Checker;
  /** The record by id or unique prefix (kept processes refreshed). */
  get(idOrPrefix: string): Coder;
  ops(): ops.OpsContext;
  pick(id: string, input: PickInput): Promise<PickResult>;
}

/** Applies one control action; errors: not_found, illegal_transition, not_supported, invalid_input. */
export async function controlCoder(
  ctx: ControlContext,
  coder: Coder,
  input: ControlInput,
): Promise<ControlResult> {
  const { records, supervisor } = ctx;
  const id = coder.id;
  switch (input.action) {
    case 'start':
      assertAction(coder, 'start');
      records.transition(id, 'queued');
      supervisor.enqueue(id);
      break;
    case 'pause':
      assertAction(coder, 'pause');
      supervisor.pause(id);
      records.transition(id, 'paused');
      break;
    case 'resume':
      assertAction(coder, 'resume');
      if (coder.state === 'waiting') {
        ctx.waits.resumeNow(id);
        break;
      }
      supervisor.resume(id);
      records.transition(id, 'running');
      ctx.talkback.activity(id);
      break;
    case 'stop':
      assertAction(coder, 'stop');
      await stopCoder(ctx, coder);
      break;
    case 'restart':
      if (!isTerminal(coder.state)) await stopCoder(ctx, coder, 'restart');
      assertAction(ctx.get(id), 'restart');
      records.transition(id, 'queued', {
        exit_code: null,
        error: null,
        ended_at: null,
        pid: null,
        session_id: null,
        question: null,
        progress: null,
        stalled: false,
      });
      supervisor.enqueue(id);
      break;
    case 'message':
      messageCoder(ctx, coder, input.message);
      break;
    case 'answer':
      ctx.talkback.questions.answer(coder, input.message);
      break;
    case 'remove':
      return removeCoder(ctx, coder, input.force === true, input.keep_branch === true);
    case 'check':
      assertAction(coder, 'check');
      await ctx.checker.start(coder, { trigger: 'demand', after: coder.state });
      break;
    case 'pick': {
      assertAction(coder, 'pick');
      const r = await ctx.pick(id, { drop_branches: input.drop_branches === true });
      return { coder: ctx.get(id), removed: false, pick: r };
    }
  }
  return { coder: ctx.get(id), removed: false };
}

/** Ends whatever the coder is doing: its checks, its live run, or its place in the queue or a wait. */
export async function stopCoder(
  ctx: ControlContext,
  coder: Coder,
  reason: StopReason = 'stop',
): Promise<void> {
  if (ctx.checker.isRunning(coder.id)) {
    await ctx.checker.cancel(coder.id); // back to the state it had; the agent's work stays
  } else if (ctx.supervisor.isLive(coder.id)) {
    await ctx.supervisor.stop(coder.id, reason);
  } else {
    ctx.supervisor.dequeue(coder.id);
    ctx.waits.cancel(coder.id);
    const cur = ctx.get(coder.id);
    if (cur.state === 'created' || cur.state === 'queued' || cur.state === 'waiting') {
      ctx.records.transition(coder.id, 'stopped', { ended_at: ctx.records.now() });
    }
  }
}

/** A follow-up message to a coder whose run ended: queued as a run of the provider's resume_command. */
export function messageCoder(ctx: ControlContext, coder: Coder, message: string | undefined): void {
  requireMessage(message, 'message is required for action "message"');
  const def = ctx.deps.providers.get(coder.provider);
  if (!def?.resume_command) {
    throw new AicoderError(
      'not_supported',
      `provider '${coder.provider}' cannot take follow-up messages (it has no resume_command)`,
      { field: 'action' },
    );
  }
  if (!isTerminal(coder.state)) {
    throw new AicoderError(
      'illegal_transition',
      `cannot message coder ${coder.id}: it is ${coder.state} (wait until it ends, or stop it)`,
      { field: 'action' },
    );
  }
  if (!coder.session_id) {
    throw new AicoderError('not_supported', `coder ${coder.id} has no agent session to continue`, {
      field: 'action',
    });
  }
  checkSessionId(coder.session_id);
  const budget = coder.limits.budget_usd;
  if (budget !== null && coder.stats.cost_usd > 0 && coder.stats.cost_usd >= budget) {
    throw new AicoderError(
      'conflict',
      `cannot message coder ${coder.id}: it has used $${coder.stats.cost_usd.toFixed(4)} of its budget_usd ${budget} (a follow-up would run over it)`,
      { field: 'budget_usd' },
    );
  }
  const stored = ctx.deps.store.appendLogs(coder.id, [
    { ts: ctx.records.now(), stream: 'system', kind: 'user_message', text: message },
  ]);
  ctx.records.announceLogs(stored);
  ctx.records.transition(coder.id, 'queued', { exit_code: null, error: null, ended_at: null, pid: null });
  ctx.supervisor.enqueue(coder.id, { message });
}

/**
 * Removes a coder: its processes, worktree, branch (unless kept or unmerged without force), runs,
 * record and folder; `force` stops a live one first and skips the guards.
 */
export async function removeCoder(
  ctx: ControlContext,
  coder: Coder,
  force: boolean,
  keepBranch: boolean,
): Promise<ControlResult> {
  if (force && !isTerminal(coder.state)) await stopCoder(ctx, coder, 'remove');
  const cur = ctx.get(coder.id);
  assertAction(cur, 'remove');
  ctx.supervisor.dequeue(cur.id);
  ctx.waits.cancel(cur.id);
  await ops.teardown(ctx.ops(), cur, { guarded: !force && !keepBranch });
  // Nothing the coder started outlives it: kept servers, leftovers, setsid escapes in the worktree.
  await endCoderProcesses(ctx.deps, ctx.records, ctx.supervisor.kills, ctx.get(cur.id));
  const { notes } = await ctx.deps.git.removeWorktree({
    repo: cur.repo,
    path: cur.workspace,
    branch: cur.branch,
    base_ref: cur.base_ref,
    base_commit: cur.base_commit,
    force,
    keep_branch: keepBranch,
  });
  ctx.deps.store.deleteRuns(cur.id);
  ctx.records.removed(cur.id);
  if (cur.group_id !== null && ctx.deps.store.groupMembers(cur.group_id).length === 0) {
    ctx.deps.store.deleteGroup(cur.group_id); // its last member is gone
  }
  await rm(coderDir(ctx.deps.home, cur.id), { recursive: true, force: true });
  await ops.removeEmptyRepoDir(ctx.deps.home, cur.workspace);
  for (const note of notes) ctx.deps.log('warn', 'remove: ' + note, { id: cur.id });
  return notes.length > 0 ? { coder: cur, removed: true, notes } : { coder: cur, removed: true };
}

/** A run completed: the repo's checks run when it has some (true), else it is recorded as usual. */
export async function checkOnCompletion(
  ctx: ControlContext,
  id: string,
  end: Partial<Coder>,
): Promise<boolean> {
  const cur = ctx.records.get(id);
  if (!cur || !['running', 'needs_input', 'paused'].includes(cur.state)) return false;
  // A read-only role (a reviewer) changed nothing: there is nothing to check.
  if (cur.role?.tools === 'read_only') return false;
  try {
    if ((await ctx.checker.commands(cur)).commands.length === 0) return false;
    await ctx.checker.start(cur, { trigger: 'completion', after: 'completed', patch: end });
    return true;
  } catch (err) {
    ctx.deps.log('warn', 'checks could not start', { id, error: errMessage(err) });
    return false;
  }
}

/** What group operations (core/group-ops.ts) use of the Manager. */
export function groupContext(
  ctx: ControlContext,
  control: (id: string, input: ControlInput) => Promise<ControlResult>,
): GroupContext {
  return {
    deps: ctx.deps,
    records: ctx.records,
    enqueue: (c) => {
      if (c.state === 'queued') ctx.supervisor.enqueue(c.id);
    },
    control,
    remove: (c, force, keepBranch) => removeCoder(ctx, c, force, keepBranch),
  };
}

/** Merges a group member into the base and removes the other members' worktrees (core/pick.ts). */
export function pickMember(ctx: ControlContext, idOrPrefix: string, input: PickInput): Promise<PickResult> {
  return pick(
    {
      deps: ctx.deps,
      get: (id) => ctx.get(id),
      commit: async (id, message) => ops.commit(ctx.ops(), id, message === undefined ? {} : { message }),
      merge: (id, mi) => ops.merge(ctx.ops(), id, mi),
      remove: (c, force, keepBranch) => removeCoder(ctx, c, force, keepBranch),
      now: () => ctx.records.now(),
    },
    idOrPrefix,
    input,
  );
}
