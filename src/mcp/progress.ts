/**
 * notifications/progress for long-polling tools. Sent only when the request carries a progressToken;
 * sent in order, and all of them before the tool's result (flush), so none arrives after the
 * request has ended.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface Progress {
  /** Queues one notification with the next progress number. */
  report(message: string): void;
  /** Resolves once every queued notification has been handed to the transport. */
  flush(): Promise<void>;
  readonly count: number;
}

const MAX_MESSAGE = 500;

export function progressFor(extra: ToolExtra): Progress {
  const token = extra._meta?.progressToken;
  let chain: Promise<void> = Promise.resolve();
  let count = 0;
  return {
    report(message: string): void {
      if (token === undefined || extra.signal.aborted) return;
      count += 1;
      const progress = count;
      const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
      chain = chain.then(() =>
        extra
          .sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress, message: text },
          })
          .catch(() => {
            /* the client went away; the result (if any) tells the rest */
          }),
      );
    },
    flush(): Promise<void> {
      return chain;
    },
    get count(): number {
      return count;
    },
  };
}

/** Calls fn every intervalMs until the returned stop function is called. */
export function heartbeat(intervalMs: number, fn: () => void): () => void {
  const t = setInterval(fn, intervalMs);
  t.unref();
  return () => clearInterval(t);
}
