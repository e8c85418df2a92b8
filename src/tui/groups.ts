/**
 * Groups (best of N, docs/best-of-n.md) in the TUI's list: the rows in order (a group's row, then its
 * members when it is unfolded) and the one-line summary a group row shows. Pure functions over coder
 * records (each member carries `group_id`) and what the daemon said about the groups (name, task).
 */
import { CODER_STATES, type Coder, type CoderState } from '../core/coder.js';
import { isGroupId } from '../core/group.js';
import type { CheckVerdict } from '../core/check-types.js';
import type { GroupReviewRecord } from '../protocol/records.js';

/** What the TUI keeps of a group record (GET /api/groups): enough for its row and detail. */
export interface GroupInfo {
  id: string;
  name: string;
  task: string;
  base_ref: string;
  base_commit: string;
  created_at: string;
  /** The member picked (merged into base_ref), if any. */
  picked: { coder_id: string } | null;
  /** The cross-review (review_by, docs/best-of-n.md), or null when none was asked. */
  review?: GroupReviewRecord | null;
}

/**
 * The cross-review in one line, as `aicoder status GROUP` says it: "claude by 5e6f7a8b: VERDICT:
 * 1a2b3c4d → 1a2b3c4d", "claude: waiting", "claude by 5e6f7a8b: failed: …". Agent text: the caller
 * makes it one safe line.
 */
export function reviewText(r: GroupReviewRecord): string {
  const who = r.coder_id ? ` by ${r.coder_id}` : '';
  if (r.state === 'done') {
    return `${r.provider}${who}: ${r.verdict ?? '(no verdict line)'}${r.choice ? ` → ${r.choice}` : ''}`;
  }
  if (r.state === 'failed') return `${r.provider}${who}: failed: ${r.error ?? ''}`;
  return `${r.provider}${who}: ${r.state}`;
}

/** A row id names a group (group ids are "g" + 7 hex digits; coder ids are hex only). */
export function isGroupRow(id: string | null): id is string {
  return id !== null && isGroupId(id);
}

/** Members of each group, oldest first (creation order: the order compare breaks ties by). */
export function membersByGroup(coders: ReadonlyMap<string, Coder>): Map<string, Coder[]> {
  const out = new Map<string, Coder[]>();
  for (const c of coders.values()) {
    if (c.group_id === null) continue;
    const list = out.get(c.group_id);
    if (list) list.push(c);
    else out.set(c.group_id, [c]);
  }
  for (const list of out.values()) {
    list.sort((a, b) =>
      a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1,
    );
  }
  return out;
}

/**
 * The list's rows, newest first: coders outside groups and groups (a group is as new as its newest
 * member), each group followed by its members (oldest first) unless folded. `ids` are the coders the
 * filter keeps, newest first; a group shows when any of its members is kept or its name/id matches
 * `groupMatch`.
 */
export function listRows(
  ids: readonly string[],
  coders: ReadonlyMap<string, Coder>,
  folded: ReadonlySet<string>,
  groupMatch: (gid: string) => boolean = () => false,
): string[] {
  const byGroup = membersByGroup(coders);
  const kept = new Set(ids);
  const rows: string[] = [];
  const placed = new Set<string>();
  const place = (gid: string): void => {
    if (placed.has(gid)) return;
    placed.add(gid);
    rows.push(gid);
    if (folded.has(gid)) return;
    const members = byGroup.get(gid) ?? [];
    const shown = members.filter((m) => kept.has(m.id));
    for (const m of groupMatch(gid) && shown.length === 0 ? members : shown) rows.push(m.id);
  };
  // `ids` is newest first, so a group is placed where its newest kept member is.
  for (const id of ids) {
    const c = coders.get(id);
    if (!c) continue;
    if (c.group_id === null) rows.push(id);
    else place(c.group_id);
  }
  for (const gid of byGroup.keys()) if (!placed.has(gid) && groupMatch(gid)) place(gid);
  return rows;
}

/** Members per state, in state-machine order: "● 1 running ✓ 2 completed". */
export function memberStates(members: readonly Coder[]): { state: CoderState; n: number }[] {
  const counts = new Map<CoderState, number>();
  for (const m of members) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
  return CODER_STATES.filter((s) => counts.has(s)).map((s) => ({ state: s, n: counts.get(s)! }));
}

/** Members per check verdict ("none": no checks ran), in a fixed order. */
export function memberChecks(members: readonly Coder[]): { verdict: CheckVerdict | 'none'; n: number }[] {
  const order: (CheckVerdict | 'none')[] = ['passed', 'failed', 'running', 'cancelled', 'none'];
  const counts = new Map<CheckVerdict | 'none', number>();
  for (const m of members) {
    const v = m.checks?.verdict ?? 'none';
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return order.filter((v) => counts.has(v)).map((v) => ({ verdict: v, n: counts.get(v)! }));
}

/**
 * "checks ✓ 2 passed ✗ 1 failed" ("checks ✓ 2 ✗ 1" when `compact`), or "no checks yet" when none
 * ran on any member.
 */
export function checksLine(members: readonly Coder[], compact = false): string {
  const parts = memberChecks(members).filter((p) => p.verdict !== 'none');
  if (parts.length === 0) return 'no checks yet';
  const part = (p: { verdict: CheckVerdict | 'none'; n: number }): string =>
    `${CHECK_SYMBOLS[p.verdict]} ${p.n}${compact ? '' : ` ${p.verdict}`}`;
  return 'checks ' + parts.map(part).join(' ');
}

export const CHECK_SYMBOLS: Record<CheckVerdict | 'none', string> = {
  passed: '✓',
  failed: '✗',
  running: '◐',
  cancelled: '■',
  none: '-',
};
