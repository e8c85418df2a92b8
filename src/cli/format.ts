/** Pure formatting of records for human output (tables, status blocks, log lines). */
import { describeSandbox } from '../core/sandbox.js';
import { checkSummary } from '../core/check-types.js';
import type { Coder, CoderState, LogEntry } from '../core/coder.js';
import { usdText } from '../core/cost-estimate.js';
import type { Cell, Style } from './output.js';
import { safeText } from '../term/safe-text.js';
import { STATE_COLOUR } from '../term/state-colour.js';
import { truncateEnd } from '../term/width.js';

/** The style of a state's text: the palette both surfaces share (term/state-colour.ts). */
export function stateStyle(state: CoderState): Style {
  return STATE_COLOUR[state];
}

/** "42s", "5m", "3h", "2d" since an ISO time. */
export function age(iso: string, now: Date = new Date()): string {
  const s = Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** "1h02m03s" for a number of seconds. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/**
 * Agent text (a name, task, question, message or error) as one safe display line of at most `max`
 * terminal cells: controls made visible and inert (term/safe-text.ts), whitespace runs folded.
 */
export function clip(text: string, max: number): string {
  const one = safeText(text.length > max * 4 ? text.slice(0, max * 4) : text)
    .replace(/\s+/g, ' ')
    .trim();
  return truncateEnd(one, max);
}

/** Agent text as one safe display line, whole (see clip). */
export function shown(text: string): string {
  return safeText(text);
}

/**
 * The STATE cell: a coder waiting for an answer is marked "?", a stalled one "(stalled)", one with
 * warnings "(!)", one keeping N background processes "+N".
 */
export function stateCell(
  c: Pick<Coder, 'state' | 'stalled' | 'processes' | 'warnings'> & Partial<Pick<Coder, 'usage_limit'>>,
): string {
  let text: string = c.state;
  if (c.state === 'needs_input') text = `${text} ?`;
  else if (c.state === 'waiting' && c.usage_limit) text = `${text} ${c.usage_limit.retry_at.slice(11, 16)}`;
  else if (c.stalled) text = `${text} (stalled)`;
  if (c.warnings.length > 0) text = `${text} (!)`;
  if (c.processes.length > 0) text = `${text} +${c.processes.length}`;
  return text;
}

export const CODER_TABLE_HEADER = ['ID', 'NAME', 'PROVIDER', 'STATE', 'EXIT', 'AGE', 'COST', 'BRANCH'];

/**
 * A coder's cost: "$0.12", "~$0.12" when estimated from tokens (templates/prices.json), with "(estimated)"
 * after it at 4 decimals (status); "-" in the list when nothing was spent or reported.
 */
export function costCell(s: Coder['stats'], digits = 2): string {
  if (digits === 2 && s.cost_usd === 0) return '-';
  const text = usdText(s.cost_usd, s.cost_estimated, digits);
  return digits !== 2 && s.cost_estimated ? `${text} (estimated)` : text;
}

export function coderRow(c: Coder, now: Date = new Date()): Cell[] {
  return [
    { text: c.id, style: 'bold' },
    clip(c.name, 30),
    c.role ? `${c.provider} (${c.role.name})` : c.provider,
    { text: stateCell(c), style: stateStyle(c.state) },
    c.exit_code === null ? '-' : String(c.exit_code),
    age(c.created_at, now),
    costCell(c.stats),
    c.branch,
  ];
}

/** Key/value lines for `status`. */
export function statusFields(c: Coder): [string, string, Style?][] {
  const fields: [string, string, Style?][] = [
    ['id', c.id],
    ['name', shown(c.name)],
    ['state', c.stalled ? `${c.state} (stalled)` : c.state, stateStyle(c.state)],
    ['task', clip(c.task, 200)],
    ['provider', c.model === null ? c.provider : `${c.provider} (model ${c.model})`],
    ['repo', c.repo],
    ['base', `${c.base_ref} (${c.base_commit.slice(0, 12)})`],
    ['branch', c.branch],
    ['worktree', c.workspace],
    ['sandbox', describeSandbox(c.sandbox)],
  ];
  if (c.role) {
    const tools = c.role.tools === 'read_only' ? 'read only' : 'all tools';
    fields.push(['role', `${c.role.name} (${tools}; reports ${c.role.report.join(', ') || 'nothing'})`]);
  }
  if (c.question !== null) fields.push(['question', clip(c.question, 500), 'magenta']);
  if (c.state === 'waiting' && c.usage_limit !== null) {
    const u = c.usage_limit;
    const why = u.from_provider ? "the provider's reset time" : 'backoff';
    fields.push([
      'waiting',
      `until ${u.retry_at} (${why}, wait ${u.tries}): ${clip(u.reason, 300)}`,
      'yellow',
    ]);
  }
  if (c.progress !== null) {
    const pct = c.progress.percent === null ? '' : `${c.progress.percent}% · `;
    fields.push(['progress', `${pct}${clip(c.progress.message, 200)}`]);
  }
  const l = c.limits;
  const limits = [
    l.max_turns !== null ? `${l.max_turns} turns` : null,
    l.timeout_s !== null ? `${l.timeout_s} s` : null,
    l.budget_usd !== null ? `$${l.budget_usd.toFixed(2)}` : null,
  ].filter((x) => x !== null);
  if (limits.length) fields.push(['limits', limits.join(' · ')]);
  if (c.pid !== null) fields.push(['pid', String(c.pid)]);
  if (c.exit_code !== null) fields.push(['exit code', String(c.exit_code)]);
  if (c.session_id !== null) fields.push(['session', shown(c.session_id)]);
  if (c.error !== null) fields.push(['error', shown(c.error), 'red']);
  for (const w of c.warnings) fields.push(['warning', clip(w, 500), 'yellow']);
  if (c.permission_denials.length > 0) {
    fields.push(['denied', clip(c.permission_denials.join(' · '), 500), 'yellow']);
  }
  if (c.processes.length > 0) {
    const procs = c.processes.map((p) => `pid ${p.pid} ${clip(p.command, 80)}`).join(' · ');
    fields.push(['running', clip(procs, 500), 'yellow']);
  }
  if (c.group_id !== null) fields.push(['group', c.group_id]);
  fields.push(...checkFields(c));
  fields.push(['created', c.created_at]);
  if (c.started_at !== null) fields.push(['started', c.started_at]);
  if (c.ended_at !== null) fields.push(['ended', c.ended_at]);
  const s = c.stats;
  fields.push([
    'stats',
    `${s.turns} turns · ${s.tokens_in} tokens in · ${s.tokens_out} out · ${costCell(s, 4)} · ${s.files_changed} files changed`,
  ]);
  if (s.last_message !== null) fields.push(['last message', clip(s.last_message, 200)]);
  return fields;
}

/** The checks lines of `status`: the verdict, then one line per command with its output's last line. */
export function checkFields(c: Pick<Coder, 'checks'>): [string, string, Style?][] {
  const r = c.checks;
  if (r === null) return [];
  const style: Style = r.verdict === 'passed' ? 'green' : r.verdict === 'running' ? 'yellow' : 'red';
  const out: [string, string, Style?][] = [['checks', checkSummary(r), style]];
  for (const x of r.results) {
    const time = x.duration_ms === null ? '' : ` · ${(x.duration_ms / 1000).toFixed(1)} s`;
    const code = x.exit_code === null ? '' : ` · exit ${x.exit_code}`;
    const last = x.tail
      .split('\n')
      .filter((l) => l.trim() !== '')
      .at(-1);
    const tail = x.status === 'passed' || last === undefined ? '' : ` · ${clip(last, 100)}`;
    const st: Style =
      x.status === 'passed' ? 'green' : x.status === 'running' || x.status === 'pending' ? 'yellow' : 'red';
    out.push(['  ' + x.status, `${clip(x.argv.join(' '), 80)}${code}${time}${tail}`, st]);
  }
  return out;
}

/** One log entry as a human line (controls made visible and inert; `logs --raw` prints e.text as is): plain text for output, a marker for other kinds and system notes. */
export function logLine(e: LogEntry): { text: string; style?: Style } {
  const body = safeText(e.text, { multiline: true });
  if (e.stream === 'system') return { text: `» ${body}`, style: 'dim' };
  const text = e.kind === 'text' ? body : `[${e.kind}] ${body}`;
  return e.stream === 'stderr' ? { text, style: 'red' } : { text };
}

/** "coder ab12 completed (exit code 0)" */
export function outcomeLine(c: Coder): string {
  const exit = c.exit_code === null ? '' : ` (exit code ${c.exit_code})`;
  const err = c.error !== null && c.state !== 'completed' ? `: ${shown(c.error)}` : '';
  return `coder ${c.id} ${c.state}${exit}${err}`;
}
