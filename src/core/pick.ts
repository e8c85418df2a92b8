/**
 * Pick: the chosen member of a group is merged into the group's base, and the other members'
 * worktrees are removed. Nothing is lost on the way:
 *   - every member must have ended (a live or checking member is named, and nothing is done);
 *   - the chosen member's uncommitted work is committed on its branch first (merge merges commits);
 *   - the merge has every guard `merge` has (clean conflict forecast, clean base checkout, the base
 *     only moves forward); when it is refused, nothing else happens;
 *   - the other members' uncommitted work is committed on their branches before their worktrees go,
 *     and their branches are kept unless `drop_branches`.
 * The choice is recorded on the group (`picked`).
 */
import { isTerminal, type Coder } from './coder.js';
import { AicoderError } from './errors.js';
import { getGroup } from './group-ops.js';
import type { GroupView } from './group.js';
import type { ManagerDeps } from './manager-deps.js';
import type { CommitResult, MergeResult, MergeStrategy } from './worktree-types.js';

export interface PickInput {
  strategy?: MergeStrategy;
  /** The merge (or squash) commit's message; default as for merge. */
  message?: string;
  /** Also delete the other members' branches (default: kept, with their work committed). */
  drop_branches?: boolean;
}

/** What pick did to one of the other members. */
export interface PickedOther {
  coder_id: string;
  /** The commit of its uncommitted work on its branch (null: nothing to commit, or dropped). */
  commit: string | null;
  /** Its branch, or null when it was deleted (drop_branches). */
  branch: string | null;
  removed: boolean;
  /** Why it could not be removed (the rest went on). */
  error?: string;
}

export interface PickResult {
  coder_id: string;
  /** The commit of the picked member's uncommitted work before the merge (null: nothing to commit). */
  commit: CommitResult;
  merge: MergeResult;
  others: PickedOther[];
  group: GroupView;
}

/** How the group records its pick. */
export interface GroupPick {
  coder_id: string;
  at: string;
  base_ref: string;
  /** base_ref's tip after the merge. */
  after: string;
}

export interface PickContext {
  deps: ManagerDeps;
  get(id: string): Coder;
  /** The answers may name the member (`coder_id`, as ManagerApi's do); pick's answer names it once. */
  commit(id: string, message?: string): Promise<CommitResult & { coder_id?: string }>;
  merge(
    id: string,
    input: { strategy?: MergeStrategy; message?: string },
  ): Promise<MergeResult & { coder_id?: string }>;
  remove(c: Coder, force: boolean, keepBranch: boolean): Promise<unknown>;
  now(): string;
}

export async function pick(ctx: PickContext, idOrPrefix: string, input: PickInput): Promise<PickResult> {
  const { deps } = ctx;
  const chosen = ctx.get(idOrPrefix);
  if (chosen.group_id === null) {
    throw new AicoderError(
      'invalid_input',
      `coder ${chosen.id} is in no group; merge it with \`merge\` (pick chooses among a group's members)`,
      { field: 'coder_id' },
    );
  }
  const group = getGroup(deps, chosen.group_id);
  const live = group.members.filter((m) => !isTerminal(m.state));
  if (live.length > 0) {
    throw new AicoderError(
      'illegal_transition',
      `cannot pick from group ${group.id}: ${live.map((m) => `${m.id} is ${m.state}`).join(', ')} (wait for it, or stop the group)`,
      { field: 'action' },
    );
  }
  const { coder_id: _c, ...commit } = await ctx.commit(chosen.id);
  const { coder_id: _m, ...merge } = await ctx.merge(chosen.id, {
    ...(input.strategy !== undefined ? { strategy: input.strategy } : {}),
    ...(input.message !== undefined ? { message: input.message } : {}),
  });
  const record: GroupPick = {
    coder_id: chosen.id,
    at: ctx.now(),
    base_ref: merge.base_ref,
    after: merge.after,
  };
  deps.store.setGroupPick(group.id, record);
  const others: PickedOther[] = [];
  for (const m of group.members) {
    if (m.id === chosen.id) continue;
    const drop = input.drop_branches === true;
    const out: PickedOther = { coder_id: m.id, commit: null, branch: drop ? null : m.branch, removed: false };
    try {
      if (!drop) out.commit = (await ctx.commit(m.id)).commit;
      await ctx.remove(m, true, !drop);
      out.removed = true;
    } catch (err) {
      out.error = err instanceof Error ? err.message : String(err);
      out.branch = m.branch;
    }
    others.push(out);
  }
  return { coder_id: chosen.id, commit, merge, others, group: getGroup(deps, group.id) };
}
