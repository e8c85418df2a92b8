/** Handlers of a coder's worktree reads: the diff in byte pages, the changed files, the files, one file. */
import { DIFF_PAGE_BYTES, FILE_READ_DEFAULT_BYTES } from '../../protocol/index.js';
import { sliceBytes } from '../../workspace/slice.js';
import { defined } from '../validate.js';
import type { RouteHandlers } from './types.js';

export const workspaceHandlers: RouteHandlers<'diff' | 'changes' | 'files' | 'readFile'> = {
  diff: async ({ ctx, params, query: q }) => {
    // Each page recomputes the diff: diff_bytes changes when the worktree did.
    const slice = sliceBytes(
      await ctx.manager.diff(params.id),
      q.offset ?? 0,
      q.max_bytes ?? DIFF_PAGE_BYTES,
    );
    return {
      diff: slice.text,
      diff_bytes: slice.total,
      truncated: slice.next_offset !== null,
      next_offset: slice.next_offset,
    };
  },
  changes: ({ ctx, params, query: q }) => ctx.manager.changes(params.id, defined(q)),
  files: ({ ctx, params, query: q }) => ctx.manager.files(params.id, defined(q)),
  readFile: ({ ctx, params, query: q }) =>
    ctx.manager.readFile(params.id, q.path, {
      max_bytes: q.max_bytes ?? FILE_READ_DEFAULT_BYTES,
      offset: q.offset ?? 0,
    }),
};
