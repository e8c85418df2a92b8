/**
 * The text of a group's compare table that `aicoder compare` and the TUI's compare view both show
 * (from core/compare.ts's CompareResult): each member's overlap summary, and one line per pair of
 * members whose changes meet. Plain text; each surface styles it and makes agent text safe its own way.
 */
import type { CompareResult, CompareRow } from '../core/compare.js';

/**
 * The compare table's column headers, in order, as both surfaces print them: rank, member id,
 * provider[/model], state, check verdict, files changed, +insertions -deletions, turns, tokens, cost
 * (USD), duration, overlap summary. Each surface fills its own cells in this order.
 */
export const COMPARE_HEADERS = [
  'RANK',
  'ID',
  'PROVIDER',
  'STATE',
  'CHECKS',
  'FILES',
  '+/-',
  'TURNS',
  'TOKENS',
  'COST',
  'TIME',
  'OVERLAP',
] as const;

/** "-" when no other member changes the same files, else "3 shared" or "3 shared, 1 conflict". */
export function overlapSummary(row: CompareRow): string {
  const common = new Set(row.overlap.flatMap((o) => o.files)).size;
  const conflicts = new Set(row.overlap.flatMap((o) => o.conflicts)).size;
  if (common === 0) return '-';
  return `${common} shared${conflicts > 0 ? `, ${conflicts} conflict` : ''}`;
}

/**
 * One line per pair of members whose changes meet, each pair once, in row order:
 * "a1 and b2 both change x.ts, y.ts; would conflict in x.ts" (the forecast of `git merge-tree`), or
 * "…; no conflict".
 */
export function overlapLines(r: CompareResult): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const row of r.rows) {
    for (const o of row.overlap) {
      const pair = [row.coder_id, o.coder_id].sort().join(' ');
      if (seen.has(pair) || o.files.length === 0) continue;
      seen.add(pair);
      const conflict =
        o.conflicts.length > 0 ? `; would conflict in ${o.conflicts.join(', ')}` : '; no conflict';
      out.push(`${row.coder_id} and ${o.coder_id} both change ${o.files.join(', ')}${conflict}`);
    }
  }
  return out;
}
