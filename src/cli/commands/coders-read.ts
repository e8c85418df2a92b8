/** Reading coders: list, status, diff, providers. */
import type { Command } from 'commander';
import type { StateFilter } from '../../core/api.js';
import type { CliContext } from '../context.js';
import { formatBytes } from '../format-bytes.js';
import { repoArg } from './worktree.js';
import { CODER_TABLE_HEADER, coderRow, statusFields } from '../format.js';
import { intOption } from '../options.js';
import { MAX_LIST_LIMIT } from '../../protocol/limits.js';
import { printProviders } from './providers.js';
import { groupClient, groupLines, isGroupRef, statusGroupCli } from './groups.js';
import type { JsonOpt } from './coders.js';

/** list and status. */
export function registerListStatus(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('list')
    .alias('ls')
    .description('list coders, newest first')
    .option('--state <states>', 'comma-separated states, or "active" / "all" (default: all)')
    .option('--repo <path>', 'only coders of this repository')
    .option('--limit <n>', `at most this many (1–${MAX_LIST_LIMIT})`, intOption(1, MAX_LIST_LIMIT), 50)
    .option('--disk', "also each worktree's disk usage (computed now)")
    .option('--json', 'print the page as JSON: {coders, total, next_cursor} (with --disk: and disk)')
    .action(async (o: JsonOpt & { state?: string; repo?: string; limit: number; disk?: boolean }) => {
      const client = await ctx.client();
      const page = await client.list({
        ...(o.state !== undefined
          ? { states: o.state.split(',').map((s) => s.trim()) as StateFilter[] }
          : {}),
        ...(o.repo !== undefined ? { repo: repoArg(ctx.cwd, o.repo) } : {}),
        limit: o.limit,
      });
      const disk = o.disk ? await client.disk(page.coders.map((c) => c.id)) : undefined;
      const groupIds = [...new Set(page.coders.flatMap((c) => (c.group_id ? [c.group_id] : [])))];
      const gc = groupIds.length > 0 ? await groupClient(ctx) : null;
      const groups = gc ? await Promise.all(groupIds.map((g) => gc.getGroup(g))) : [];
      const extra = { ...(disk ? { disk } : {}), ...(groups.length > 0 ? { groups } : {}) };
      if (o.json) return out.json({ ...page, ...extra });
      if (page.coders.length === 0) return out.line('no coders');
      const now = new Date();
      const size = new Map((disk ?? []).map((d) => [d.id, formatBytes(d.bytes)]));
      out.table(
        disk ? [...CODER_TABLE_HEADER, 'DISK'] : CODER_TABLE_HEADER,
        page.coders.map((c) => (disk ? [...coderRow(c, now), size.get(c.id) ?? '-'] : coderRow(c, now))),
      );
      if (page.total > page.coders.length) {
        out.line(out.paint('dim', `showing ${page.coders.length} of ${page.total} (use --limit)`));
      }
      groupLines(out, groups);
      const asking = page.coders.filter((c) => c.state === 'needs_input');
      if (asking.length > 0) {
        const ids = asking.map((c) => c.id).join(', ');
        out.line(
          out.paint(
            'magenta',
            `? ${asking.length} coder(s) need input (${ids}): \`aicoder status ID\` shows the question, \`aicoder answer ID TEXT\` replies`,
          ),
        );
      }
      const kept = page.coders.filter((c) => c.processes.length > 0);
      if (kept.length > 0) {
        out.line(
          out.paint(
            'dim',
            `+N: background processes still running (keep_processes); \`aicoder status ID\` lists them`,
          ),
        );
      }
    });

  program
    .command('status')
    .description("show one coder's record, or a group's")
    .argument('<id>', 'coder id or unique prefix, or a group id')
    .option('--json', 'print the coder record (a group: the group) as JSON')
    .action(async (id: string, o: JsonOpt) => {
      if (isGroupRef(id)) return statusGroupCli(ctx, id, o.json);
      const coder = await (await ctx.client()).get(id);
      if (o.json) return out.json(coder);
      const fields = statusFields(coder);
      const width = Math.max(...fields.map(([k]) => k.length));
      for (const [k, v, style] of fields)
        out.line(`${out.paint('dim', k.padEnd(width))}  ${out.paint(style, v)}`);
    });
}

/** diff and providers (registered after the control commands: the order of `aicoder --help`). */
export function registerDiffProviders(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('diff')
    .description("the coder's changes against its base commit (unified diff, untracked files included)")
    .argument('<id>', 'coder id or unique prefix')
    .option('--json', 'print {diff} as JSON')
    .action(async (id: string, o: JsonOpt) => {
      const diff = await (await ctx.client()).diff(id);
      if (o.json) return out.json({ diff });
      out.raw(diff === '' || diff.endsWith('\n') ? diff : `${diff}\n`);
    });

  program
    .command('providers')
    .description('list the providers (shipped and from AICODER_HOME/providers)')
    .option('--json', 'print the providers (each with its status) as a JSON array')
    .action(async (o: JsonOpt) => {
      const report = await (await ctx.client()).providerReport();
      if (!o.json) return printProviders(out, report);
      out.json(report.providers);
      // Skipped files stay visible without changing the JSON shape.
      for (const e of report.errors) out.rawErr(`aicoder: provider file skipped: ${e.message}\n`);
    });
}
