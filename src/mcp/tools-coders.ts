/** The coder tools: ai_coder_create and ai_coder_list here, then control and status (their own files). */
import { invalid } from './errors.js';
import {
  createInput,
  createOutput,
  listInput,
  listOutput,
  type CreateArgs,
  type ListArgs,
} from './schemas.js';
import { compactCoder, compactGroup, compactListText, type CompactCoder } from './compact.js';
import { groupsOf } from '../core/group-ops.js';
import { coderJson, guarded, type ToolContext } from './tool-kit.js';
import type { ToolRegistry } from './tool-registry.js';
import { registerControlTool } from './tools-coders-control.js';
import { registerStatusTool } from './tools-coders-status.js';

/** The list as the model reads it: a table for compact records, JSON for full ones. */
function listText(r: Record<string, unknown>): string {
  const coders = r.coders as Record<string, unknown>[];
  if (coders.some((c) => typeof c.stats !== 'string')) return JSON.stringify(r);
  const groups = (r.groups ?? []) as { id: string; name: string; members: string[] }[];
  return [
    compactListText({
      coders: coders as unknown as CompactCoder[],
      total: r.total as number,
      next_cursor: r.next_cursor as string | null,
    }),
    ...groups.map((g) => `group ${g.id} (${g.name}): ${g.members.join(', ')}`),
  ].join('\n');
}

/** Registers the four coder tools in tools/list order: create, list, control, status. */
export function registerCoderTools(server: ToolRegistry, ctx: ToolContext): void {
  const { manager } = ctx;

  server.registerTool(
    'ai_coder_create',
    {
      title: 'Create a coder',
      description:
        'Start an AI coding agent on a task in its own git worktree and branch; returns at once. Follow ' +
        'with ai_coder_status (wait_for "terminal"), read with ai_coder_logs and ai_coder_workspace, ' +
        'remove with ai_coder_control.',
      inputSchema: createInput,
      outputSchema: createOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    guarded(ctx, 'ai_coder_create', async (args: CreateArgs) => {
      if (args.agents !== undefined) {
        for (const f of ['provider', 'model', 'branch'] as const) {
          if (args[f] !== undefined)
            throw invalid(f, 'cannot be combined with agents (each member gets its own)');
        }
        const { provider: _p, model: _m, branch: _b, agents, ...rest } = args;
        return { ...compactGroup(await groupsOf(manager).createGroup({ ...rest, agents })) };
      }
      // The tool's arguments are the contract's create input (protocol/inputs.ts): passed on as they are.
      return { ...compactCoder(await manager.create(args)) };
    }),
  );

  server.registerTool(
    'ai_coder_list',
    {
      title: 'List coders',
      description:
        'List coders, newest first: id, name, state, provider, branch (unless it is ' +
        'aicoder/<id>-<slug of name>), age, short stats, and the question or error when there is one ' +
        '(detail "full": whole records). Filter by state and repo; page with cursor = next_cursor.',
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
        const groupIds = [...new Set(page.coders.flatMap((c) => (c.group_id ? [c.group_id] : [])))];
        const groups = groupIds.flatMap((id) => {
          try {
            const g = groupsOf(manager).getGroup(id);
            return [{ id: g.id, name: g.name, members: g.members.map((m) => m.id) }];
          } catch {
            return [];
          }
        });
        return Promise.resolve({
          coders:
            args.detail === 'full'
              ? page.coders.map(coderJson)
              : page.coders.map((c) => compactCoder(c, now)),
          total: page.total,
          next_cursor: page.next_cursor,
          ...(groups.length > 0 ? { groups } : {}),
        });
      },
      listText,
    ),
  );

  registerControlTool(server, ctx);
  registerStatusTool(server, ctx);
}
