/** logs <id> [-f] [--tail N] [--since SEQ] [--kind K,…] [--json] and wait <id> [--timeout S] [--json]. */
import type { Command } from 'commander';
import type { LogEntry } from '../../core/coder.js';
import type { CliContext } from '../context.js';
import { logLine, outcomeLine, stateStyle } from '../format.js';
import { intOption, secondsOption } from '../options.js';
import { timeoutError, waitUntilEnded, withReconnect } from './waiting.js';

const FOLLOW_SLICE_MS = 45_000;

type LogsOptions = {
  follow?: boolean;
  tail?: number;
  since?: number;
  kind?: string;
  json?: boolean;
  raw?: boolean;
};

export function registerLogCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;

  program
    .command('logs')
    .description("print a coder's output: numbered log entries, in order (the number is what --since takes)")
    .argument('<id>', 'coder id or unique prefix')
    .option('-f, --follow', 'keep printing new entries until the coder ends')
    .option('--tail <n>', 'only the last N entries', intOption(1, 100_000))
    .option('--since <seq>', 'only entries after this sequence number', intOption(0, Number.MAX_SAFE_INTEGER))
    .option('--kind <kinds>', 'only entries of these kinds, comma-separated (e.g. text,tool_call,run_end)')
    .option('--json', 'print each entry as one JSON line (NDJSON)')
    .option('--raw', "print each entry's text as it is, control sequences included (unsafe on a terminal)")
    .action(async (idArg: string, o: LogsOptions) => {
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
    .argument('<id>', 'coder id or unique prefix')
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1)', secondsOption)
    .option('--json', 'print the final coder record as JSON')
    .action(async (id: string, o: { timeout?: number; json?: boolean }) => {
      const timeoutMs = o.timeout === undefined ? null : o.timeout * 1000;
      const r = await waitUntilEnded(ctx, id, { timeoutMs, progress: !o.json });
      if (o.json) out.json(r.coder);
      if (r.timedOut) throw timeoutError(r.coder, o.timeout ?? 0);
      if (!o.json) out.line(out.paint(stateStyle(r.coder.state), outcomeLine(r.coder)));
      ctx.exitCode = r.coder.state === 'completed' ? 0 : 1;
    });
}
