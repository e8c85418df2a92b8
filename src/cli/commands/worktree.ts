/** commit, merge, pr, conflicts, gc: the worktree lifecycle from the shell (docs/worktrees.md). */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { DaemonClient } from '../../client/types.js';
import type { ConflictReport, GcResult } from '../../core/worktree-types.js';
import type { CliContext } from '../context.js';
import { gitToplevel } from '../git-toplevel.js';

interface JsonOpt {
  json?: boolean;
}

/** "7d", "12h", "30m", "45s" or a number of seconds → milliseconds. */
export function durationOption(v: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhdw]?)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must be a duration like 7d, 12h, 30m or 45s');
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[
    m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'
  ];
  return Math.round(Number(m[1]) * unit * 1000);
}

/** The repository toplevel (realpath) of a path given on the command line. */
export function repoArg(cwd: string, p: string): string {
  const abs = resolve(cwd, p);
  const top = gitToplevel(abs) ?? abs;
  try {
    return realpathSync(top);
  } catch {
    return top;
  }
}

function worktreeClient(ctx: CliContext): Promise<DaemonClient> {
  return ctx.client();
}

export function registerWorktreeCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('commit')
    .description("commit all of a coder's changes (untracked files included) on its branch")
    .argument('<id>', 'coder id or unique prefix')
    .option('-m, --message <text>', 'commit message; default: from the task')
    .option('--json', 'print the result as JSON: {coder_id, commit, files, message}')
    .action(async (id: string, o: JsonOpt & { message?: string }) => {
      const r = await (
        await worktreeClient(ctx)
      ).commit(id, o.message !== undefined ? { message: o.message } : {});
      if (o.json) return out.json(r);
      if (r.commit === null) return out.line(`coder ${r.coder_id}: nothing to commit`);
      out.line(
        `coder ${out.paint('bold', r.coder_id)}: committed ${r.files} file(s) as ${r.commit.slice(0, 12)}`,
      );
    });

  program
    .command('merge')
    .description("merge a coder's branch into its base branch (refuses, changing nothing, on conflict)")
    .argument('<id>', 'coder id or unique prefix')
    .option('--squash', 'one squashed commit on the base branch')
    .option('--rebase', 'replay the branch on the base branch, then fast-forward')
    .option('-m, --message <text>', 'message of the merge or squash commit')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, o: JsonOpt & { squash?: boolean; rebase?: boolean; message?: string }) => {
      if (o.squash && o.rebase) throw new InvalidArgumentError('give --squash or --rebase, not both');
      const strategy = o.squash ? 'squash' : o.rebase ? 'rebase' : 'merge';
      const r = await (
        await worktreeClient(ctx)
      ).merge(id, { strategy, ...(o.message !== undefined ? { message: o.message } : {}) });
      if (o.json) return out.json(r);
      if (r.outcome === 'up_to_date')
        return out.line(`${r.base_ref} already contains coder ${r.coder_id}'s work`);
      const how =
        r.outcome === 'fast_forward'
          ? 'fast-forwarded'
          : strategy === 'squash'
            ? 'squashed into'
            : 'merged into';
      out.line(
        `coder ${out.paint('bold', r.coder_id)}: ${how} ${r.base_ref} (${r.before.slice(0, 12)} → ${r.after.slice(0, 12)})`,
      );
      if (r.updated_checkout !== null) out.line(`  updated the checkout at ${r.updated_checkout}`);
    });

  program
    .command('pr')
    .description("push a coder's branch and open a pull request with gh (GitHub CLI)")
    .argument('<id>', 'coder id or unique prefix')
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--title <text>', 'PR title; default: the coder name')
    .option('--draft', 'open a draft PR')
    .option('--json', 'print {url, pushed} as JSON')
    .action(async (id: string, o: JsonOpt & { remote: string; title?: string; draft?: boolean }) => {
      const c = await (await ctx.client()).get(id);
      // Loaded here only: git/pr.js brings execa, which `aicoder pr` alone needs.
      const { openPullRequest } = await import('../../git/pr.js');
      const r = await openPullRequest({
        repo: c.repo,
        branch: c.branch,
        base: c.base_ref,
        title: o.title ?? c.name,
        body: `${c.task}\n\n(aicoder coder ${c.id}, ${c.provider})`,
        remote: o.remote,
        draft: o.draft === true,
        env: ctx.env,
      });
      if (o.json) return out.json(r);
      out.line(`pushed ${r.pushed}; PR: ${r.url}`);
    });

  program
    .command('conflicts')
    .description(
      'forecast conflicts between the coders of a repo, and with their base (uncommitted work included)',
    )
    .option('--repo <path>', 'only this repository; default: every repository with coders')
    .option('--json', 'print the reports as JSON: [{repo, coders, pairs, with_base}]')
    .action(async (o: JsonOpt & { repo?: string }) => {
      const reports = await (
        await worktreeClient(ctx)
      ).conflicts(o.repo !== undefined ? { repo: repoArg(ctx.cwd, o.repo) } : {});
      if (o.json) return out.json(reports);
      printConflicts(ctx, reports);
    });

  program
    .command('gc')
    .description('remove the worktrees and branches of ended coders that are merged, then git worktree prune')
    .option(
      '--older-than <duration>',
      'only coders that ended at least this long ago (e.g. 7d, 12h)',
      durationOption,
    )
    .option('--dry-run', 'only list what would be removed')
    .option(
      '--include-unmerged',
      'also coders with unmerged commits or uncommitted changes (their work is lost)',
    )
    .option('--repo <path>', 'only this repository')
    .option('--json', 'print the result as JSON: {dry_run, removed, skipped, pruned}')
    .action(
      async (
        o: JsonOpt & { olderThan?: number; dryRun?: boolean; includeUnmerged?: boolean; repo?: string },
      ) => {
        const r = await (
          await worktreeClient(ctx)
        ).gc({
          ...(o.olderThan !== undefined ? { older_than_ms: o.olderThan } : {}),
          dry_run: o.dryRun === true,
          include_unmerged: o.includeUnmerged === true,
          ...(o.repo !== undefined ? { repo: repoArg(ctx.cwd, o.repo) } : {}),
        });
        if (o.json) return out.json(r);
        printGc(ctx, r);
      },
    );
}

function printConflicts(ctx: CliContext, reports: ConflictReport[]): void {
  const { out } = ctx;
  if (reports.length === 0) return out.line('no coders');
  const rows = reports.flatMap((r) => [
    ...r.pairs.map((p) => [r.repo, `${p.a} ↔ ${p.b}`, p.files.join(', ')]),
    ...r.with_base.map((b) => [r.repo, `${b.coder} ↔ ${b.base_ref}`, b.files.join(', ')]),
  ]);
  if (rows.length === 0) {
    const n = reports.reduce((s, r) => s + r.coders.length, 0);
    return out.line(`no conflicts among ${n} coder(s)`);
  }
  out.table(['REPO', 'BETWEEN', 'FILES'], rows);
}

function printGc(ctx: CliContext, r: GcResult): void {
  const { out } = ctx;
  const verb = r.dry_run ? 'would remove' : 'removed';
  if (r.removed.length === 0) out.line(`nothing to remove`);
  else {
    out.line(`${verb} ${r.removed.length} coder(s):`);
    out.table(
      ['ID', 'STATE', 'MERGED', 'BRANCH'],
      r.removed.map((i) => [i.id, i.state, i.merged ? 'yes' : 'no', i.branch]),
    );
    for (const i of r.removed)
      for (const n of i.notes ?? []) out.line(out.paint('yellow', `note: ${i.id}: ${n}`));
  }
  if (r.skipped.length > 0) {
    out.line(out.paint('dim', `kept ${r.skipped.length}:`));
    out.table(
      ['ID', 'STATE', 'REASON'],
      r.skipped.map((i) => [i.id, i.state, i.reason]),
    );
  }
}
