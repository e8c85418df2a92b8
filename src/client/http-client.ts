/**
 * The HTTP implementation of AicoderClient: JSON calls through the clients' one request
 * (json-request.ts, node:http), the SSE event subscription over fetch.
 */
import type { Coder } from '../core/coder.js';
import type { AttachHolder, AttachPlan, DetachInput } from '../core/attach.js';
import type {
  ControlInput,
  ControlResult,
  CreateCoderInput,
  ListInput,
  LogsInput,
  LogTextInput,
  LogsResult,
  ProviderInfo,
  ProviderReport,
  WaitResult,
  WaitTarget,
} from '../core/api.js';
import type { AicoderEvent } from '../core/events.js';
import type {
  ChangesPage,
  FilesPage,
  ListCodersPage,
  LogText,
  PageQuery,
  ReadResult,
} from '../core/ports.js';
import { jsonRequester } from './json-request.js';
import { bearerHeaders } from '../local/owner-token.js';
import { createSseParser, type SseMessage } from './sse-parser.js';
import type { AicoderClient, EventSubscription, Health, SubscribeOptions } from './types.js';

export interface HttpClientOptions {
  baseUrl: string;
  /** The owner token (AICODER_HOME/owner-token, see local/owner-token.ts); sent as a Bearer header. */
  token?: string | null;
}

function targetParam(t: WaitTarget): string {
  return t === 'terminal' ? 'terminal' : t.join(',');
}

const enc = encodeURIComponent;

/** One byte page of GET /api/coders/:id/diff. */
interface DiffPage {
  diff: string;
  diff_bytes: number;
  truncated: boolean;
  next_offset: number | null;
}

export function createHttpClient(opts: HttpClientOptions): AicoderClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const authHeaders = bearerHeaders(opts.token);

  const request = jsonRequester(baseUrl, authHeaders);

  const coderPath = (id: string, sub = '') => `/api/coders/${enc(id)}${sub}`;

  return {
    baseUrl,
    authHeaders,
    health: () => request<Health>('GET', '/health'),
    create: (input: CreateCoderInput) => request<Coder>('POST', '/api/coders', input),
    list: (input: ListInput = {}) =>
      request<ListCodersPage>('GET', '/api/coders', undefined, {
        state: input.states?.join(','),
        repo: input.repo,
        limit: input.limit,
        cursor: input.cursor,
      }),
    get: (id: string) => request<Coder>('GET', coderPath(id)),
    control: (id: string, input: ControlInput) =>
      request<ControlResult>('POST', coderPath(id, '/control'), input),
    attach: (id: string, holder: AttachHolder) =>
      request<AttachPlan>('POST', coderPath(id, '/attach'), holder),
    detach: (id: string, input: DetachInput) => request<Coder>('POST', coderPath(id, '/detach'), input),
    logs: (id: string, input: LogsInput & { follow?: boolean; timeout_ms?: number } = {}) =>
      request<LogsResult>('GET', coderPath(id, '/logs'), undefined, {
        since_seq: input.since_seq,
        tail: input.tail,
        kinds: input.kinds?.join(','),
        max_bytes: input.max_bytes,
        follow: input.follow ? 1 : undefined,
        timeout_ms: input.timeout_ms,
      }),
    logText: (id: string, seq: number, input: LogTextInput = {}) =>
      request<LogText>('GET', coderPath(id, `/logs/${seq}/text`), undefined, {
        offset: input.offset,
        max_bytes: input.max_bytes,
      }),
    wait: (id: string, input: { for: WaitTarget; timeout_ms: number }) =>
      request<WaitResult>('GET', coderPath(id, '/wait'), undefined, {
        for: targetParam(input.for),
        timeout_ms: input.timeout_ms,
      }),
    diff: async (id: string) => {
      // The daemon answers the diff in byte pages (256 KiB); a page of another size than the first
      // means the worktree changed meanwhile: start again (three tries, then the last snapshot wins).
      for (let attempt = 0; ; attempt++) {
        const parts: string[] = [];
        let offset: number | null = 0;
        let total: number | null = null;
        let changed = false;
        while (offset !== null) {
          const page: DiffPage = await request<DiffPage>('GET', coderPath(id, '/diff'), undefined, {
            offset,
          });
          if (total !== null && page.diff_bytes !== total) {
            changed = true;
            break;
          }
          total = page.diff_bytes;
          parts.push(page.diff);
          offset = page.next_offset;
        }
        if (!changed || attempt >= 2) return parts.join('');
      }
    },
    changes: (id: string, page: PageQuery = {}) =>
      request<ChangesPage>('GET', coderPath(id, '/changes'), undefined, {
        cursor: page.cursor,
        limit: page.limit,
      }),
    files: (id: string, page: PageQuery = {}) =>
      request<FilesPage>('GET', coderPath(id, '/files'), undefined, {
        cursor: page.cursor,
        limit: page.limit,
      }),
    readFile: (id: string, path: string, o: { max_bytes?: number; offset?: number } = {}) =>
      request<ReadResult>('GET', coderPath(id, '/file'), undefined, {
        path,
        max_bytes: o.max_bytes,
        offset: o.offset,
      }),
    providers: async () => (await request<{ providers: ProviderInfo[] }>('GET', '/api/providers')).providers,
    providerReport: () => request<ProviderReport>('GET', '/api/providers'),
    subscribe: (s: SubscribeOptions) => subscribeEvents(baseUrl, s, authHeaders),
    shutdown: async () => {
      await request<{ ok: true }>('POST', '/api/shutdown');
    },
  };
}

const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 5000;

/** SSE over fetch with automatic reconnection (exponential backoff) and resumption by last event id. */
export function subscribeEvents(
  baseUrl: string,
  opts: SubscribeOptions,
  authHeaders: Readonly<Record<string, string>> = {},
): EventSubscription {
  let lastId = opts.lastEventId;
  let closed = false;
  let failures = 0;
  let ac: AbortController | null = null;
  let timer: NodeJS.Timeout | null = null;

  const handle = (m: SseMessage) => {
    if (m.id !== undefined) lastId = m.id;
    switch (m.event) {
      case 'reset':
        opts.onReset?.();
        return;
      case 'message': {
        if (m.data === '') return;
        let ev: AicoderEvent;
        try {
          ev = JSON.parse(m.data) as AicoderEvent;
        } catch {
          return;
        }
        opts.onEvent(ev, m.id ?? lastId ?? '');
        return;
      }
      default:
        return; // "ready" and future event types only move the id
    }
  };

  const connect = async (): Promise<void> => {
    timer = null;
    opts.onStatus?.(failures === 0 ? 'connecting' : 'reconnecting');
    ac = new AbortController();
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      const res = await fetch(`${baseUrl}/api/events`, { headers, signal: ac.signal });
      if (res.status === 400 && lastId !== undefined) {
        // The server does not understand our position: start over.
        await res.body?.cancel();
        lastId = undefined;
        opts.onReset?.();
        throw new Error('bad last event id');
      }
      if (!res.ok || res.body === null) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      failures = 0;
      opts.onStatus?.('connected');
      const parser = createSseParser(handle);
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        if (closed) break;
        parser.push(decoder.decode(chunk, { stream: true }));
      }
    } catch {
      /* reconnect below */
    }
    if (closed) return;
    failures += 1;
    opts.onStatus?.('reconnecting');
    const wait = Math.min(BACKOFF_MIN_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    timer = setTimeout(() => void connect(), wait);
  };

  void connect();
  return {
    close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      ac?.abort();
    },
  };
}
