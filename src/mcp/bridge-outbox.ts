/**
 * The stdio bridge's way to the client (stdout): one ordered queue for every message the bridge or
 * the daemon sends, which makes sure the client has handled a request's progress notifications before
 * it sees the request's result.
 *
 * Why: the MCP TypeScript SDK's Protocol (the client of the Inspector, Gemini CLI and Claude Code)
 * runs a notification's handler one microtask later but handles a response at once, and forgets the
 * request's progress token with it. When `notifications/progress` and the result of its request reach
 * the client in one stdout read, the progress is dropped as "unknown token" (typescript-sdk issue
 * #2580; Claude Code closes the stdio connection on it). A server cannot choose where the client's
 * reads split, so before writing a result whose request got progress since the last confirmation, the
 * outbox sends the client a `ping` (MCP basic/utilities/ping: either side may ping, the receiver must
 * answer) and writes the result only after the answer. A client that answered the ping has run every
 * handler queued before it, so the progress was seen. A client that does not answer a ping within
 * `pingTimeoutMs` is not pinged again: results then go out at once (the old behaviour).
 *
 * Progress for a request that has already been answered (or was never forwarded) is dropped here:
 * clients treat an unknown progress token as an error.
 */

type Id = string | number;

/** A JSON-RPC message as the bridge sees it (MCP spec 2025-11-25, basic/index). */
export interface BridgeMsg {
  jsonrpc: '2.0';
  id?: Id;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export interface OutboxOptions {
  /** Writes one message as one line to the client. */
  write(msg: BridgeMsg): void;
  /** How long to wait for the client's answer to a ping, in ms (default 3000). */
  pingTimeoutMs?: number;
  /** Ids of the outbox's own pings start with this (so `answer` can tell them apart). */
  idPrefix: string;
}

export interface Outbox {
  /** Notes a client request that is forwarded to the daemon (its progress token, if any). */
  request(msg: BridgeMsg): void;
  /** Notes `notifications/cancelled` from the client: no result will come for that request. */
  cancelled(requestId: Id): void;
  /** Queues a message to the client, in order. */
  send(msg: BridgeMsg): void;
  /** The client answered a message of ours; true when it was one of the outbox's pings. */
  answer(msg: BridgeMsg): boolean;
  /** Resolves when everything queued so far is written. */
  drained(): Promise<void>;
  /** The client is gone (stdin ended): pings in flight and later results no longer wait. */
  close(): void;
}

export function createOutbox(opts: OutboxOptions): Outbox {
  const pingTimeoutMs = opts.pingTimeoutMs ?? 3000;
  /** Open client requests with a progress token: token → request id, and back. */
  const byToken = new Map<Id, Id>();
  const tokenOf = new Map<Id, Id>();
  /** Requests that got progress written after the last ping the client answered: id → write number. */
  const progressAt = new Map<Id, number>();
  /** Pings in flight: id → settle(answered). */
  const pings = new Map<Id, (answered: boolean) => void>();
  let written = 0;
  let confirmed = 0;
  let pingSeq = 0;
  let pingWorks = true;
  let queue: Promise<void> = Promise.resolve();

  function put(msg: BridgeMsg): void {
    written += 1;
    opts.write(msg);
  }

  /** Sends a ping and resolves when the client answered it, or after the timeout. */
  async function barrier(): Promise<void> {
    const id = `${opts.idPrefix}ping-${++pingSeq}`;
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<boolean>((resolve) => {
      pings.set(id, resolve);
      timer = setTimeout(() => resolve(false), pingTimeoutMs);
    });
    put({ jsonrpc: '2.0', id, method: 'ping' });
    const upTo = written;
    const ok = await answered;
    clearTimeout(timer);
    pings.delete(id);
    if (ok) confirmed = Math.max(confirmed, upTo);
    else pingWorks = false;
  }

  function forget(requestId: Id): void {
    const token = tokenOf.get(requestId);
    if (token !== undefined) byToken.delete(token);
    tokenOf.delete(requestId);
    progressAt.delete(requestId);
  }

  async function deliver(msg: BridgeMsg): Promise<void> {
    if (msg.method === 'notifications/progress') {
      const token = msg.params?.progressToken as Id | undefined;
      const requestId = token === undefined ? undefined : byToken.get(token);
      if (requestId === undefined) return; // answered already, or not ours: the client would fail on it
      put(msg);
      progressAt.set(requestId, written);
      return;
    }
    if (msg.method === undefined && msg.id !== undefined) {
      const at = progressAt.get(msg.id);
      if (at !== undefined && at > confirmed && pingWorks) await barrier();
      forget(msg.id);
    }
    put(msg);
  }

  return {
    request(msg) {
      const token = (msg.params?._meta as { progressToken?: Id } | undefined)?.progressToken;
      if (msg.id === undefined || token === undefined) return;
      byToken.set(token, msg.id);
      tokenOf.set(msg.id, token);
    },
    cancelled(requestId) {
      queue = queue.then(() => forget(requestId));
    },
    send(msg) {
      queue = queue
        .then(() => deliver(msg))
        .catch(() => {
          /* stdout is gone: the bridge ends with stdin */
        });
    },
    answer(msg) {
      if (msg.method !== undefined || typeof msg.id !== 'string') return false;
      const done = pings.get(msg.id);
      if (!done) return msg.id.startsWith(`${opts.idPrefix}ping-`); // late answer after a timeout
      done(true);
      return true;
    },
    drained() {
      return queue;
    },
    close() {
      pingWorks = false;
      for (const settle of pings.values()) settle(false);
    },
  };
}
