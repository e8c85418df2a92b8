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
  createOutput,
  type ControlArgs,
  type CreateArgs,
  type ListArgs,
  type StatusArgs,
} from './schemas.js';
import { compactCoder, compactGroup, compactListText, type CompactCoder } from './compact.js';
import { groupsOf } from '../core/group-ops.js';
import { isGroupRef } from '../core/group.js';
import { coderJson, describeCoder, guarded, type ToolContext } from './tool-kit.js';
import type { ToolRegistry } from './tool-registry.js';

const HEARTBEAT_MS = 10_000;

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

  server.registerTool(
    'ai_coder_control',
    {
      title: 'Control a coder',
      description:
        'Act on a coder, or every member of a group (see action). remove refuses uncommitted changes or ' +
        'unmerged commits unless force. Returns the record after the action.',
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
      if (isGroupRef(args.coder_id)) {
        const action = args.action;
        if (
          action !== 'start' &&
          action !== 'stop' &&
          action !== 'restart' &&
          action !== 'remove' &&
          action !== 'check'
        ) {
          throw invalid('action', `"${action}" applies to one coder, not a group (use a member's id)`);
        }
        const gi: { action: typeof action; force?: boolean; keep_branch?: boolean } = { action };
        if (args.force !== undefined) gi.force = args.force;
        if (args.keep_branch !== undefined) gi.keep_branch = args.keep_branch;
        const r = await groupsOf(manager).controlGroup(args.coder_id, gi);
        return { group: r.group ? compactGroup(r.group) : null, members: r.members, removed: r.removed };
      }
      if (args.drop_branches !== undefined && args.action !== 'pick') {
        throw invalid('drop_branches', `is only used with action "pick" (got action "${args.action}")`);
      }
      const { coder_id, ...input } = args;
      const res = await manager.control(coder_id, input);
      if (!res.removed && res.pick) {
        const { merge, others, commit } = res.pick;
        return {
          coder: compactCoder(res.coder),
          removed: false,
          pick: { commit: commit.commit, merge: { ...merge }, others: others.map((o) => ({ ...o })) },
        };
      }
      return { coder: compactCoder(res.coder), removed: res.removed };
    }),
  );

  server.registerTool(
    'ai_coder_status',
    {
      title: 'Coder status',
      description:
        'A coder\'s or group\'s compact record (detail "full": whole). With wait_for it waits up to ' +
        'timeout_s for those states, sending progress; call again while timed_out.',
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
      if (isGroupRef(args.coder_id)) return groupStatus(args, extra);
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

  /** A group's status; wait_for waits until every member has ended ("terminal" only). */
  async function groupStatus(args: StatusArgs, extra: Parameters<typeof progressFor>[0]) {
    const api = groupsOf(manager);
    const shape = (g: ReturnType<typeof api.getGroup>) =>
      args.detail === 'full' ? { ...g, members: g.members.map(coderJson) } : { ...compactGroup(g) };
    if (args.wait_for === undefined) {
      if (args.timeout_s !== undefined) throw invalid('timeout_s', 'is only used with wait_for');
      return shape(api.getGroup(args.coder_id));
    }
    if (args.wait_for !== 'terminal')
      throw invalid('wait_for', 'for a group must be "terminal" (every member ended)');
    const progress = progressFor(extra);
    const say = (c: Coder) => progress.report(`${c.id}: ${describeCoder(c)}`);
    const stop = heartbeat(HEARTBEAT_MS, () => progress.report(`waiting for group ${args.coder_id}`));
    try {
      const res = await api.waitGroup(args.coder_id, {
        timeout_ms: (args.timeout_s ?? DEFAULT_WAIT_S) * 1000,
        signal: extra.signal,
        onProgress: say,
      });
      return { ...shape(res.group), timed_out: res.timed_out };
    } finally {
      stop();
      await progress.flush();
    }
  }
}
