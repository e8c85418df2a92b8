/** `create`: a coder (or with --agents a group) from the command line. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { AicoderError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { outcomeLine, shown, stateStyle } from '../format.js';
import { createGroupCli } from './groups.js';
import { timeoutError, waitUntilEnded } from './waiting.js';
import type { JsonOpt } from './coders.js';

export function registerCreateCommand(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('create')
    .description('create a coder: a new worktree and branch, and an agent working on the task')
    .argument('<task...>', 'what the agent should do (words are joined with spaces)')
    .option('--repo <path>', 'repository (any folder inside it); default: the current directory')
    .option('--provider <name>', 'provider (see `aicoder providers`); default: the configured one')
    .option(
      '--agents <list>',
      'best of N: one coder per agent, e.g. claude:2,codex@reviewer,gemini/MODEL (a group; not with --provider, --model, --branch)',
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
    .option(
      '--network <mode>',
      'on, or off (with --sandbox bwrap): no network but aicoder and loopback model URLs',
    )
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
          network?: string;
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
}
