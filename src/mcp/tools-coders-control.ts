/** ai_coder_control: act on a coder or on every member of a group. */
import { invalid } from './errors.js';
import { controlInput, controlOutput, type ControlArgs } from './schemas.js';
import { compactCoder, compactGroup } from './compact.js';
import { groupsOf } from '../core/group-ops.js';
import { isGroupRef } from '../core/group.js';
import { guarded, type ToolContext } from './tool-kit.js';
import type { ToolRegistry } from './tool-registry.js';

export function registerControlTool(server: ToolRegistry, ctx: ToolContext): void {
  const { manager } = ctx;

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
}
