/** Handlers of the group routes (best of N; docs/best-of-n.md). */
import { groupsOf } from '../../core/group-ops.js';
import { defined, longPollMs } from '../validate.js';
import type { RouteHandlers } from './types.js';

export const groupHandlers: RouteHandlers<
  'createGroup' | 'listGroups' | 'getGroup' | 'controlGroup' | 'waitGroup' | 'compareGroup'
> = {
  createGroup: ({ ctx, body }) => groupsOf(ctx.manager).createGroup(body),
  listGroups: ({ ctx, query }) => ({ groups: groupsOf(ctx.manager).listGroups(defined(query)) }),
  getGroup: ({ ctx, params }) => groupsOf(ctx.manager).getGroup(params.id),
  controlGroup: ({ ctx, params, body }) => groupsOf(ctx.manager).controlGroup(params.id, body),
  waitGroup: ({ ctx, params, query, signal }) =>
    groupsOf(ctx.manager).waitGroup(params.id, { timeout_ms: longPollMs(query.timeout_ms), signal }),
  compareGroup: ({ ctx, params }) => groupsOf(ctx.manager).compareGroup(params.id),
};
