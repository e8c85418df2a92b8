/** Handlers of the worktree lifecycle: commit, merge, conflicts, gc, disk (docs/worktrees.md). */
import type { ManagerApi } from '../../core/api.js';
import { AicoderError } from '../../core/errors.js';
import type { WorktreeApi } from '../../core/worktree-types.js';
import { defined } from '../validate.js';
import type { RouteHandlers } from './types.js';

function lifecycleOf(manager: ManagerApi): WorktreeApi {
  const m = manager as ManagerApi & Partial<WorktreeApi>;
  if (!m.commit || !m.merge || !m.conflicts || !m.gc || !m.disk) {
    throw new AicoderError('not_supported', 'this manager has no worktree lifecycle operations');
  }
  return m as WorktreeApi;
}

export const worktreeHandlers: RouteHandlers<'commit' | 'merge' | 'conflicts' | 'gc' | 'disk'> = {
  commit: ({ ctx, params, body }) => lifecycleOf(ctx.manager).commit(params.id, defined(body)),
  merge: ({ ctx, params, body }) => lifecycleOf(ctx.manager).merge(params.id, defined(body)),
  conflicts: async ({ ctx, query }) => ({
    reports: await lifecycleOf(ctx.manager).conflicts(defined(query)),
  }),
  gc: ({ ctx, body }) => lifecycleOf(ctx.manager).gc(defined(body)),
  disk: async ({ ctx, query }) => ({
    disk: await lifecycleOf(ctx.manager).disk(query.ids.split(',').filter(Boolean)),
  }),
};
