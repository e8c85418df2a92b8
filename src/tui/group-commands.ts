/** The TUI's group actions: checks, stop and restart of a whole group, the compare view, pick. */
import type { Coder } from '../core/coder.js';
import type { DaemonClient } from '../client/types.js';
import type { CommandContext } from './commands.js';
import { mergeOutcomeText } from '../term/merge-text.js';
import { errorMessage } from './errors.js';
import { isGroupRow, membersByGroup } from './groups.js';
import { groupInfo } from './use-group-feed.js';

/** What the TUI uses of the group routes (the client's group methods, client/http-client.ts; tests give an in-memory one). */
export type TuiGroups = Pick<DaemonClient, 'getGroup' | 'compareGroup' | 'controlGroup'>;

/** The group of the selected row: the group row itself or the group of the selected member. */
export function selectedGroup(ctx: CommandContext): string | null {
  const id = ctx.state.selectedId;
  if (isGroupRow(id)) return id;
  return (id === null ? undefined : ctx.state.coders.get(id))?.group_id ?? null;
}

function groupsOf(ctx: CommandContext, what: string): TuiGroups | null {
  if (ctx.groups) return ctx.groups;
  ctx.dispatch({ type: 'error', message: `${what}: this TUI has no client for groups` });
  return null;
}

const GROUP_VERBS = { stop: 'stopped', restart: 'restarted', check: 'started the checks of' } as const;

/** stop, restart or check on every member of a group; the notice says how many it applied to. */
export async function controlGroup(
  ctx: CommandContext,
  gid: string,
  action: keyof typeof GROUP_VERBS,
): Promise<void> {
  const groups = groupsOf(ctx, `${action} ${gid}`);
  if (!groups) return;
  try {
    const r = await groups.controlGroup(gid, { action });
    for (const m of r.group?.members ?? []) ctx.dispatch({ type: 'upsert', coder: m });
    const ok = r.members.filter((m) => m.ok).length;
    const failed = r.members.filter((m) => !m.ok);
    const rest = failed.length === 0 ? '' : `; ${failed.map((m) => `${m.id}: ${m.note}`).join('; ')}`;
    const msg = `${GROUP_VERBS[action]} group ${gid}: ${ok} of ${r.members.length} member(s)${rest}`;
    ctx.dispatch(failed.length === 0 ? { type: 'notice', message: msg } : { type: 'error', message: msg });
  } catch (e) {
    ctx.dispatch({ type: 'error', message: `${action} ${gid}: ${errorMessage(e)}` });
  }
}

/** Opens the compare view of a group and loads its table (the same call as `aicoder compare --json`). */
export function openCompare(ctx: CommandContext, gid: string): void {
  const { dispatch } = ctx;
  const groups = groupsOf(ctx, `compare ${gid}`);
  if (!groups) return;
  const cursor = ctx.state.mode.kind === 'compare' ? ctx.state.mode.cursor : 0;
  dispatch({ type: 'mode', mode: { kind: 'compare', groupId: gid, result: null, cursor } });
  groups.compareGroup(gid).then(
    (result) => dispatch({ type: 'compare-loaded', groupId: gid, result }),
    (e: unknown) => {
      dispatch({ type: 'mode', mode: { kind: 'normal' } });
      dispatch({ type: 'error', message: `compare ${gid}: ${errorMessage(e)}` });
    },
  );
}

/** P: asks before picking `c` (a member of a group). */
export function askPick(ctx: CommandContext, c: Coder): void {
  if (c.group_id === null) {
    ctx.dispatch({ type: 'error', message: `pick ${c.id}: it is not a member of a group` });
    return;
  }
  const g = ctx.state.groups.get(c.group_id);
  const others = (membersByGroup(ctx.state.coders).get(c.group_id) ?? []).filter((m) => m.id !== c.id);
  ctx.dispatch({
    type: 'mode',
    mode: {
      kind: 'ask',
      ask: {
        action: 'pick',
        coderId: c.id,
        title: `Pick ${c.id} of group ${c.group_id}`,
        lines: [
          `Merge ${c.id} (${c.provider}, ${c.name}) into ${g?.base_ref ?? c.base_ref}, its work committed first`,
          `(the guards of merge apply), and remove the worktrees of the ${others.length} other member(s):`,
          `${others.map((m) => m.id).join(', ') || '-'}. Their branches are kept, with their work committed.`,
        ],
        yes: 'y pick and merge',
      },
      // Asked from the compare view: n/Esc goes back to it.
      ...(ctx.state.mode.kind === 'compare' ? { back: ctx.state.mode } : {}),
    },
  });
}

/** y on the pick question: the daemon merges the member and removes the others' worktrees. */
export async function pickMember(ctx: CommandContext, id: string): Promise<void> {
  const { dispatch } = ctx;
  try {
    const r = await ctx.client.control(id, { action: 'pick' });
    dispatch({ type: 'upsert', coder: r.coder, select: true });
    const p = r.removed ? undefined : r.pick;
    // The group now records its pick (the event stream carries coder records only).
    if (p?.group?.id) dispatch({ type: 'groups-loaded', groups: [groupInfo(p.group)] });
    if (!p) {
      dispatch({ type: 'notice', message: `picked ${id}` });
      return;
    }
    const how = mergeOutcomeText(p.merge.outcome);
    const removed = p.others.filter((o) => o.removed).length;
    const failed = p.others.filter((o) => o.error !== undefined);
    const msg =
      `picked ${id}: merged into ${p.merge.base_ref} (${how}, ${p.merge.after.slice(0, 12)}); ` +
      `${removed} other worktree(s) removed, branches kept` +
      (failed.length > 0
        ? `; not removed: ${failed.map((o) => `${o.coder_id}: ${o.error}`).join('; ')}`
        : '');
    dispatch(failed.length === 0 ? { type: 'notice', message: msg } : { type: 'error', message: msg });
  } catch (e) {
    dispatch({ type: 'error', message: `pick ${id}: ${errorMessage(e)}` });
  }
}
