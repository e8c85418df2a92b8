/** Handlers of a coder's log and wait routes: logs (paged or long-polled), one entry's text, wait. */
import type { FollowInput } from '../../core/api.js';
import { AicoderError } from '../../core/errors.js';
import { defined, longPollMs, waitTarget } from '../validate.js';
import type { RouteHandlers } from './types.js';

export const logHandlers: RouteHandlers<'logs' | 'logText' | 'wait'> = {
  logs: async ({ ctx, params, query: q, signal }) => {
    const kinds = q.kinds !== undefined && q.kinds.length > 0 ? q.kinds : undefined;
    if (!q.follow) {
      return ctx.manager.logs(
        params.id,
        defined({ since_seq: q.since_seq, tail: q.tail, kinds, max_bytes: q.max_bytes }),
      );
    }
    if (q.tail !== undefined) {
      throw new AicoderError('invalid_input', 'tail cannot be combined with follow (use since_seq)', {
        field: 'tail',
      });
    }
    const input: FollowInput = {
      since_seq: q.since_seq ?? 0,
      timeout_ms: longPollMs(q.timeout_ms),
      signal,
      ...defined({ kinds, max_bytes: q.max_bytes }),
    };
    return ctx.manager.followLogs(params.id, input);
  },
  logText: ({ ctx, params, query: q }) =>
    ctx.manager.logText(params.id, params.seq, defined({ offset: q.offset, max_bytes: q.max_bytes })),
  wait: ({ ctx, params, query: q, signal }) =>
    ctx.manager.wait(params.id, { for: waitTarget(q), timeout_ms: longPollMs(q.timeout_ms), signal }),
};
