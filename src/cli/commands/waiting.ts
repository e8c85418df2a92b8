/** Waiting for a coder to end through repeated long polls (each ≤ 45 s), with a progress line. */
import { CODER_STATES, isTerminal, type Coder } from '../../core/coder.js';
import { AicoderError, isAicoderError } from '../../core/errors.js';
import type { DaemonClient } from '../../client/types.js';
import type { CliContext } from '../context.js';
import { duration } from '../format.js';

const SLICE_MS = 45_000;
/** With a progress line, poll more often so the last message stays fresh. */
const PROGRESS_SLICE_MS = 2_000;
const MAX_RECONNECTS = 3;

export interface WaitOutcome {
  coder: Coder;
  timedOut: boolean;
}

/** Runs `fn`, reconnecting (and restarting the daemon when allowed) when the daemon goes away. */
export async function withReconnect<T>(
  ctx: CliContext,
  fn: (client: DaemonClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const client = await ctx.client();
    try {
      return await fn(client);
    } catch (e) {
      if (!isAicoderError(e) || e.code !== 'daemon_unreachable' || attempt >= MAX_RECONNECTS) throw e;
      ctx.resetClient();
    }
  }
}

export async function waitUntilEnded(
  ctx: CliContext,
  idOrPrefix: string,
  opts: { timeoutMs: number | null; progress: boolean },
): Promise<WaitOutcome> {
  let coder = await withReconnect(ctx, (c) => c.get(idOrPrefix));
  const started = Date.now();
  const deadline = opts.timeoutMs === null ? Number.POSITIVE_INFINITY : started + opts.timeoutMs;
  const spinner = ctx.out.spinner(opts.progress);
  const show = () => {
    const last = coder.stats.last_message
      ? ` · ${coder.stats.last_message.replace(/\s+/g, ' ').slice(0, 60)}`
      : '';
    spinner.update(`${coder.id} ${coder.state} · ${duration((Date.now() - started) / 1000)}${last}`);
  };
  show();
  try {
    while (!isTerminal(coder.state)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return { coder, timedOut: true };
      const current = coder.state;
      const r = await withReconnect(ctx, (c) =>
        c.wait(coder.id, {
          // Any change of state ends the poll, so the progress line stays current.
          for: CODER_STATES.filter((s) => s !== current),
          timeout_ms: Math.max(
            1,
            Math.min(opts.progress && ctx.out.interactive ? PROGRESS_SLICE_MS : SLICE_MS, remaining),
          ),
        }),
      );
      coder = r.coder;
      show();
    }
    return { coder, timedOut: false };
  } finally {
    spinner.stop();
  }
}

export function timeoutError(coder: Coder, seconds: number): AicoderError {
  return new AicoderError(
    'timeout',
    `timed out after ${seconds} s waiting for coder ${coder.id} to end (it is ${coder.state})`,
  );
}
