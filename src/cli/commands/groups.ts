/**
 * Best of N on the command line: `create --agents`, groups in `status`/`stop`/`restart`/`rm`, and
 * `check` (a coder's or every member's checks).
 */
import type { Command } from 'commander';
import type { DaemonClient } from '../../client/types.js';
import { checkSummary } from '../../core/check-types.js';
import { isTerminal, type Coder } from '../../core/coder.js';
import { AicoderError } from '../../core/errors.js';
import type { CreateGroupInput, GroupAction, GroupControlResult } from '../../core/group-ops.js';
import { isGroupRef, parseAgentsSpec, type GroupView } from '../../core/group.js';
import type { CliContext } from '../context.js';
import type { CompareResult } from '../../core/compare.js';
import { usdText } from '../../core/cost-estimate.js';
import { COMPARE_HEADERS, overlapLines, overlapSummary } from '../../term/compare-text.js';
import { mergeOutcomeText } from '../../term/merge-text.js';
import type { Output } from '../output.js';
import { checkFields, clip, duration, shown, stateStyle } from '../format.js';
import { secondsOption } from '../options.js';
import { waitUntilEnded, withReconnect } from './waiting.js';

const SLICE_MS = 45_000;

export { isGroupRef };

/** The daemon's client (its group methods: createGroup, getGroup, controlGroup, …). */
export function groupClient(ctx: CliContext): Promise<DaemonClient> {
  return ctx.client();
}

/** `create --agents SPEC`: makes the group; with --wait, waits until every member has ended. */
export async function createGroupCli(
  ctx: CliContext,
  input: Omit<CreateGroupInput, 'agents'>,
  spec: string,
  o: { json?: boolean; wait?: boolean },
): Promise<void> {
  const { out } = ctx;
  const g = await (await groupClient(ctx)).createGroup({ ...input, agents: parseAgentsSpec(spec) });
  if (!o.wait) {
    if (o.json) return out.json(g);
    printGroup(out, g, `created group ${out.paint('bold', g.id)} (${shown(g.name)})`);
    return;
  }
  if (!o.json) out.line(`created group ${out.paint('bold', g.id)} with ${g.members.length} members`);
  const end = await waitGroup(ctx, g.id, { timeoutMs: null, progress: !o.json });
  if (o.json) out.json(end.group);
  else printGroup(out, end.group, `group ${out.paint('bold', g.id)} ${end.group.state}`);
  ctx.exitCode = end.group.members.every((m) => m.state === 'completed') ? 0 : 1;
}

/** Waits in long polls until every member has ended (or the timeout), with a progress line. */
export async function waitGroup(
  ctx: CliContext,
  id: string,
  opts: { timeoutMs: number | null; progress: boolean },
): Promise<{ group: GroupView; timedOut: boolean }> {
  const started = Date.now();
  const deadline = opts.timeoutMs === null ? Number.POSITIVE_INFINITY : started + opts.timeoutMs;
  const spinner = ctx.out.spinner(opts.progress);
  try {
    for (;;) {
      const left = deadline - Date.now();
      const slice = Math.max(0, Math.min(opts.progress ? 2_000 : SLICE_MS, left));
      const r = await withReconnect(ctx, async (c) =>
        c.waitGroup(id, { timeout_ms: Math.max(0, Math.round(slice)) }),
      );
      const counts = Object.entries(r.group.counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      spinner.update(`${r.group.id} · ${counts} · ${duration((Date.now() - started) / 1000)}`);
      if (!r.timed_out) return { group: r.group, timedOut: false };
      if (Date.now() >= deadline) return { group: r.group, timedOut: true };
    }
  } finally {
    spinner.stop();
  }
}

/** `wait GROUP`: exit 0 when every member completed, 1 otherwise (timeout: an error). */
export async function waitGroupCli(
  ctx: CliContext,
  id: string,
  timeoutMs: number | null,
  json: boolean | undefined,
): Promise<void> {
  const r = await waitGroup(ctx, id, { timeoutMs, progress: !json });
  if (json) ctx.out.json(r.group);
  else printGroup(ctx.out, r.group);
  if (r.timedOut) {
    throw new AicoderError('timeout', `timed out waiting for group ${r.group.id} (it is ${r.group.state})`);
  }
  ctx.exitCode = r.group.members.every((m) => m.state === 'completed') ? 0 : 1;
}

/** A group as text: a head line, then one line per member with its state and checks. */
export function printGroup(out: Output, g: GroupView, head?: string): void {
  out.line(head ?? `group ${out.paint('bold', g.id)} (${shown(g.name)}) · ${g.state}`);
  out.line(`  task      ${clip(g.task, 200)}`);
  out.line(`  base      ${g.base_ref} (${g.base_commit.slice(0, 12)})`);
  for (const m of g.members) out.line(memberLine(out, m));
  if (g.review) out.line(reviewLine(g.review));
  if (g.picked)
    out.line(`  picked    ${g.picked.coder_id} into ${g.picked.base_ref} (${g.picked.after.slice(0, 12)})`);
}

/** The cross-review's state, and its verdict once it gave one. */
function reviewLine(r: NonNullable<GroupView['review']>): string {
  const who = r.coder_id ? ` by ${r.coder_id}` : '';
  if (r.state === 'done') {
    const choice = r.choice ? ` → ${r.choice}` : '';
    return `  review    ${r.provider}${who}: ${clip(r.verdict ?? '(no verdict line)', 200)}${choice}`;
  }
  if (r.state === 'failed') return `  review    ${r.provider}${who}: failed: ${clip(r.error ?? '', 200)}`;
  return `  review    ${r.provider}${who}: ${r.state}`;
}

function memberLine(out: Output, m: Coder): string {
  const checks = m.checks ? ` · checks ${checkSummary(m.checks)}` : '';
  const model = m.model ? `/${m.model}` : '';
  return `  ${out.paint('bold', m.id)}  ${m.provider}${model}  ${out.paint(stateStyle(m.state), m.state)}  ${m.branch}${checks}`;
}

/** Lines under `list`: each group of the listed coders with its members' ids. */
export function groupLines(out: Output, groups: readonly GroupView[]): void {
  for (const g of groups) {
    const members = g.members.map((m) => `${m.id} ${m.state}`).join(', ');
    out.line(out.paint('dim', `group ${g.id} (${clip(g.name, 40)}) · ${g.state}: ${members}`));
  }
}

/** `status`/`stop`/`restart`/`rm` on a group id: the action on every member, then the group. */
export async function controlGroupCli(
  ctx: CliContext,
  id: string,
  input: { action: GroupAction; force?: boolean; keep_branch?: boolean },
  json: boolean | undefined,
): Promise<void> {
  const { out } = ctx;
  const r: GroupControlResult = await (await groupClient(ctx)).controlGroup(id, input);
  if (json) return out.json(r);
  for (const m of r.members) {
    // The daemon names the API's fields; on the command line they are options.
    const note = m.note.replace(/\b(use|with) force\b/g, '$1 --force');
    out.line(`  ${out.paint('bold', m.id)}  ${m.ok ? note : out.paint('red', note)}`);
  }
  if (r.removed) out.line(`removed group ${out.paint('bold', id)}`);
  else if (r.group) out.line(`group ${out.paint('bold', r.group.id)} is ${r.group.state}`);
  if (r.members.some((m) => !m.ok)) ctx.exitCode = 1;
}

export async function statusGroupCli(ctx: CliContext, id: string, json: boolean | undefined): Promise<void> {
  const g = await (await groupClient(ctx)).getGroup(id);
  if (json) return ctx.out.json(g);
  printGroup(ctx.out, g);
}

/** `compare GROUP`: the ranked table, the overlaps, and which rule decided. */
export function printCompare(out: Output, r: CompareResult): void {
  const money = (n: number, estimated: boolean) => usdText(n, estimated);
  out.table(
    [...COMPARE_HEADERS],
    r.rows.map((row) => [
      String(row.rank),
      { text: row.coder_id, style: 'bold' as const },
      row.model ? `${row.provider}/${row.model}` : row.provider,
      { text: row.state, style: stateStyle(row.state) },
      {
        text: row.checks,
        style:
          row.checks === 'passed'
            ? ('green' as const)
            : row.checks === 'none'
              ? ('dim' as const)
              : ('red' as const),
      },
      String(row.files_changed),
      `+${row.insertions} -${row.deletions}`,
      String(row.turns),
      String(row.tokens),
      money(row.cost_usd, row.cost_estimated),
      row.duration_s === null ? '-' : duration(row.duration_s),
      overlapSummary(row),
    ]),
  );
  for (const l of overlapLines(r)) out.line(out.paint('dim', l));
  if (r.best !== null) {
    out.line(`best: ${out.paint('bold', r.best)} (${r.decided_by ?? 'only member'}: ${r.reason})`);
  }
}

export function registerGroupCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('pick')
    .description("merge a group member into the base (as merge does) and remove the other members' worktrees")
    .argument('<id>', 'coder id or unique prefix (a member of a group)')
    .option(
      '--drop-branches',
      "also delete the other members' branches (default: kept, their work committed)",
    )
    .option('--json', 'print the result as JSON: {coder, removed, pick}')
    .action(async (id: string, o: { json?: boolean; dropBranches?: boolean }) => {
      const r = await (
        await ctx.client()
      ).control(id, { action: 'pick', drop_branches: o.dropBranches === true });
      if (o.json) return out.json(r);
      const p = r.removed ? undefined : r.pick;
      if (!p) return out.line(`picked coder ${out.paint('bold', r.coder.id)}`);
      if (p.commit.commit)
        out.line(
          `committed ${p.commit.files} file(s) on ${r.coder.branch} (${p.commit.commit.slice(0, 12)})`,
        );
      const how = mergeOutcomeText(p.merge.outcome);
      out.line(
        `merged ${out.paint('bold', r.coder.id)} into ${p.merge.base_ref}: ${p.merge.before.slice(0, 12)} → ${p.merge.after.slice(0, 12)} (${how})`,
      );
      for (const x of p.others) {
        if (x.error) out.line(out.paint('red', `  ${x.coder_id}  not removed: ${x.error}`));
        else if (x.branch)
          out.line(
            `  ${x.coder_id}  worktree removed; branch ${x.branch} kept${x.commit ? ` (its work committed: ${x.commit.slice(0, 12)})` : ''}`,
          );
        else out.line(`  ${x.coder_id}  worktree and branch removed`);
      }
      if (p.others.some((x) => x.error)) ctx.exitCode = 1;
    });

  program
    .command('compare')
    .description("a group's members side by side, ranked: checks passing, then smaller diff, then lower cost")
    .argument('<group>', 'group id or unique prefix')
    .option('--json', 'print the comparison as JSON (CompareResult)')
    .action(async (id: string, o: { json?: boolean }) => {
      const r = await (await groupClient(ctx)).compareGroup(id);
      if (o.json) return out.json(r);
      printCompare(out, r);
    });

  program
    .command('check')
    .description(
      "run the repository's checks (.aicoder.json \"check\") in a coder's worktree, or every member's",
    )
    .argument('<id>', 'coder id or unique prefix, or a group id')
    .option('--wait', 'wait for the result (exit code 0 when every check passed, 1 otherwise)')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds', secondsOption)
    .option('--json', 'print the coder record (a group: the group) as JSON')
    .action(async (id: string, o: { json?: boolean; wait?: boolean; timeout?: number }) => {
      const timeoutMs = o.timeout === undefined ? null : o.timeout * 1000;
      if (isGroupRef(id)) {
        const r = await (await groupClient(ctx)).controlGroup(id, { action: 'check' });
        if (!o.wait) return controlResultOut(ctx, r, o.json);
        const end = await waitGroup(ctx, id, { timeoutMs, progress: !o.json });
        if (o.json) out.json(end.group);
        else printGroup(out, end.group);
        if (end.timedOut) throw new AicoderError('timeout', `the checks of group ${id} did not end in time`);
        ctx.exitCode = end.group.members.every((m) => m.checks?.verdict === 'passed') ? 0 : 1;
        return;
      }
      const client = await ctx.client();
      const r = await client.control(id, { action: 'check' });
      if (!o.wait) {
        if (o.json) return out.json(r.coder);
        return out.line(`checks of coder ${out.paint('bold', r.coder.id)} are running`);
      }
      const w = await waitUntilEnded(ctx, r.coder.id, { timeoutMs, progress: !o.json });
      if (o.json) out.json(w.coder);
      else {
        for (const [k, v, style] of checkFields(w.coder))
          out.line(`${out.paint('dim', k.padEnd(10))}  ${out.paint(style, v)}`);
      }
      if (w.timedOut || !isTerminal(w.coder.state)) {
        throw new AicoderError('timeout', `the checks of coder ${w.coder.id} did not end in time`);
      }
      ctx.exitCode = w.coder.checks?.verdict === 'passed' ? 0 : 1;
    });
}

function controlResultOut(ctx: CliContext, r: GroupControlResult, json: boolean | undefined): void {
  if (json) return ctx.out.json(r);
  for (const m of r.members) ctx.out.line(`  ${ctx.out.paint('bold', m.id)}  ${m.note}`);
}
