/**
 * Keeps the TUI's group data current from the group routes (GET /api/groups/:id and its compare):
 * the daemon's event stream carries coder records only, so a group's record (name, task, base, the
 * member picked) and an open compare table are fetched again when their members change (added,
 * removed, or their records updated: state, checks, stats). One request per group (and one compare)
 * at a time; changes seen meanwhile fetch once more afterwards.
 */
import { useEffect, useMemo, useRef, type Dispatch } from 'react';
import type { Coder } from '../core/coder.js';
import type { CompareResult } from '../core/compare.js';
import type { GroupView } from '../core/group.js';
import { errorMessage } from './errors.js';
import type { TuiGroups } from './group-commands.js';
import { membersByGroup, type GroupInfo } from './groups.js';
import type { GroupReviewRecord } from '../protocol/records.js';
import type { Action, Mode } from './state.js';

/** What the TUI keeps of a group record. */
export function groupInfo(g: GroupView): GroupInfo {
  return {
    id: g.id,
    name: g.name,
    task: g.task,
    base_ref: g.base_ref,
    base_commit: g.base_commit,
    created_at: g.created_at,
    picked: g.picked ?? null,
    review: g.review ?? null,
  };
}

/**
 * Fetches a key's data for a signature (of what it is made from): one request at a time per key;
 * signatures asked for meanwhile are fetched once more, for the latest, when it ends.
 */
class Refresher {
  private readonly inFlight = new Set<string>();
  private readonly wanted = new Map<string, string>();
  private closed = false;

  constructor(private readonly fetch: (key: string) => Promise<void>) {}

  want(key: string, signature: string): void {
    if (this.closed) return;
    if (this.inFlight.has(key)) this.wanted.set(key, signature);
    else this.start(key, signature);
  }

  private start(key: string, signature: string): void {
    this.inFlight.add(key);
    void this.fetch(key)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight.delete(key);
        const next = this.wanted.get(key);
        this.wanted.delete(key);
        if (next !== undefined && next !== signature && !this.closed) this.start(key, next);
      });
  }

  close(): void {
    this.closed = true;
  }
}

/** The members' ids and record versions: changes whenever a member is added, removed or updated. */
function signature(members: readonly Coder[] | undefined): string {
  return (members ?? []).map((m) => `${m.id}@${m.updated_at}:${m.state}`).join(',');
}

/**
 * What a group's cross-review waits on: not a member (the event stream does not link it to the
 * group), so its coder's record once the group names it, and any new coder while the review has
 * none yet (the reviewer is made when the last member ends). Nothing once it is done or failed.
 */
function reviewSignature(
  review: GroupReviewRecord | null | undefined,
  coders: ReadonlyMap<string, Coder>,
): string {
  if (!review || review.state === 'done' || review.state === 'failed') return '';
  if (review.coder_id === null) return `|review:${coders.size}`;
  const c = coders.get(review.coder_id);
  return `|review:${c ? `${c.state}@${c.updated_at}` : '-'}`;
}

/**
 * What a compare table is made of that the member records show: state, the checks' verdict and
 * run, files, turns, tokens, cost and end (not every record update: a running agent's progress
 * notes would fetch the table, and run git merge-tree, for nothing).
 */
function compareSignature(members: readonly Coder[] | undefined): string {
  return (members ?? [])
    .map((m) =>
      [
        m.id,
        m.state,
        m.checks?.verdict ?? '-',
        m.checks?.started_at ?? '-',
        m.stats.files_changed,
        m.stats.turns,
        m.stats.tokens_in + m.stats.tokens_out,
        m.stats.cost_usd,
        m.ended_at ?? '-',
      ].join(':'),
    )
    .join(',');
}

export function useGroupFeed(
  groups: TuiGroups | undefined,
  coders: ReadonlyMap<string, Coder>,
  /** The group records known so far (a pending cross-review is followed through its coder). */
  known: ReadonlyMap<string, GroupInfo>,
  mode: Mode,
  dispatch: Dispatch<Action>,
): void {
  const records = useRef<Refresher | null>(null);
  /** The member signature each group's record was last asked for. */
  const asked = useRef(new Map<string, string>());
  const compares = useRef<Refresher | null>(null);
  useEffect(() => {
    if (!groups) return;
    records.current = new Refresher(async (gid) => {
      try {
        const g = await groups.getGroup(gid);
        dispatch({ type: 'groups-loaded', groups: [groupInfo(g)] });
      } catch {
        // The row still shows from its members; the next change of a member asks again.
        asked.current.delete(gid);
      }
    });
    compares.current = new Refresher(async (gid) => {
      try {
        const result = await groups.compareGroup(gid);
        dispatch({ type: 'compare-loaded', groupId: gid, result });
      } catch (e) {
        // The table on screen stays (it says what it was); the status line says it is not current.
        dispatch({ type: 'error', message: `compare ${gid}: ${errorMessage(e)}` });
      }
    });
    return () => {
      records.current?.close();
      compares.current?.close();
    };
  }, [groups, dispatch]);

  // Group records: when a group is first seen and whenever its members change.
  const byGroup = useMemo(() => membersByGroup(coders), [coders]);
  useEffect(() => {
    if (!records.current) return;
    for (const [gid, members] of byGroup) {
      const sig = signature(members) + reviewSignature(known.get(gid)?.review, coders);
      if (asked.current.get(gid) === sig) continue;
      asked.current.set(gid, sig);
      records.current?.want(gid, sig);
    }
  }, [byGroup, groups, known, coders]);

  // The open compare table (its first load is openCompare's): fetched again when the members it was
  // made from have changed since, also while a question about it was open (`back`).
  const madeFrom = useRef(new WeakMap<CompareResult, string>());
  const shown = mode.kind === 'compare' ? mode : mode.kind === 'ask' ? mode.back : undefined;
  useEffect(() => {
    if (shown?.kind !== 'compare' || shown.result === null) return;
    const sig = compareSignature(byGroup.get(shown.groupId));
    const from = madeFrom.current.get(shown.result);
    if (from === undefined) madeFrom.current.set(shown.result, sig);
    else if (from !== sig) compares.current?.want(shown.groupId, sig);
  }, [shown, byGroup]);
}
