/** ai_coder_workspace and ai_coder_logs. */
import { groupsOf } from '../core/group-ops.js';
import { isGroupRef } from '../core/group.js';
import type { LogsResult, ManagerApi } from '../core/api.js';
import type { LogEntry } from '../core/coder.js';
import { AicoderError } from '../core/errors.js';
import type { PageQuery } from '../core/ports.js';
import type { WorktreeApi } from '../core/worktree-types.js';
import { checkRelativePath } from '../core/validate.js';
import { sliceBytes } from '../workspace/slice.js';
import { invalid } from './errors.js';
import { heartbeat, progressFor, type ToolExtra } from './progress.js';
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
import type { ToolRegistry } from './tool-registry.js';

/** A slice of text by UTF-8 bytes that never splits a character. */
export { sliceBytes };

function pageOf(args: { cursor?: string | undefined; limit?: number | undefined }): PageQuery {
  const q: PageQuery = {};
  if (args.cursor !== undefined) q.cursor = args.cursor;
  if (args.limit !== undefined) q.limit = args.limit;
  return q;
}

function lifecycle(manager: ManagerApi): WorktreeApi {
  const m = manager as ManagerApi & Partial<WorktreeApi>;
  if (!m.commit || !m.merge || !m.conflicts) {
    throw new AicoderError('not_supported', 'this daemon has no worktree lifecycle operations');
  }
  return m as WorktreeApi;
}

export function registerWorkspaceTools(server: ToolRegistry, ctx: ToolContext): void {
  const { manager } = ctx;

  server.registerTool(
    'ai_coder_workspace',
    {
      title: 'Coder workspace',
      description:
        "Look into a coder's worktree or bring its work back (see operation). Paths never leave the " +
        'worktree. read and diff return at most max_bytes from offset. merge changes nothing on a ' +
        'conflict or a dirty base checkout, and reports the files.',
      inputSchema: workspaceInput,
      outputSchema: workspaceOutput,
      annotations: {
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
      if (args.operation !== 'list' && args.operation !== 'changes') {
        if (args.cursor !== undefined)
          throw invalid('cursor', 'is only used with operations "list" and "changes"');
        if (args.limit !== undefined)
          throw invalid('limit', 'is only used with operations "list" and "changes"');
      }
      if (args.operation !== 'merge' && args.strategy !== undefined) {
        throw invalid('strategy', `is only used with operation "merge"`);
      }
      if (args.operation === 'compare') {
        if (!isGroupRef(args.coder_id)) {
          throw invalid('coder_id', 'must be a group id (g…) for operation "compare"');
        }
        const compare = await groupsOf(manager).compareGroup(args.coder_id);
        return { coder_id: compare.group_id, operation: args.operation, compare: { ...compare } };
      }
      const coder = manager.get(args.coder_id);
      const base = { coder_id: coder.id, operation: args.operation };
      switch (args.operation) {
        case 'list': {
          const page = await manager.files(coder.id, pageOf(args));
          return { ...base, files: page.files, total: page.total, next_cursor: page.next_cursor };
        }
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
        case 'changes': {
          const page = await manager.changes(coder.id, pageOf(args));
          return { ...base, changes: page.changes, total: page.total, next_cursor: page.next_cursor };
        }
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
        "A coder's log, oldest first: the last `tail` entries, or the first `tail` after since_seq (see " +
        'format). With follow it waits up to timeout_s for new entries, sending each as progress as it ' +
        'arrives. Continue with since_seq = next_seq; done: the coder ended and all is read.',
      inputSchema: logsInput,
      outputSchema: logsOutput,
      annotations: {
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    guarded(
      ctx,
      'ai_coder_logs',
      async (args: LogsArgs, extra) => {
        if (!args.follow && args.timeout_s !== undefined) {
          throw invalid('timeout_s', 'is only used with follow: true');
        }
        const coder = manager.get(args.coder_id);
        if (args.entry !== undefined) return entryText(manager, coder.id, args);
        if (args.offset !== undefined) throw invalid('offset', 'is only used with entry');
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
        const page =
          args.format === 'entries'
            ? { entries: res.entries.map(entryJson) }
            : { lines: res.entries.map(logLine).join('\n') };
        return {
          coder_id: coder.id,
          ...page,
          next_seq: res.next_seq,
          done: res.done,
          ...(timedOut !== undefined ? { timed_out: timedOut } : {}),
        };
      },
      logsText,
    ),
  );
}

/**
 * `entry`: a slice (256 KiB) of one entry's whole text from `offset` (LogEntry.cut says where the
 * cut text stops). Answered as `lines` (the text) with `entry: {seq, offset, total_bytes,
 * next_offset}`; next_seq is the entry's seq, so since_seq = next_seq goes on after it.
 */
function entryText(manager: ManagerApi, id: string, args: LogsArgs): Record<string, unknown> {
  if (args.follow) throw invalid('entry', 'is not used with follow');
  if (args.since_seq !== undefined) throw invalid('entry', 'is not used with since_seq');
  const t = manager.logText(id, args.entry!, { offset: args.offset ?? 0 });
  return {
    coder_id: id,
    lines: t.text,
    next_seq: t.seq,
    done: false,
    entry: { seq: t.seq, offset: t.offset, total_bytes: t.total_bytes, next_offset: t.next_offset },
  };
}

/** One log entry as a text line: "<seq> <kind>: <text>", the stream named when it is not stdout. */
export function logLine(e: LogEntry): string {
  const label = e.stream === 'stdout' ? e.kind : `${e.stream} ${e.kind}`;
  return `${e.seq} ${label}: ${e.text}`;
}

/** The text the model reads for format "text": the lines, then the cursor once. */
export function logsText(r: Record<string, unknown>): string {
  if (typeof r.lines !== 'string') return JSON.stringify(r);
  const e = r.entry as
    { seq: number; offset: number; total_bytes: number; next_offset: number | null } | undefined;
  if (e !== undefined) {
    const rest = e.next_offset === null ? 'the end' : `next_offset ${e.next_offset}`;
    return `${r.lines}\n[entry ${e.seq}: bytes ${e.offset}–${e.offset + Buffer.byteLength(r.lines)} of ${e.total_bytes}, ${rest}]`;
  }
  const flags = [`next_seq ${String(r.next_seq)}`];
  if (r.done === true) flags.push('done');
  if (r.timed_out === true) flags.push('timed out');
  const head = r.lines ? `${r.lines}\n` : '(no entries)\n';
  return `${head}[${flags.join(', ')}]`;
}

/** At most n entries from the start of a forward page; the rest comes with next_seq. */
function firstN(res: LogsResult, n: number): LogsResult {
  if (res.entries.length <= n) return res;
  const entries = res.entries.slice(0, n);
  return { entries, next_seq: entries[entries.length - 1]!.seq, done: false };
}

/** After the first entries, a follow returns once no new entry came for this long. */
const QUIET_MS = 1000;
const HEARTBEAT_MS = 10_000;

/**
 * Waits up to timeout_s for entries after since_seq. Each batch goes out as progress notifications
 * as it arrives (one per entry), with a heartbeat while nothing arrives; returns when the coder has
 * ended, `tail` entries arrived, the log went quiet for QUIET_MS after some arrived, or on timeout.
 */
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
  const entries: LogEntry[] = [];
  const stop = heartbeat(HEARTBEAT_MS, () => progress.report(`waiting for entries after #${since}`));
  const deadline = Date.now() + (args.timeout_s ?? DEFAULT_WAIT_S) * 1000;
  let done = false;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || extra.signal.aborted) break;
      const res = await manager.followLogs(id, {
        since_seq: since,
        timeout_ms: entries.length ? Math.min(left, QUIET_MS) : left,
        signal: extra.signal,
        ...(kinds ? { kinds } : {}),
      });
      for (const e of res.entries) progress.report(logLine(e));
      entries.push(...res.entries);
      since = res.next_seq;
      done = res.done;
      if (res.done || res.entries.length === 0 || entries.length >= args.tail) break;
    }
  } finally {
    stop();
    await progress.flush();
  }
  return firstN({ entries, next_seq: since, done }, args.tail);
}
