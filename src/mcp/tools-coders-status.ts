/** ai_coder_status: a coder's or a group's record, optionally waiting for states with progress. */
import type { WaitTarget } from '../core/api.js';
import type { Coder } from '../core/coder.js';
import { invalid } from './errors.js';
import { heartbeat, progressFor } from './progress.js';
import { DEFAULT_WAIT_S, statusInput, statusOutput, type StatusArgs } from './schemas.js';
import { compactCoder, compactGroup } from './compact.js';
import { groupsOf } from '../core/group-ops.js';
import { isGroupRef } from '../core/group.js';
import { coderJson, describeCoder, guarded, type ToolContext } from './tool-kit.js';
import type { ToolRegistry } from './tool-registry.js';

const HEARTBEAT_MS = 10_000;

/** The compact record, or the whole one with detail "full". */
function record(c: Coder, detail: 'compact' | 'full'): Record<string, unknown> {
  return detail === 'full' ? coderJson(c) : { ...compactCoder(c) };
}

export function registerStatusTool(server: ToolRegistry, ctx: ToolContext): void {
  const { manager } = ctx;

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
