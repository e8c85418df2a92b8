/** ai_coder_create, ai_coder_list, ai_coder_control and ai_coder_status. */
import type { WaitTarget } from '../core/api.js';
import type { Coder } from '../core/coder.js';
import { invalid } from './errors.js';
import { heartbeat, progressFor } from './progress.js';
import {
  controlInput,
  controlOutput,
  createInput,
  DEFAULT_WAIT_S,
  listInput,
  listOutput,
  statusInput,
  statusOutput,
  compactCoderSchema,
  type ControlArgs,
  type CreateArgs,
  type ListArgs,
  type StatusArgs,
} from './schemas.js';
import { compactCoder, compactListText, type CompactCoder } from './compact.js';
import { coderJson, describeCoder, guarded, type ToolContext } from './tool-kit.js';
import type { ToolRegistry } from './tool-registry.js';

const HEARTBEAT_MS = 10_000;

/** The list as the model reads it: a table for compact records, JSON for full ones. */
function listText(r: Record<string, unknown>): string {
  const coders = r.coders as Record<string, unknown>[];
  if (coders.some((c) => typeof c.stats !== 'string')) return JSON.stringify(r);
  return compactListText({
    coders: coders as unknown as CompactCoder[],
    total: r.total as number,
    next_cursor: r.next_cursor as string | null,
  });
}

/** The compact record, or the whole one with detail "full". */
function record(c: Coder, detail: 'compact' | 'full'): Record<string, unknown> {
  return detail === 'full' ? coderJson(c) : { ...compactCoder(c) };
}

export function registerCoderTools(server: ToolRegistry, ctx: ToolContext): void {
  const { manager } = ctx;

  server.registerTool(
    'ai_coder_create',
    {
      title: 'Create a coder',
      description:
        'Start an AI coding agent on a task in its own git worktree and branch. Returns the coder record at ' +
        'once (it never waits for the work): follow it with ai_coder_status (wait_for "terminal"), read ' +
        'the result with ai_coder_logs and ai_coder_workspace, clean up with ai_coder_control remove. ' +
        'Create several to fan out independent tasks.',
      inputSchema: createInput,
      outputSchema: compactCoderSchema,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded(ctx, 'ai_coder_create', async (args: CreateArgs) => {
      // The tool's arguments are the contract's create input (protocol/inputs.ts): passed on as they are.
      return { ...compactCoder(await manager.create(args)) };
    }),
  );

  server.registerTool(
    'ai_coder_list',
    {
      title: 'List coders',
      description:
        'List coders, newest first: id, name, state, provider, branch, age, short stats, and the ' +
        'question or error when there is one (detail "full": whole records). Filter by state and repo; ' +
        'page with cursor = next_cursor.',
      inputSchema: listInput,
      outputSchema: listOutput,
      annotations: {
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    guarded(
      ctx,
      'ai_coder_list',
      (args: ListArgs) => {
        const states = Array.isArray(args.status_filter) ? args.status_filter : [args.status_filter];
        const page = manager.list({
          states,
          limit: args.limit,
          ...(args.repo !== undefined ? { repo: args.repo } : {}),
          ...(args.cursor !== undefined ? { cursor: args.cursor } : {}),
        });
        const now = Date.now();
        return Promise.resolve({
          coders:
            args.detail === 'full'
              ? page.coders.map(coderJson)
              : page.coders.map((c) => compactCoder(c, now)),
          total: page.total,
          next_cursor: page.next_cursor,
        });
      },
      listText,
    ),
  );

  server.registerTool(
    'ai_coder_control',
    {
      title: 'Control a coder',
      description:
        'Act on a coder (`action`; message and answer need `message`). remove deletes its worktree and ' +
        'branch, and refuses uncommitted changes or unmerged commits unless force. Returns the record after.',
      inputSchema: controlInput,
      outputSchema: controlOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded(ctx, 'ai_coder_control', async (args: ControlArgs) => {
      const texted = args.action === 'message' || args.action === 'answer';
      if (texted && args.message === undefined) {
        throw invalid('message', `is required when action is "${args.action}"`);
      }
      if (!texted && args.message !== undefined) {
        throw invalid(
          'message',
          `is only used with actions "message" and "answer" (got action "${args.action}")`,
        );
      }
      if (args.action !== 'remove' && (args.force !== undefined || args.keep_branch !== undefined)) {
        const field = args.force !== undefined ? 'force' : 'keep_branch';
        throw invalid(field, `is only used with action "remove" (got action "${args.action}")`);
      }
      const { coder_id, ...input } = args;
      const res = await manager.control(coder_id, input);
      return { coder: compactCoder(res.coder), removed: res.removed };
    }),
  );

  server.registerTool(
    'ai_coder_status',
    {
      title: 'Coder status',
      description:
        'A coder\'s compact record (detail "full": the whole record with task, paths, times, limits and ' +
        'last message). With wait_for it waits up to timeout_s (≤ 50) for those states, sending progress ' +
        'with the state and last message; call again while timed_out.',
      inputSchema: statusInput,
      outputSchema: statusOutput,
      annotations: {
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    guarded(ctx, 'ai_coder_status', async (args: StatusArgs, extra) => {
      if (args.wait_for === undefined) {
        if (args.timeout_s !== undefined) throw invalid('timeout_s', 'is only used with wait_for');
        return record(manager.get(args.coder_id), args.detail);
      }
      const target: WaitTarget = args.wait_for;
      const progress = progressFor(extra);
      let last: Coder = manager.get(args.coder_id);
      progress.report(describeCoder(last));
      const stop = heartbeat(HEARTBEAT_MS, () => progress.report(describeCoder(last)));
      try {
        const res = await manager.wait(last.id, {
          for: target,
          timeout_ms: (args.timeout_s ?? DEFAULT_WAIT_S) * 1000,
          signal: extra.signal,
          onProgress: (c) => {
            const changed = describeCoder(c) !== describeCoder(last);
            last = c;
            if (changed) progress.report(describeCoder(c));
          },
        });
        return { ...record(res.coder, args.detail), timed_out: res.timed_out };
      } finally {
        stop();
        await progress.flush();
      }
    }),
  );
}
