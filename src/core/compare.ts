/**
 * Compare a group's members side by side and rank them (best of N). One row per member: state,
 * check verdict, files changed, lines added and removed, turns, tokens, cost, duration, and how far
 * its changes overlap each other member's (files in common; the files whose changes would conflict,
 * forecast with `git merge-tree --write-tree` on snapshots of both worktrees, uncommitted work
 * included). The ranking rules, in order:
 *   1. checks: members whose checks passed, then members without checks, then the rest (checks failed,
 *      cancelled, running; or the agent did not complete);
 *   2. changes: a member that changed nothing ranks after those that did;
 *   3. diff: fewer lines added + removed;
 *   4. cost: lower cost_usd;
 *   5. order: the member made first.
 * `decided_by` names the rule that put the first member above the second.
 */
import type { CheckVerdict } from './check-types.js';
import type { Coder } from './coder.js';
import { usdText } from './cost-estimate.js';
import { getGroup } from './group-ops.js';
import type { ManagerDeps } from './manager-deps.js';
import type { FileChange } from './ports.js';
import { RANK_RULES } from '../protocol/responses.js';

/** How a member's changes meet another member's. */
export interface CompareOverlap {
  coder_id: string;
  /** Files both changed. */
  files: string[];
  /** Files whose changes would conflict if both were merged (git merge-tree); empty when clean. */
  conflicts: string[];
}

export interface CompareRow {
  /** 1 = best. */
  rank: number;
  coder_id: string;
  name: string;
  provider: string;
  model: string | null;
  state: Coder['state'];
  /** The checks' verdict, or "none" when no checks ran. */
  checks: CheckVerdict | 'none';
  files_changed: number;
  insertions: number;
  deletions: number;
  turns: number;
  /** tokens_in + tokens_out. */
  tokens: number;
  cost_usd: number;
  /** cost_usd is (partly) estimated from tokens (the coder's stats.cost_estimated). */
  cost_estimated: boolean;
  /** From the start of its first run to its end (or now while it runs); null before it started. */
  duration_s: number | null;
  overlap: CompareOverlap[];
}

export { RANK_RULES };
export type RankRule = (typeof RANK_RULES)[number];

export interface CompareResult {
  group_id: string;
  base_ref: string;
  base_commit: string;
  /** Ranked, best first. */
  rows: CompareRow[];
  /** The best member's id (null for a group without members). */
  best: string | null;
  /** The rule that ranked the first member above the second (null with fewer than two members). */
  decided_by: RankRule | null;
  /** The same in words, e.g. "ab12cd34 first: its checks passed, ef56ab78's failed". */
  reason: string;
}

/** The rank key of a row: lower is better, compared rule by rule. */
function key(r: CompareRow, order: number): Record<RankRule, number> {
  const checks = r.state !== 'completed' ? 2 : r.checks === 'passed' ? 0 : r.checks === 'none' ? 1 : 2;
  return {
    checks,
    changes: r.files_changed > 0 ? 0 : 1,
    diff: r.insertions + r.deletions,
    cost: r.cost_usd,
    order,
  };
}

function describe(rule: RankRule, a: CompareRow, b: CompareRow): string {
  const why: Record<RankRule, string> = {
    checks: `its checks ${verdictWords(a)}, ${b.coder_id}'s ${verdictWords(b)}`,
    changes: `it changed ${a.files_changed} file(s), ${b.coder_id} none`,
    diff: `smaller diff (${a.insertions + a.deletions} lines against ${b.insertions + b.deletions})`,
    cost: `lower cost (${usdText(a.cost_usd, a.cost_estimated, 4)} against ${usdText(b.cost_usd, b.cost_estimated, 4)})`,
    order: `same checks, diff size and cost as ${b.coder_id}; made first`,
  };
  return `${a.coder_id} first: ${why[rule]}`;
}

function verdictWords(r: CompareRow): string {
  if (r.state !== 'completed') return `did not run to completion (it is ${r.state})`;
  return r.checks === 'none' ? 'did not run' : r.checks;
}

/** Ranks rows in place (rank 1 = best) and says which rule decided between the first two. */
export function rankRows(rows: CompareRow[]): { decided_by: RankRule | null; reason: string } {
  const keys = new Map(rows.map((r, i) => [r.coder_id, key(r, i)]));
  rows.sort((x, y) => {
    const a = keys.get(x.coder_id)!;
    const b = keys.get(y.coder_id)!;
    for (const rule of RANK_RULES) if (a[rule] !== b[rule]) return a[rule] - b[rule];
    return 0;
  });
  rows.forEach((r, i) => (r.rank = i + 1));
  if (rows.length === 0) return { decided_by: null, reason: 'the group has no members' };
  if (rows.length === 1) return { decided_by: null, reason: `${rows[0]!.coder_id} is the only member` };
  const a = keys.get(rows[0]!.coder_id)!;
  const b = keys.get(rows[1]!.coder_id)!;
  const rule = RANK_RULES.find((r) => a[r] !== b[r]) ?? 'order';
  return { decided_by: rule, reason: describe(rule, rows[0]!, rows[1]!) };
}

async function allChanges(deps: ManagerDeps, c: Coder): Promise<FileChange[]> {
  const out: FileChange[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.git.changes(c.workspace, c.base_commit, {
      limit: 5000,
      ...(cursor !== undefined ? { cursor } : {}),
    });
    out.push(...page.changes);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

function durationOf(c: Coder, now: number): number | null {
  if (c.started_at === null) return null;
  const end = c.ended_at !== null ? Date.parse(c.ended_at) : now;
  return Math.max(0, Math.round((end - Date.parse(c.started_at)) / 1000));
}

/** The comparison of a group's members (see the file comment). */
export async function compareGroup(deps: ManagerDeps, idOrPrefix: string): Promise<CompareResult> {
  const g = getGroup(deps, idOrPrefix);
  const now = deps.clock.now().getTime();
  const files = new Map<string, Set<string>>();
  const snaps = new Map<string, string>();
  const rows: CompareRow[] = [];
  for (const c of g.members) {
    let changes: FileChange[] = [];
    try {
      changes = await allChanges(deps, c);
      snaps.set(c.id, await deps.gitOps.snapshot(c.repo, c.workspace, c.branch));
    } catch (err) {
      deps.log('debug', 'compare: worktree not readable', {
        id: c.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
    files.set(c.id, new Set(changes.flatMap((f) => (f.from ? [f.path, f.from] : [f.path]))));
    rows.push({
      rank: 0,
      coder_id: c.id,
      name: c.name,
      provider: c.provider,
      model: c.model,
      state: c.state,
      checks: c.checks === null ? 'none' : c.checks.verdict,
      files_changed: changes.length,
      insertions: changes.reduce((n, f) => n + f.insertions, 0),
      deletions: changes.reduce((n, f) => n + f.deletions, 0),
      turns: c.stats.turns,
      tokens: c.stats.tokens_in + c.stats.tokens_out,
      cost_usd: c.stats.cost_usd,
      cost_estimated: c.stats.cost_estimated,
      duration_s: durationOf(c, now),
      overlap: [],
    });
  }
  // Each pair once: files in common, and the conflict forecast when both have a snapshot.
  for (const [i, a] of rows.entries()) {
    for (const b of rows.slice(i + 1)) {
      const fa = files.get(a.coder_id)!;
      const common = [...files.get(b.coder_id)!].filter((f) => fa.has(f)).sort();
      let conflicts: string[] = [];
      const sa = snaps.get(a.coder_id);
      const sb = snaps.get(b.coder_id);
      if (common.length > 0 && sa && sb) {
        const f = await deps.gitOps.forecast(g.repo, sa, sb).catch(() => null);
        if (f && !f.clean) conflicts = f.files;
      }
      a.overlap.push({ coder_id: b.coder_id, files: common, conflicts });
      b.overlap.push({ coder_id: a.coder_id, files: common, conflicts });
    }
  }
  const { decided_by, reason } = rankRows(rows);
  return {
    group_id: g.id,
    base_ref: g.base_ref,
    base_commit: g.base_commit,
    rows,
    best: rows[0]?.coder_id ?? null,
    decided_by,
    reason,
  };
}
