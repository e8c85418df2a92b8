/** ai_coder_workspace and ai_coder_logs. */
import { StringDecoder } from 'node:string_decoder';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LogsResult, ManagerApi } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import type { WorktreeApi } from '../core/worktree-types.js';
import { checkRelativePath } from '../core/validate.js';
import { invalid } from './errors.js';
import { progressFor, type ToolExtra } from './progress.js';
import {
  DEFAULT_WAIT_S,
  logsInput,
  logsOutput,
  workspaceInput,
  workspaceOutput,
  type LogsArgs,
  type WorkspaceArgs,
} from './schemas.js';
import { entryJson, guarded, type ToolContext } from './tool-kit.js';

/** A slice of text by UTF-8 bytes that never splits a character. */
export function sliceBytes(
  text: string,
  offset: number,
  maxBytes: number,
): { text: string; total: number; next_offset: number | null } {
  const buf = Buffer.from(text, 'utf8');
  const start = Math.min(offset, buf.length);
  const piece = new StringDecoder('utf8').write(buf.subarray(start, start + maxBytes));
  const end = start + Buffer.byteLength(piece, 'utf8');
  return { text: piece, total: buf.length, next_offset: end < buf.length ? end : null };
}

function lifecycle(manager: ManagerApi): WorktreeApi {
  const m = manager as ManagerApi & Partial<WorktreeApi>;
  if (!m.commit || !m.merge || !m.conflicts) {
    throw new AicoderError('not_supported', 'this daemon has no worktree lifecycle operations');
  }
  return m as WorktreeApi;
}

export function registerWorkspaceTools(server: McpServer, ctx: ToolContext): void {
  const { manager } = ctx;

  server.registerTool(
    'ai_coder_workspace',
    {
      title: 'Coder workspace',
      description:
        "Look into a coder's worktree. list: tracked and untracked files with sizes; read: one file by " +
        'path relative to the worktree (text; binary files say so; never outside the worktree); diff: ' +
        'unified diff of all its work (committed and uncommitted) against base_commit; changes: per-file ' +
        'status with insertions/deletions. read and diff return at most max_bytes from offset. ' +
        'commit: commits all changes (untracked included) on its branch, message defaults to the task; ' +
        'merge: merges the branch into base_ref (strategy merge | squash | rebase) — forecast first, and on ' +
        'a conflict, or when the checkout of base_ref has uncommitted changes, nothing changes and the ' +
        'files are reported; conflicts: files that would conflict with base_ref and with other coders.',
      inputSchema: workspaceInput,
      outputSchema: workspaceOutput,
      annotations: {
        title: 'Coder workspace',
        // commit and merge write to the repository (never destructively: merge only moves forward).
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    guarded(ctx, 'ai_coder_workspace', async (args: WorkspaceArgs) => {
      if (args.operation !== 'read' && args.path !== undefined) {
        throw invalid('path', `is only used with operation "read" (got "${args.operation}")`);
      }
      if (args.operation !== 'commit' && args.operation !== 'merge' && args.message !== undefined) {
        throw invalid('message', `is only used with operations "commit" and "merge"`);
      }
      if (args.operation !== 'merge' && args.strategy !== undefined) {
        throw invalid('strategy', `is only used with operation "merge"`);
      }
      const coder = manager.get(args.coder_id);
      const base = { coder_id: coder.id, operation: args.operation };
      switch (args.operation) {
        case 'list':
          return { ...base, files: await manager.files(coder.id) };
        case 'read': {
          if (args.path === undefined) {
            throw invalid('path', 'is required for operation "read" (operation "list" shows the files)');
          }
          checkRelativePath('path', args.path);
          const file = await manager.readFile(coder.id, args.path, {
            max_bytes: args.max_bytes,
            offset: args.offset,
          });
          return { ...base, file: { ...file } };
        }
        case 'diff': {
          const slice = sliceBytes(await manager.diff(coder.id), args.offset, args.max_bytes);
          return {
            ...base,
            diff: slice.text,
            diff_bytes: slice.total,
            truncated: slice.next_offset !== null,
            next_offset: slice.next_offset,
          };
        }
        case 'changes':
          return { ...base, changes: await manager.changes(coder.id) };
        case 'commit': {
          const { coder_id: _c, ...commit } = await lifecycle(manager).commit(coder.id, {
            ...(args.message !== undefined ? { message: args.message } : {}),
          });
          return { ...base, commit: { ...commit } };
        }
        case 'merge': {
          const { coder_id: _c, ...merge } = await lifecycle(manager).merge(coder.id, {
            ...(args.message !== undefined ? { message: args.message } : {}),
            ...(args.strategy !== undefined ? { strategy: args.strategy } : {}),
          });
          return { ...base, merge: { ...merge } };
        }
        case 'conflicts': {
          const [report] = await lifecycle(manager).conflicts({ coder: coder.id });
          return { ...base, conflicts: { ...report! } };
        }
      }
    }),
  );

  server.registerTool(
    'ai_coder_logs',
    {
      title: 'Coder logs',
      description:
        "A coder's log entries {seq, ts, stream, kind, text}, oldest first: the last `tail` ones, or the " +
        'first `tail` after since_seq. With follow it waits up to timeout_s (≤ 50) for new entries, sending progress ' +
        'notifications as they arrive. Continue with since_seq = next_seq; done is true once the coder ' +
        'has ended and everything is read.',
      inputSchema: logsInput,
      outputSchema: logsOutput,
      annotations: {
        title: 'Coder logs',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    guarded(ctx, 'ai_coder_logs', async (args: LogsArgs, extra) => {
      if (!args.follow && args.timeout_s !== undefined) {
        throw invalid('timeout_s', 'is only used with follow: true');
      }
      const coder = manager.get(args.coder_id);
      const kinds = args.kinds !== undefined ? { kinds: args.kinds } : {};
      let res: LogsResult;
      let timedOut: boolean | undefined;
      if (!args.follow) {
        res =
          args.since_seq === undefined
            ? manager.logs(coder.id, { tail: args.tail, ...kinds })
            : firstN(manager.logs(coder.id, { since_seq: args.since_seq, ...kinds }), args.tail);
      } else {
        res = await follow(ctx, coder.id, args, kinds.kinds, extra);
        timedOut = res.entries.length === 0 && !res.done;
      }
      return {
        coder_id: coder.id,
        entries: res.entries.map(entryJson),
        next_seq: res.next_seq,
        done: res.done,
        ...(timedOut !== undefined ? { timed_out: timedOut } : {}),
      };
    }),
  );
}

/** At most n entries from the start of a forward page; the rest comes with next_seq. */
function firstN(res: LogsResult, n: number): LogsResult {
  if (res.entries.length <= n) return res;
  const entries = res.entries.slice(0, n);
  return { entries, next_seq: entries[entries.length - 1]!.seq, done: false };
}

async function follow(
  ctx: ToolContext,
  id: string,
  args: LogsArgs,
  kinds: string[] | undefined,
  extra: ToolExtra,
): Promise<LogsResult> {
  const { manager } = ctx;
  let since = args.since_seq;
  if (since === undefined) {
    // Without a position: what is there now (the last `tail`), else wait from the end.
    const now = manager.logs(id, { tail: args.tail, ...(kinds ? { kinds } : {}) });
    if (now.entries.length > 0 || now.done) return now;
    since = now.next_seq;
  }
  const progress = progressFor(extra);
  try {
    const res = await manager.followLogs(id, {
      since_seq: since,
      timeout_ms: (args.timeout_s ?? DEFAULT_WAIT_S) * 1000,
      signal: extra.signal,
      ...(kinds ? { kinds } : {}),
      onEntry: (e) => progress.report(`#${e.seq} ${e.kind}: ${e.text}`),
    });
    return firstN(res, args.tail);
  } finally {
    await progress.flush();
  }
}
