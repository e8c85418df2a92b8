/** create, list, status, pause|resume|stop|restart, message, rm, diff, providers. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { StateFilter } from '../../core/api.js';
import { AicoderError, isAicoderError } from '../../core/errors.js';
import type { CoderAction } from '../../core/state-machine.js';
import type { CliContext } from '../context.js';
import { createWorktreeClient } from '../../client/worktree-client.js';
import { formatBytes } from '../format-bytes.js';
import { repoArg } from './worktree.js';
import { CODER_TABLE_HEADER, coderRow, outcomeLine, shown, stateStyle, statusFields } from '../format.js';
import { intOption, secondsOption } from '../options.js';
import { MAX_LIST_LIMIT } from '../../protocol/limits.js';
import { printProviders } from './providers.js';
import { timeoutError, waitUntilEnded } from './waiting.js';
import {
  controlGroupCli,
  createGroupCli,
  groupClient,
  groupLines,
  isGroupRef,
  statusGroupCli,
} from './groups.js';

/**
 * The daemon's refusals name the API's fields (`force`, `keep_branch`), shared with MCP; on the command
 * line they are the options `--force` and `--keep-branch`.
 */
function withCliOptionNames(e: unknown): unknown {
  if (!isAicoderError(e)) return e;
  const message = e.message
    .replace(/\b(use|with) force\b/g, '$1 --force')
    .replace(/\bkeep the branch \(keep_branch\)/g, 'keep the branch (--keep-branch)');
  return message === e.message
    ? e
    : new AicoderError(e.code, message, {
        ...(e.field !== undefined ? { field: e.field } : {}),
        ...(e.details !== undefined ? { details: e.details } : {}),
      });
}

interface JsonOpt {
  json?: boolean;
}

export function registerCoderCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('create')
    .description('create a coder: a new worktree and branch, and an agent working on the task')
    .argument('<task...>', 'what the agent should do (words are joined with spaces)')
    .option('--repo <path>', 'repository (any folder inside it); default: the current directory')
    .option('--provider <name>', 'provider (see `aicoder providers`); default: the configured one')
    .option(
      '--agents <list>',
      'best of N: one coder per agent, e.g. claude:2,codex,gemini/MODEL (a group; not with --provider, --model, --branch)',
    )
    .option('--model <model>', 'model passed to the provider')
    .option('--base <ref>', 'base ref of the new branch; default: HEAD of the repository')
    .option('--branch <name>', 'branch name; default: aicoder/<id>-<slug-of-name>')
    .option('--name <name>', 'display name; default: from the task')
    .option('--wait', 'wait until the coder ends (exit code as for `wait`)')
    .option('--timeout <seconds>', 'stop the coder after this many seconds of running (its timeout_s)')
    .option('--max-turns <n>', 'stop the coder when the agent goes beyond n turns')
    .option('--budget-usd <usd>', 'stop the coder when its cost reaches this many US dollars')
    .option(
      '--keep-processes',
      'let processes the agent leaves running (a dev server) outlive its run; stop and rm end them',
    )
    .option('--sandbox <mode>', 'none, or bwrap: the agent writes only its worktree (docs/sandbox.md)')
    .option('--role <name>', 'a role preset: developer, reviewer, tester, architect, … (docs/roles.md)')
    .option(
      '--review-by <provider>',
      "with --agents: a reviewer-role coder of this provider judges the members' results when they end",
    )
    .option('--json', 'print the coder record as JSON')
    .action(
      async (
        words: string[],
        o: JsonOpt & {
          repo?: string;
          provider?: string;
          model?: string;
          base?: string;
          branch?: string;
          name?: string;
          wait?: boolean;
          timeout?: string;
          maxTurns?: string;
          budgetUsd?: string;
          keepProcesses?: boolean;
          sandbox?: string;
          agents?: string;
          role?: string;
          reviewBy?: string;
        },
      ) => {
        const { agents, ...fieldOpts } = o;
        if (agents !== undefined) {
          for (const [set, flag] of [
            [o.provider, '--provider'],
            [o.model, '--model'],
            [o.branch, '--branch'],
          ] as const) {
            if (set !== undefined) {
              throw new AicoderError('invalid_input', `${flag} cannot be combined with --agents`, {
                field: 'agents',
              });
            }
          }
        }
        const { createInputFrom } = await import('../create-input.js');
        const input = createInputFrom(fieldOpts, {
          task: words.join(' '),
          repo: resolve(ctx.cwd, o.repo ?? '.'),
        });
        if (agents !== undefined) return createGroupCli(ctx, input, agents, o);
        const client = await ctx.client();
        const coder = await client.create(input);
        if (!o.wait) {
          if (o.json) return out.json(coder);
          out.line(
            `created coder ${out.paint('bold', coder.id)} (${shown(coder.name)}) · ${coder.provider} · ${out.paint(stateStyle(coder.state), coder.state)}`,
          );
          out.line(`  branch    ${coder.branch}`);
          out.line(`  worktree  ${coder.workspace}`);
          return;
        }
        if (!o.json) out.line(`created coder ${out.paint('bold', coder.id)} on ${coder.branch}`);
        // --timeout is the coder's own limit: the daemon stops it, which ends this wait too.
        const r = await waitUntilEnded(ctx, coder.id, { timeoutMs: null, progress: !o.json });
        if (o.json) out.json(r.coder);
        if (r.timedOut) throw timeoutError(r.coder, input.timeout_s ?? 0);
        if (!o.json) out.line(out.paint(stateStyle(r.coder.state), outcomeLine(r.coder)));
        ctx.exitCode = r.coder.state === 'completed' ? 0 : 1;
      },
    );

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
      const disk = o.disk
        ? await createWorktreeClient(client.baseUrl, client.authHeaders).disk(page.coders.map((c) => c.id))
        : undefined;
      const groupIds = [...new Set(page.coders.flatMap((c) => (c.group_id ? [c.group_id] : [])))];
      const gc = groupIds.length > 0 ? await groupClient(ctx) : null;
      const groups = gc ? await Promise.all(groupIds.map((g) => gc.get(g))) : [];
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

  const actions: [CoderAction, string][] = [
    ['pause', 'pause a running coder (SIGSTOP to its process group)'],
    ['resume', 'resume a paused coder (SIGCONT)'],
    ['stop', 'stop a coder (SIGTERM, then SIGKILL after the grace period)'],
    ['restart', 'run an ended coder again in the same worktree'],
  ];
  for (const [action, description] of actions) {
    program
      .command(action)
      .description(description)
      .argument('<id>', 'coder id or unique prefix (stop, restart: or a group id)')
      .option('--json', 'print the result as JSON: {coder, removed} (a group: {group, members, removed})')
      .action(async (id: string, o: JsonOpt) => {
        if (isGroupRef(id) && (action === 'stop' || action === 'restart')) {
          return controlGroupCli(ctx, id, { action }, o.json);
        }
        const r = await (await ctx.client()).control(id, { action });
        if (o.json) return out.json(r);
        out.line(
          `coder ${out.paint('bold', r.coder.id)} is ${out.paint(stateStyle(r.coder.state), r.coder.state)}`,
        );
      });
  }

  program
    .command('message')
    .description('send a follow-up message: the ended coder continues its agent session')
    .argument('<id>', 'coder id or unique prefix')
    .argument('<text...>', 'the message (words are joined with spaces)')
    .option('--wait', 'wait until the coder ends again (exit code as for `wait`)')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds', secondsOption)
    .option('--json', 'print the result as JSON: {coder, removed} (with --wait: the coder record)')
    .action(async (id: string, words: string[], o: JsonOpt & { wait?: boolean; timeout?: number }) => {
      const r = await (await ctx.client()).control(id, { action: 'message', message: words.join(' ') });
      if (!o.wait) {
        if (o.json) return out.json(r);
        return out.line(
          `coder ${out.paint('bold', r.coder.id)} is ${out.paint(stateStyle(r.coder.state), r.coder.state)} (continuing session ${r.coder.session_id ?? '?'})`,
        );
      }
      const timeoutMs = o.timeout === undefined ? null : o.timeout * 1000;
      const w = await waitUntilEnded(ctx, r.coder.id, { timeoutMs, progress: !o.json });
      if (o.json) out.json(w.coder);
      if (w.timedOut) throw timeoutError(w.coder, o.timeout ?? 0);
      if (!o.json) out.line(out.paint(stateStyle(w.coder.state), outcomeLine(w.coder)));
      ctx.exitCode = w.coder.state === 'completed' ? 0 : 1;
    });

  program
    .command('answer')
    .description('answer the question of a coder in needs_input (or resume an ended one with the answer)')
    .argument('<id>', 'coder id or unique prefix')
    .argument('<text...>', 'the answer (words are joined with spaces)')
    .option('--json', 'print the result as JSON: {coder, removed}')
    .action(async (id: string, words: string[], o: JsonOpt) => {
      const r = await (await ctx.client()).control(id, { action: 'answer', message: words.join(' ') });
      if (o.json) return out.json(r);
      out.line(
        `answered coder ${out.paint('bold', r.coder.id)}; it is ${out.paint(stateStyle(r.coder.state), r.coder.state)}`,
      );
    });

  program
    .command('rm')
    .description('remove a coder with its worktree and branch (a group: every member)')
    .argument('<id>', 'coder id or unique prefix, or a group id')
    .option('--force', 'also when running, with uncommitted changes or commits not in base')
    .option('--keep-branch', 'keep the branch (the worktree is removed)')
    .option('--json', 'print the result as JSON: {coder, removed}')
    .action(async (id: string, o: JsonOpt & { force?: boolean; keepBranch?: boolean }) => {
      if (isGroupRef(id)) {
        const input = {
          action: 'remove' as const,
          force: o.force === true,
          keep_branch: o.keepBranch === true,
        };
        return controlGroupCli(ctx, id, input, o.json).catch((e: unknown) => {
          throw withCliOptionNames(e);
        });
      }
      const r = await (
        await ctx.client()
      )
        .control(id, { action: 'remove', force: o.force === true, keep_branch: o.keepBranch === true })
        .catch((e: unknown) => {
          throw withCliOptionNames(e);
        });
      if (o.json) return out.json(r);
      const notes = r.removed ? (r.notes ?? []) : [];
      if (notes.length > 0) {
        out.line(`removed coder ${out.paint('bold', r.coder.id)} (worktree folder deleted)`);
        for (const n of notes) out.line(out.paint('yellow', `note: ${n}`));
        return;
      }
      const branch = o.keepBranch ? `kept branch ${r.coder.branch}` : `deleted branch ${r.coder.branch}`;
      out.line(`removed coder ${out.paint('bold', r.coder.id)} (worktree removed, ${branch})`);
    });

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
