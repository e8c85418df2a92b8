/** Acting on a coder: pause, resume, stop, restart, message, answer, rm. */
import type { Command } from 'commander';
import { AicoderError, isAicoderError } from '../../core/errors.js';
import type { CoderAction } from '../../core/state-machine.js';
import type { CliContext } from '../context.js';
import { outcomeLine, stateStyle } from '../format.js';
import { secondsOption } from '../options.js';
import { controlGroupCli, isGroupRef } from './groups.js';
import { timeoutError, waitUntilEnded } from './waiting.js';
import type { JsonOpt } from './coders.js';

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

export function registerControlCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;

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
}
