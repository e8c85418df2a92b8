/**
 * The compact coder record that ai_coder_list and ai_coder_status return by default (about 50
 * tokens): what an orchestrating model needs to decide its next call. `detail: "full"` returns the
 * whole record instead (tool-kit.ts coderJson).
 */
import { checkSummary } from '../core/check-types.js';
import type { Coder } from '../core/coder.js';
import { usdText } from '../core/cost-estimate.js';
import { describeSandbox } from '../core/sandbox.js';
import type { GroupView } from '../core/group.js';
import { defaultBranch } from '../core/ids.js';
import type { CompactCoderRecord, CompactGroupRecord } from '../protocol/records.js';

/**
 * The compact record; its fields and their meaning are protocol/records.ts `compactCoderRecord`
 * (present only when set: question, error, stalled, progress, warnings, sandbox, retry_at, group,
 * checks).
 */
export type CompactCoder = CompactCoderRecord;

/** A group as ai_coder_create/status/control return it (protocol/records.ts `compactGroupRecord`). */
export type CompactGroup = CompactGroupRecord;

export function compactGroup(g: GroupView, now = Date.now()): CompactGroup {
  const out: CompactGroup = {
    id: g.id,
    name: clip(g.name, NAME_MAX),
    state: g.state,
    base_ref: g.base_ref,
    base_commit: g.base_commit,
    members: g.members.map((c) => compactCoder(c, now)),
  };
  const r = g.review;
  if (r) {
    out.review = {
      state: r.state,
      provider: r.provider,
      coder_id: r.coder_id,
      choice: r.choice,
      verdict: r.verdict === null ? null : clip(r.verdict, TEXT_MAX),
      reasons: r.reasons === null ? null : clip(r.reasons, REASONS_MAX),
    };
    if (r.error) out.review.error = clip(r.error, TEXT_MAX);
  }
  if (g.picked) out.picked = g.picked.coder_id;
  return out;
}

/** The reviewer's reasons as the model reads them (the whole answer stays on the group: detail full). */
const REASONS_MAX = 1200;

const NAME_MAX = 60;
const TEXT_MAX = 300;

function clip(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** "42s", "7m", "3h", "2d" from milliseconds (negative clock skew reads as "0s"). */
export function shortAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

function shortCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function shortStats(st: Coder['stats']): string {
  const parts: string[] = [];
  if (st.turns) parts.push(`${st.turns} turn${st.turns === 1 ? '' : 's'}`);
  const tokens = st.tokens_in + st.tokens_out;
  if (tokens) parts.push(`${shortCount(tokens)} tokens`);
  if (st.cost_usd) parts.push(usdText(st.cost_usd, st.cost_estimated));
  if (st.files_changed) parts.push(`${st.files_changed} file${st.files_changed === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/**
 * The branch of a compact record: left out when it is the one aicoder derives, `aicoder/<id>-<slug
 * of name>` (core/ids.ts defaultBranch), computed from the name as the record shows it, so a reader
 * gets the same branch back from id and name; given when the caller chose a branch, or the name
 * changed since. The branch costs ~26 of a record's ~65 tokens as Claude Code reads it (JSON).
 */
export function compactBranch(c: { id: string; name: string; branch?: string | undefined }): string {
  return c.branch ?? derivedBranch(c.id, c.name);
}

/**
 * defaultBranch, remembered per coder id with the name it was made from: slugify's Unicode
 * normalisation ran twice per coder per compact list.
 */
const branchMemo = new Map<string, { name: string; branch: string }>();
const BRANCH_MEMO_MAX = 4096;

function derivedBranch(id: string, name: string): string {
  const m = branchMemo.get(id);
  if (m !== undefined && m.name === name) return m.branch;
  if (m === undefined && branchMemo.size >= BRANCH_MEMO_MAX) branchMemo.clear();
  const branch = defaultBranch(id, name);
  branchMemo.set(id, { name, branch });
  return branch;
}

export function compactCoder(c: Coder, now = Date.now()): CompactCoder {
  const name = clip(c.name, NAME_MAX);
  const out: CompactCoder = {
    id: c.id,
    name,
    state: c.state,
    provider: c.provider,
    ...(c.branch === derivedBranch(c.id, name) ? {} : { branch: c.branch }),
    age: shortAge(now - Date.parse(c.created_at)),
    stats: shortStats(c.stats),
  };
  if (c.question) out.question = clip(c.question, TEXT_MAX);
  if (c.error) out.error = clip(c.error, TEXT_MAX);
  if (c.stalled) out.stalled = true;
  if (c.progress) {
    const pct = c.progress.percent === null ? '' : `${c.progress.percent}% `;
    out.progress = clip(`${pct}${c.progress.message}`, TEXT_MAX);
  }
  if (c.warnings.length) out.warnings = c.warnings.map((w) => clip(w, TEXT_MAX));
  if (c.sandbox.mode !== 'none') out.sandbox = describeSandbox(c.sandbox);
  if (c.state === 'waiting' && c.usage_limit) out.retry_at = c.usage_limit.retry_at;
  if (c.group_id) out.group = c.group_id;
  if (c.checks) out.checks = clip(checkSummary(c.checks), TEXT_MAX);
  if (c.role) out.role = c.role.name;
  return out;
}

const COLUMNS = ['id', 'state', 'provider', 'age', 'name', 'branch', 'stats'] as const;

function cell(v: string): string {
  return v.replace(/\|/g, '\\|');
}

/**
 * What the model reads for a compact ai_coder_list: one line per coder under a header, the columns
 * separated by " | ", then indented `question:`, `error:`, `progress:` lines when present; the
 * paging facts once at the top. About 45 tokens per coder, against about 70 for the same JSON.
 */
export function compactListText(page: {
  coders: CompactCoder[];
  total: number;
  next_cursor: string | null;
}): string {
  const head = `${page.coders.length} of ${page.total} coders${page.next_cursor ? `; more with cursor "${page.next_cursor}"` : ''}`;
  if (page.coders.length === 0) return head;
  const lines = [head, COLUMNS.join(' | ')];
  for (const c of page.coders) {
    const stats = c.stalled ? [c.stats, 'stalled'].filter(Boolean).join(', ') : c.stats;
    lines.push([c.id, c.state, c.provider, c.age, cell(c.name), compactBranch(c), stats || '-'].join(' | '));
    if (c.question) lines.push(`  question: ${c.question}`);
    if (c.error) lines.push(`  error: ${c.error}`);
    if (c.retry_at) lines.push(`  resumes at: ${c.retry_at}`);
    if (c.progress) lines.push(`  progress: ${c.progress}`);
    for (const w of c.warnings ?? []) lines.push(`  warning: ${w}`);
    if (c.checks) lines.push(`  checks: ${c.checks}`);
    if (c.role) lines.push(`  role: ${c.role}`);
  }
  return lines.join('\n');
}
