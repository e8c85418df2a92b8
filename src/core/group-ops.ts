/**
 * Group operations over the Manager's coder operations: make a group (one coder per agent, every
 * worktree from the same base commit), read it, and apply an action to every member.
 */
import type { ControlInput, ControlResult, CreateCoderInput } from './api.js';
import { isTerminal, type Coder } from './coder.js';
import { createCoder, type CreateOptions } from './create.js';
import { AicoderError, isAicoderError } from './errors.js';
import {
  expandAgents,
  groupView,
  memberNames,
  newGroupId,
  resolveGroup,
  type Group,
  type GroupAgent,
  type GroupView,
} from './group.js';
import { defaultName } from './ids.js';
import type { CompareResult } from './compare.js';
import type { ManagerDeps } from './manager-deps.js';
import type { Records } from './records.js';
import { validateCreate } from './validate.js';
import { checkGroupRoles, checkGroupSandbox, memberRole } from './group-roles.js';
import { resolveSandbox } from './sandbox.js';
import { newReview } from './review-types.js';

/** `create` with `agents` instead of one provider: every field but provider, model and branch. */
export interface CreateGroupInput extends Omit<CreateCoderInput, 'provider' | 'model' | 'branch'> {
  agents: GroupAgent[];
}

/** Group actions (the contract's list): each is applied to every member it applies to (see controlGroup). */
import type { GroupAction } from '../protocol/states.js';

export { GROUP_ACTIONS, type GroupAction } from '../protocol/states.js';

export interface GroupControlResult {
  group: GroupView | null;
  /** The group record is gone (remove took every member). */
  removed: boolean;
  /** Per member: what happened ("stopped", "skipped: it is completed", an error message). */
  members: { id: string; ok: boolean; note: string }[];
}

export interface GroupContext {
  deps: ManagerDeps;
  records: Records;
  /** Queues a created coder (Manager.create's tail). */
  enqueue(coder: Coder): void;
  control(id: string, input: ControlInput): Promise<ControlResult>;
  remove(coder: Coder, force: boolean, keepBranch: boolean): Promise<ControlResult>;
}

export function getGroup(deps: ManagerDeps, idOrPrefix: string): GroupView {
  const g = resolveGroup(idOrPrefix, (p) => deps.store.findGroupsByPrefix(p, 5));
  return groupView(g, deps.store.groupMembers(g.id), (c) => isTerminal(c.state));
}

export function listGroups(deps: ManagerDeps, q: { repo?: string; limit?: number }): GroupView[] {
  return deps.store
    .listGroups(q)
    .map((g) => groupView(g, deps.store.groupMembers(g.id), (c) => isTerminal(c.state)));
}

/**
 * Makes the group and its members. Every member's provider is checked before anything is made; when
 * one member cannot be made, those already made are removed again and the error is thrown.
 */
export async function createGroup(ctx: GroupContext, input: CreateGroupInput): Promise<GroupView> {
  const { deps, records } = ctx;
  const raw = input as unknown as Record<string, unknown>;
  for (const f of ['provider', 'model', 'branch'] as const) {
    if (raw[f] !== undefined) {
      throw new AicoderError(
        'invalid_input',
        `${f} cannot be combined with agents (each member gets its own${f === 'branch' ? ' branch' : ''})`,
        { field: f },
      );
    }
  }
  validateCreate({ ...input, agents: undefined });
  const members = expandAgents(input.agents);
  for (const [i, m] of members.entries()) {
    if (!deps.providers.get(m.provider)) {
      const known = deps.providers.list().map((p) => p.name);
      throw new AicoderError(
        'unknown_provider',
        `unknown provider '${m.provider}' in agents; registered: ${known.join(', ') || 'none'}`,
        { field: `agents[${i}].provider` },
      );
    }
  }
  // Every member's provider must carry the role (and the reviewer's the reviewer role) before
  // anything is made (core/roles.ts).
  checkGroupRoles(deps, input, members);
  const repoArg = input.repo ?? deps.config.default_repo;
  if (!repoArg) {
    throw new AicoderError('invalid_input', 'repo is required (no default_repo is configured)', {
      field: 'repo',
    });
  }
  const repo = await deps.git.toplevel(repoArg);
  // A read-only role that cannot hold in the sandbox it would run in is refused before anything is made.
  const settings = await deps.prep.loadSettings(repo, deps.config.worktree_defaults);
  checkGroupSandbox(deps, input, members, resolveSandbox(input, settings));
  const baseRef = input.base_ref ?? (await deps.git.headRef(repo));
  const baseCommit = await deps.git.resolveCommit(repo, baseRef);
  let id = newGroupId();
  while (deps.store.getGroup(id)) id = newGroupId();
  const name = input.name ?? defaultName(input.task);
  const group: Group = {
    id,
    name,
    task: input.task,
    repo,
    base_ref: baseRef,
    base_commit: baseCommit,
    agents: input.agents.map((a) => ({ ...a })),
    created_at: records.now(),
    picked: null,
    review: input.review_by === undefined ? null : newReview(input.review_by, records.now()),
  };
  deps.store.insertGroup(group);
  const names = memberNames(name, members);
  const made: Coder[] = [];
  try {
    for (const [i, m] of members.entries()) {
      const { agents: _agents, review_by: _review, ...rest } = input;
      const one: CreateCoderInput = {
        ...rest,
        repo,
        base_ref: baseRef,
        provider: m.provider,
        name: names[i]!,
      };
      if (m.model !== undefined) one.model = m.model;
      const role = memberRole(input, m);
      if (role !== undefined) one.role = role;
      const opts: CreateOptions = { group_id: id, base_commit: baseCommit };
      made.push(await createCoder(deps, records, one, opts));
    }
  } catch (err) {
    for (const c of made.reverse()) {
      await ctx.remove(c, true, false).catch((e: unknown) =>
        deps.log('warn', 'group create: could not remove a member again', {
          id: c.id,
          error: e instanceof Error ? e.message : String(e),
        }),
      );
    }
    deps.store.deleteGroup(id);
    if (isAicoderError(err) && err.field === 'provider') {
      const i = made.length;
      throw new AicoderError(err.code, err.message, { field: `agents[${i}].provider` });
    }
    throw err;
  }
  for (const c of made) ctx.enqueue(c);
  return getGroup(deps, id);
}

/**
 * Applies an action to every member: start (created ones), stop (those not ended), restart (ended
 * ones), check (ended ones), remove (all; refuses before touching any when one would be refused,
 * unless force). Members the action does not apply to are skipped, and said so.
 */
export async function controlGroup(
  ctx: GroupContext,
  idOrPrefix: string,
  input: { action: GroupAction; force?: boolean; keep_branch?: boolean },
): Promise<GroupControlResult> {
  const { deps } = ctx;
  const view = getGroup(deps, idOrPrefix);
  const results: GroupControlResult['members'] = [];
  const applies = (c: Coder): boolean => {
    switch (input.action) {
      case 'start':
        return c.state === 'created';
      case 'stop':
        return !isTerminal(c.state);
      case 'restart':
      case 'check':
        return isTerminal(c.state);
      case 'remove':
        return true;
    }
  };
  if (input.action === 'remove' && input.force !== true) {
    const live = view.members.filter((c) => !isTerminal(c.state));
    if (live.length > 0) {
      throw new AicoderError(
        'illegal_transition',
        `cannot remove group ${view.id}: ${live.map((c) => `${c.id} is ${c.state}`).join(', ')} (stop the group first, or force the removal)`,
        { field: 'action' },
      );
    }
  }
  for (const c of view.members) {
    if (!applies(c)) {
      results.push({ id: c.id, ok: true, note: `skipped: it is ${c.state}` });
      continue;
    }
    try {
      const ci: ControlInput = { action: input.action };
      if (input.force !== undefined) ci.force = input.force;
      if (input.keep_branch !== undefined) ci.keep_branch = input.keep_branch;
      const r = await ctx.control(c.id, ci);
      results.push({ id: c.id, ok: true, note: r.removed ? 'removed' : r.coder.state });
    } catch (err) {
      results.push({ id: c.id, ok: false, note: err instanceof Error ? err.message : String(err) });
    }
  }
  const left = deps.store.groupMembers(view.id);
  if (input.action === 'remove' && left.length === 0) {
    deps.store.deleteGroup(view.id);
    return { group: null, removed: true, members: results };
  }
  return { group: getGroup(deps, view.id), removed: false, members: results };
}

/** What the surfaces call for groups (the Manager implements it; see groupsOf for other managers). */
export interface GroupApi {
  createGroup(input: CreateGroupInput): Promise<GroupView>;
  /** Resolves a group id or unique prefix; throws not_found / ambiguous_id. */
  getGroup(idOrPrefix: string): GroupView;
  /** Newest first. */
  listGroups(input?: { repo?: string; limit?: number }): GroupView[];
  controlGroup(
    idOrPrefix: string,
    input: { action: GroupAction; force?: boolean; keep_branch?: boolean },
  ): Promise<GroupControlResult>;
  /** Waits until every member has ended (or the timeout); onProgress gets each member change. */
  waitGroup(
    idOrPrefix: string,
    input: { timeout_ms: number; signal?: AbortSignal; onProgress?: (c: Coder) => void },
  ): Promise<{ group: GroupView; timed_out: boolean }>;
  /** The members side by side, ranked best first (core/compare.ts). */
  compareGroup(idOrPrefix: string): Promise<CompareResult>;
}

/** The manager's group operations, or not_supported when it has none. */
export function groupsOf(manager: object): GroupApi {
  const m = manager as Partial<GroupApi>;
  if (!m.createGroup || !m.getGroup || !m.listGroups || !m.controlGroup || !m.waitGroup || !m.compareGroup) {
    throw new AicoderError('not_supported', 'this manager has no groups');
  }
  return m as GroupApi;
}

/** Waits for each member in turn within one deadline. */
export async function waitGroup(
  deps: ManagerDeps,
  wait: (id: string, timeoutMs: number) => Promise<{ timed_out: boolean }>,
  idOrPrefix: string,
  timeoutMs: number,
): Promise<{ group: GroupView; timed_out: boolean }> {
  const start = getGroup(deps, idOrPrefix);
  const deadline = Date.now() + timeoutMs;
  for (const m of start.members) {
    const cur = deps.store.getCoder(m.id);
    if (!cur || isTerminal(cur.state)) continue;
    const left = deadline - Date.now();
    if (left <= 0 || (await wait(m.id, left)).timed_out) {
      return { group: getGroup(deps, start.id), timed_out: true };
    }
  }
  return { group: getGroup(deps, start.id), timed_out: false };
}
