/**
 * Output ingestion: a batch of lines read from a run's output becomes stored log entries, stats and
 * the last message, with the run's offsets in the same store transaction (exactly once across
 * crashes). A batch that cannot be stored throws, and the tailer retries it from the same offset.
 */
import { isAicoderError } from './errors.js';
import type { LiveRun } from './live-run.js';
import type { ManagerDeps } from './manager-deps.js';
import { lastNonEmpty, lastNonEmptyIn, parseLines, truncate } from './outcome.js';
import type { OutputLines } from './ports.js';
import type { Records } from './records.js';
import { deniedNote, note } from './run-notes.js';
import type { RunHooks } from './talkback.js';

export interface IngestContext {
  deps: ManagerDeps;
  records: Records;
  hooks: RunHooks | undefined;
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Stores a batch of output lines; throws (so the tailer retries the batch) when it cannot. */
export function ingest(ctx: IngestContext, lr: LiveRun, out: OutputLines): void {
  try {
    if (lr.parser.plainText === true && out.bytes !== undefined) ingestBlock(ctx, lr, out, out.bytes);
    else ingestLines(ctx, lr, out);
  } catch (err) {
    // A removed coder has nowhere to store its output: drop it rather than retry forever.
    if (isAicoderError(err) && err.code === 'not_found' && !ctx.records.get(lr.id)) {
      ctx.deps.log('debug', 'output of a removed coder dropped', { id: lr.id });
      return;
    }
    throw err;
  }
}

/** A call that ingests `out` later: its bytes and lines are copied now (they are valid only now). */
export function ingestLater(ctx: IngestContext, lr: LiveRun, out: OutputLines): () => void {
  const copy: OutputLines = {
    stream: out.stream,
    offset: out.offset,
    ...(out.count === undefined ? {} : { count: out.count }),
    ...(out.bytes === undefined ? { lines: out.lines } : { bytes: Buffer.from(out.bytes), lines: out.lines }),
  };
  return () => ingest(ctx, lr, copy);
}

function ingestLines(ctx: IngestContext, lr: LiveRun, out: OutputLines): void {
  const { deps, records, hooks } = ctx;
  const parsed = parseLines(lr.parser, out, records.now(), (err) =>
    deps.log('warn', 'parser threw; line kept raw', { id: lr.id, error: errMessage(err) }),
  );
  const { stats, sessionId } = parsed;
  const entries = parsed.entries.map((e) => ({ ...e, text: lr.redact(e.text) }));
  const lastMessage = parsed.lastMessage === undefined ? undefined : lr.redact(parsed.lastMessage);
  let failure: string | undefined;
  if (parsed.outcome) {
    const reason = parsed.outcome.reason === undefined ? undefined : lr.redact(parsed.outcome.reason);
    lr.outcome = { ok: parsed.outcome.ok, ...(reason === undefined ? {} : { reason }) };
    failure = parsed.outcome.ok ? undefined : (reason ?? 'the agent reported an error');
  }
  if (out.stream === 'stderr') lr.lastStderr = lastNonEmpty(out.lines) ?? lr.lastStderr;
  const delta = {
    ...stats,
    ...(lastMessage !== undefined ? { last_message: truncate(lastMessage, 2000) } : {}),
  };
  // lr.offsets moves only once stored: a failed batch must not carry its offset into another commit.
  const offsets = { ...lr.offsets, [out.stream]: out.offset };
  const run = lr.run ? { run_no: lr.run.run_no, offsets } : undefined;
  const stored = deps.store.appendLogs(lr.id, entries, run, delta);
  lr.offsets = offsets;
  // Stored: from here on nothing may throw, or the tailer would deliver the batch again.
  afterStored(ctx, lr, () => {
    records.announceLogs(stored);
    const statsChanged = stats.turns || stats.tokens_in || stats.tokens_out || stats.cost_usd;
    if (sessionId !== undefined || failure !== undefined) {
      records.patch(lr.id, {
        ...(sessionId !== undefined ? { session_id: sessionId } : {}),
        ...(failure !== undefined ? { error: failure } : {}),
      });
    } else if (statsChanged || lastMessage !== undefined) {
      // Stored by appendLogs above; announced once per OUTPUT_UPDATE_MS, not per batch.
      records.outputChanged(lr.id);
    }
    if (parsed.denials !== undefined && parsed.denials.length > 0) {
      const denials = parsed.denials.map((d) => truncate(lr.redact(d), 300));
      records.patch(lr.id, { permission_denials: denials });
      note(deps, records, lr.id, 'permission_denied', deniedNote(denials));
    }
    if (out.lines.length > 0) hooks?.activity(lr.id);
    // Limits are on turns, tokens and cost: a new last message alone cannot pass one.
    if (statsChanged) hooks?.statsChanged(lr.id);
  });
}

function afterStored(ctx: IngestContext, lr: LiveRun, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    ctx.deps.log('warn', 'output stored, but announcing it failed', { id: lr.id, error: errMessage(err) });
  }
}

/**
 * Plain text output: the block is redacted as bytes (not decoded) and stored as one chunk (one entry
 * per line), without a string per line. Same entries, last message and offsets as the per-line path.
 */
function ingestBlock(ctx: IngestContext, lr: LiveRun, out: OutputLines, bytes: Buffer): void {
  const { deps, records, hooks } = ctx;
  const text = lr.redact.bytes(bytes);
  const last = lastNonEmptyIn(text);
  if (out.stream === 'stderr') lr.lastStderr = last ?? lr.lastStderr;
  const lastMessage = out.stream === 'stdout' && last !== null ? truncate(last, 2000) : undefined;
  // lr.offsets moves only once stored: a failed batch must not carry its offset into another commit.
  const offsets = { ...lr.offsets, [out.stream]: out.offset };
  const run = lr.run ? { run_no: lr.run.run_no, offsets } : undefined;
  // The tailer's line count holds while redaction changed nothing (a secret may span lines).
  const count = text === bytes ? out.count : undefined;
  const block = {
    ts: records.now(),
    stream: out.stream,
    kind: 'text',
    text,
    ...(count === undefined ? {} : { count }),
  };
  const stored = deps.store.appendLogBlock(
    lr.id,
    block,
    run,
    lastMessage === undefined ? undefined : { last_message: lastMessage },
  );
  lr.offsets = offsets;
  afterStored(ctx, lr, () => {
    records.announceBlock(stored);
    // Stored by appendLogBlock above; announced once per OUTPUT_UPDATE_MS, not per batch. Plain text
    // carries no stats, so no limit can have been passed (no statsChanged).
    if (lastMessage !== undefined) records.outputChanged(lr.id);
    if (stored.count > 0) hooks?.activity(lr.id);
  });
}
