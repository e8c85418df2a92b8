/**
 * logs <id> [-f] [--tail N] [--since SEQ] [--kind K,…] [--json] [--raw], logs <id> --entry SEQ
 * [--offset N], and wait <id> [--timeout S] [--json].
 */
import { InvalidArgumentError, type Command } from 'commander';
import { isGroupRef, waitGroupCli } from './groups.js';
import type { LogEntry } from '../../core/coder.js';
import type { CliContext } from '../context.js';
import { logLine, outcomeLine, stateStyle } from '../format.js';
import { intOption, secondsOption } from '../options.js';
import { MAX_TAIL } from '../../protocol/limits.js';
import { timeoutError, waitUntilEnded, withReconnect } from './waiting.js';

const FOLLOW_SLICE_MS = 45_000;

type LogsOptions = {
  follow?: boolean;
  tail?: number;
  since?: number;
  kind?: string;
  json?: boolean;
  raw?: boolean;
  entry?: number;
  offset?: number;
};

/**
 * `logs ID --entry SEQ [--offset N]`: the whole text of one entry, fetched in 256 KiB slices
 * (GET /api/coders/:id/logs/:seq/text) and printed as one line (made inert unless --raw);
 * --json prints {coder_id, seq, offset, total_bytes, text}.
 */
async function printEntry(ctx: CliContext, idArg: string, o: LogsOptions): Promise<void> {
  for (const [flag, v] of [
    ['--follow', o.follow],
    ['--tail', o.tail],
    ['--since', o.since],
    ['--kind', o.kind],
  ] as const) {
    if (v !== undefined) throw new InvalidArgumentError(`${flag} is not used with --entry`);
  }
  const { out } = ctx;
  const seq = o.entry!;
  const id = (await withReconnect(ctx, (c) => c.get(idArg))).id;
  const parts: string[] = [];
  let offset: number | null = o.offset ?? 0;
  let total = 0;
  let start: number | null = null;
  while (offset !== null) {
    const at: number = offset;
    const t = await withReconnect(ctx, (c) => c.logText(id, seq, { offset: at }));
    start ??= t.offset; // the daemon moves an offset inside a character back to its start
    parts.push(t.text);
    total = t.total_bytes;
    offset = t.next_offset;
  }
  const text = parts.join('');
  if (o.json) return out.json({ coder_id: id, seq, offset: start, total_bytes: total, text });
  if (o.raw) return out.raw(text.endsWith('\n') ? text : `${text}\n`);
  out.line(text);
}

export function registerLogCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('logs')
    .description("print a coder's output: numbered log entries, in order (the number is what --since takes)")
    .argument('<id>', 'coder id or unique prefix')
    .option('-f, --follow', 'keep printing new entries until the coder ends')
    .option('--tail <n>', 'only the last N entries', intOption(1, MAX_TAIL))
    .option('--since <seq>', 'only entries after this sequence number', intOption(0))
    .option('--kind <kinds>', 'only entries of these kinds, comma-separated (e.g. text,tool_call,run_end)')
    .option('--json', 'print each entry as one JSON line (NDJSON)')
    .option('--raw', "print each entry's text as it is, control sequences included (unsafe on a terminal)")
    .option(
      '--entry <seq>',
      'print the whole text of this one entry (entries longer than 16 KiB are cut)',
      intOption(1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      '--offset <bytes>',
      'with --entry: start at this byte of its text',
      intOption(0, Number.MAX_SAFE_INTEGER),
    )
    .action(async (idArg: string, o: LogsOptions) => {
      if (o.entry !== undefined) return printEntry(ctx, idArg, o);
      if (o.offset !== undefined) throw new InvalidArgumentError('--offset is only used with --entry');
      // Each entry starts with its sequence number (what --since takes).
      const print = (e: LogEntry) => {
        if (o.json) return out.jsonLine(e);
        if (o.raw) return out.raw(`${e.text}\n`);
        const l = logLine(e);
        out.line(`${out.paint('dim', String(e.seq).padStart(4))}  ${out.paint(l.style, l.text)}`);
      };
      const kinds = o.kind === undefined ? {} : { kinds: o.kind.split(',').map((k) => k.trim()) };
      const id = (await withReconnect(ctx, (c) => c.get(idArg))).id;
      let since = o.since ?? 0;
      let done = false;
      if (o.tail !== undefined) {
        const r = await withReconnect(ctx, (c) => c.logs(id, { since_seq: since, tail: o.tail, ...kinds }));
        r.entries.forEach(print);
        since = r.next_seq;
        done = r.done;
      } else {
        for (;;) {
          const r = await withReconnect(ctx, (c) => c.logs(id, { since_seq: since, ...kinds }));
          r.entries.forEach(print);
          since = r.next_seq;
          done = r.done;
          if (r.entries.length === 0) break;
        }
      }
      while (o.follow && !done) {
        const r = await withReconnect(ctx, (c) =>
          c.logs(id, { since_seq: since, follow: true, timeout_ms: FOLLOW_SLICE_MS, ...kinds }),
        );
        r.entries.forEach(print);
        since = r.next_seq;
        done = r.done;
      }
    });

  program
    .command('wait')
    .description(
      'wait until a coder ends; exit 0 when it completed, 1 when it failed, stopped or was interrupted',
    )
    .argument('<id>', 'coder id or unique prefix, or a group id (waits for every member)')
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1)', secondsOption)
    .option('--json', 'print the final coder record (a group: the group) as JSON')
    .action(async (id: string, o: { timeout?: number; json?: boolean }) => {
      const timeoutMs = o.timeout === undefined ? null : o.timeout * 1000;
      if (isGroupRef(id)) return waitGroupCli(ctx, id, timeoutMs, o.json);
      const r = await waitUntilEnded(ctx, id, { timeoutMs, progress: !o.json });
      if (o.json) out.json(r.coder);
      if (r.timedOut) throw timeoutError(r.coder, o.timeout ?? 0);
      if (!o.json) out.line(out.paint(stateStyle(r.coder.state), outcomeLine(r.coder)));
      ctx.exitCode = r.coder.state === 'completed' ? 0 : 1;
    });
}
