/**
 * Feeds the reducer from the client: the full coder list (refetched on a stream reset), live events in
 * batches, the tail of the selected coder's log, and older log pages on demand.
 */
import { useCallback, useEffect, useRef, type Dispatch } from 'react';
import type { AicoderClient } from '../client/types.js';
import type { Coder } from '../core/coder.js';
import type { AicoderEvent } from '../core/events.js';
import { EventBatcher } from './event-batcher.js';
import type { Action, LogView } from './state.js';
import { errorMessage } from './errors.js';
import { attentionWatch } from './attention.js';

/** Entries fetched when a coder is selected. */
export const LOG_TAIL = 500;
/** Entries per older page (the daemon's page size). */
export const OLDER_PAGE = 1000;
export const BATCH_MS = 50;

/** Every coder, following cursors. */
export async function listAll(client: AicoderClient): Promise<Coder[]> {
  const out: Coder[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await client.list({ states: ['all'], limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...res.coders);
    if (!res.next_cursor) break;
    cursor = res.next_cursor;
  }
  return out;
}

export function useDaemon(
  client: AicoderClient,
  logs: LogView,
  dispatch: Dispatch<Action>,
  /** Called when a coder needs attention (needs_input, completed, failed, stalled): the bell. */
  onAttention?: () => void,
): { fetchOlder: () => void } {
  const attentionRef = useRef(onAttention);
  attentionRef.current = onAttention;
  useEffect(() => {
    let closed = false;
    const attention = attentionWatch();
    // The first list can fail when the daemon is not reachable yet: fetch again once connected.
    let listFailed = false;
    const batcher = new EventBatcher<AicoderEvent>((events) => {
      // Every event goes through the check (it tracks the stalled flags), then one bell per batch.
      if (events.map(attention).some(Boolean)) attentionRef.current?.();
      dispatch({ type: 'events', events });
    }, BATCH_MS);
    const refetch = async (): Promise<void> => {
      // Events keep queueing while the list is fetched and are applied on top of it (the reducer keeps
      // the newer of two records), so nothing between the snapshot and the stream is lost.
      batcher.hold();
      try {
        const coders = await listAll(client);
        listFailed = false;
        if (!closed) dispatch({ type: 'loaded', coders });
      } catch (e) {
        listFailed = true;
        if (!closed) dispatch({ type: 'error', message: `list: ${errorMessage(e)}`, source: 'list' });
      } finally {
        batcher.release();
      }
    };
    const sub = client.subscribe({
      onEvent: (e) => batcher.push(e),
      onStatus: (status) => {
        if (closed) return;
        dispatch({ type: 'connection', status });
        if (status === 'connected' && listFailed) void refetch();
      },
      onReset: () => {
        if (!closed) void refetch();
      },
    });
    void refetch();
    return () => {
      closed = true;
      batcher.close();
      sub.close();
    };
  }, [client, dispatch]);

  const { coderId, token, loading } = logs;
  useEffect(() => {
    if (coderId === null || !loading) return;
    let live = true;
    client.logs(coderId, { tail: LOG_TAIL }).then(
      (r) => {
        if (!live) return;
        const hasOlder = (r.entries[0]?.seq ?? 1) > 1;
        dispatch({ type: 'logs-loaded', coderId, entries: r.entries, hasOlder });
      },
      (e: unknown) => {
        if (live) dispatch({ type: 'logs-failed', coderId, message: `logs ${coderId}: ${errorMessage(e)}` });
      },
    );
    return () => {
      live = false;
    };
    // Not on `loading`: it only goes false for this token, which must not trigger another fetch.
  }, [client, dispatch, coderId, token]);

  const logsRef = useRef(logs);
  logsRef.current = logs;
  const fetchOlder = useCallback(() => {
    const cur = logsRef.current;
    const id = cur.coderId;
    const first = cur.entries[0]?.seq;
    if (id === null || first === undefined || !cur.hasOlder || cur.loadingOlder || cur.loading) return;
    dispatch({ type: 'logs-loading-older', coderId: id });
    const since = Math.max(0, first - 1 - OLDER_PAGE);
    client.logs(id, { since_seq: since }).then(
      (r) => {
        const older = r.entries.filter((e) => e.seq < first);
        dispatch({ type: 'logs-older', coderId: id, entries: older, hasOlder: since > 0 });
      },
      (e: unknown) =>
        dispatch({ type: 'logs-failed', coderId: id, message: `logs ${id}: ${errorMessage(e)}` }),
    );
  }, [client, dispatch]);

  return { fetchOlder };
}
