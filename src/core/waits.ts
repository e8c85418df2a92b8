/** Long waits over the event bus: a coder reaching a state, new log entries. No polling. */
import type { FollowInput, LogsResult, ManagerApi, WaitInput, WaitResult } from './api.js';
import { isTerminal, type Coder } from './coder.js';
import { AicoderError } from './errors.js';
import type { AicoderEvent, EventBus } from './events.js';
import type { Clock } from './ports.js';

/** Resolves when `check` says so for an event, on timeout, or on abort; always unsubscribes. */
function until(
  bus: EventBus,
  clock: Clock,
  check: (e: AicoderEvent) => boolean,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  logs = true,
): Promise<'event' | 'timeout'> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (why: 'event' | 'timeout'): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      timer.clear();
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = (): void => done('timeout');
    const unsubscribe = bus.subscribe(
      (e) => {
        if (check(e)) done('event');
      },
      { logs },
    );
    const timer = clock.setTimeout(() => done('timeout'), Math.max(0, timeoutMs));
    if (signal?.aborted) done('timeout');
    else signal?.addEventListener('abort', onAbort);
  });
}

function coderOf(e: AicoderEvent, id: string): Coder | null {
  switch (e.type) {
    case 'coder.created':
    case 'coder.state':
    case 'coder.updated':
      return e.coder.id === id ? e.coder : null;
    case 'coder.removed':
    case 'coder.log':
      return null;
  }
}

export async function waitForState(
  manager: ManagerApi,
  bus: EventBus,
  clock: Clock,
  id: string,
  input: WaitInput,
): Promise<WaitResult> {
  const matches = (c: Coder): boolean =>
    input.for === 'terminal' ? isTerminal(c.state) : input.for.includes(c.state);
  let removed = false;
  const cancel = new AbortController();
  const outcome = until(
    bus,
    clock,
    (e) => {
      if (e.type === 'coder.removed' && e.id === id) {
        removed = true;
        return true;
      }
      const c = coderOf(e, id);
      if (!c) return false;
      input.onProgress?.(c);
      return matches(c);
    },
    input.timeout_ms,
    input.signal ? AbortSignal.any([cancel.signal, input.signal]) : cancel.signal,
    false,
  );
  // Subscribed first, then checked: a change in between is not missed.
  const now = manager.get(id);
  if (matches(now)) {
    cancel.abort();
    return { coder: now, timed_out: false };
  }
  const why = await outcome;
  if (removed)
    throw new AicoderError('not_found', `coder ${id} was removed while waiting`, { field: 'coder_id' });
  const coder = manager.get(id);
  return { coder, timed_out: why === 'timeout' && !matches(coder) };
}

export async function followLogs(
  manager: ManagerApi,
  bus: EventBus,
  clock: Clock,
  id: string,
  input: FollowInput,
): Promise<LogsResult> {
  const query = {
    since_seq: input.since_seq,
    ...(input.kinds ? { kinds: input.kinds } : {}),
    ...(input.max_bytes !== undefined ? { max_bytes: input.max_bytes } : {}),
  };
  const cancel = new AbortController();
  const arrived = until(
    bus,
    clock,
    (e) =>
      (e.type === 'coder.log' &&
        e.entry.coder_id === id &&
        e.entry.seq > input.since_seq &&
        (!input.kinds?.length || input.kinds.includes(e.entry.kind))) ||
      (e.type === 'coder.state' && e.coder.id === id && isTerminal(e.coder.state)) ||
      (e.type === 'coder.removed' && e.id === id),
    input.timeout_ms,
    input.signal ? AbortSignal.any([cancel.signal, input.signal]) : cancel.signal,
  );
  let result = manager.logs(id, query);
  if (result.entries.length === 0 && !result.done) {
    await arrived;
    result = manager.logs(id, query);
  } else {
    cancel.abort();
  }
  for (const entry of result.entries) input.onEntry?.(entry);
  return result;
}
