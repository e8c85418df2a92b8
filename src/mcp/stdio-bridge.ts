/**
 * `aicoder mcp`: a stdio MCP server (newline-delimited JSON-RPC on stdin/stdout, MCP spec
 * 2025-11-25 transports/stdio) in front of the daemon's /mcp.
 *
 * It answers `initialize`, `ping` and `tools/list` itself, at once, from what it ships with
 * (identity.ts, tools-snapshot.ts), so a client that does not wait for servers (Claude Code -p, Codex)
 * sees the tools on its first turn. Meanwhile it finds or starts the daemon in the background and
 * opens a Streamable HTTP session there; every other message is held until that session exists, then
 * forwarded, and everything the daemon sends (responses, progress, resource notifications) goes to
 * stdout. When the daemon restarts (its session is gone: 404, or the connection fails), the bridge
 * opens a new session with the client's initialize, replays the client's resource subscriptions, and
 * resends the message. Only node built-ins are loaded before the first answer; the SDK's HTTP client
 * is imported in the background.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../core/ports.js';
import {
  SERVER_CAPABILITIES,
  SERVER_INSTRUCTIONS,
  SERVER_NAME,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './identity.js';
import { TOOLS_SNAPSHOT } from './tools-snapshot.js';
import { createOutbox, type BridgeMsg } from './bridge-outbox.js';

export interface StdioBridgeOptions {
  /**
   * The daemon's base URL (http://127.0.0.1:7777) or its /mcp endpoint, or a function that finds (or
   * starts) the daemon and returns it; called again after the daemon went away.
   */
  baseUrl: string | (() => Promise<string>);
  /** Extra headers for every request to the daemon (e.g. its auth header). */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  stdin?: Readable;
  stdout?: Writable;
  /** Diagnostics (never to stdout, which carries the protocol). */
  log?: Logger;
  /** Reported as serverInfo.version in the local initialize answer. */
  version?: string;
}

export function mcpUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (!url.pathname.replace(/\/+$/, '').endsWith('/mcp')) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/mcp`;
  }
  return url;
}

type Id = string | number;
type Msg = BridgeMsg;

const INTERNAL = 'aicoder-bridge-';

/** Runs until stdin ends; then ends the daemon session and resolves. */
export async function runStdioBridge(opts: StdioBridgeOptions): Promise<void> {
  const log: Logger = opts.log ?? (() => {});
  const stdin = opts.stdin ?? process.stdin;
  const stdout = opts.stdout ?? process.stdout;

  let initParams: Record<string, unknown> | undefined;
  let upstream: Promise<StreamableHTTPClientTransport> | undefined;
  let current: StreamableHTTPClientTransport | undefined;
  let url: URL | undefined;
  let seq = 0;
  let closing = false;
  const internal = new Map<Id, (m: Msg) => void>();
  /** Subscribe requests in flight: id → uri. */
  const subscribing = new Map<Id, string>();
  /** The URIs the client is subscribed to (replayed on a new daemon session). */
  const subscriptions = new Set<string>();

  // Everything to the client goes through one ordered queue that keeps progress ahead of results.
  const outbox = createOutbox({
    idPrefix: INTERNAL,
    write: (msg) => stdout.write(`${JSON.stringify(msg)}\n`),
  });
  const write = (msg: Msg): void => outbox.send(msg);

  function negotiated(): string {
    const asked = initParams?.protocolVersion;
    return typeof asked === 'string' && (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(asked)
      ? asked
      : SUPPORTED_PROTOCOL_VERSIONS[0];
  }

  async function resolveUrl(): Promise<URL> {
    const base = typeof opts.baseUrl === 'string' ? opts.baseUrl : await opts.baseUrl();
    return mcpUrl(base);
  }

  /** A request of the bridge's own to the daemon; resolves with the answer. */
  async function ask(t: StreamableHTTPClientTransport, method: string, params: unknown): Promise<Msg> {
    const id = `${INTERNAL}${++seq}`;
    const answered = new Promise<Msg>((resolve) => internal.set(id, resolve));
    await t.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage);
    return answered;
  }

  function fromDaemon(t: StreamableHTTPClientTransport, raw: JSONRPCMessage): void {
    const msg = raw as Msg;
    if (msg.id !== undefined && msg.method === undefined) {
      const waiter = internal.get(msg.id);
      if (waiter) {
        internal.delete(msg.id);
        waiter(msg);
        return;
      }
      const uri = subscribing.get(msg.id);
      if (uri !== undefined) {
        subscribing.delete(msg.id);
        if (msg.result) subscriptions.add(uri);
      }
    }
    if (t === current) write(msg);
  }

  /** A new daemon session: initialize like the client did, then replay its subscriptions. */
  async function open(): Promise<StreamableHTTPClientTransport> {
    const { StreamableHTTPClientTransport: Transport } =
      await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
    url = await resolveUrl();
    const headers = (await opts.headers?.()) ?? {};
    const t = new Transport(url, { requestInit: { headers } });
    t.onmessage = (m) => fromDaemon(t, m);
    t.onerror = (err) => {
      log('debug', 'mcp bridge: daemon transport', { error: err.message });
      // The server stream broke (daemon restarted): reconnect so subscriptions keep working.
      if (t === current && subscriptions.size > 0 && !closing) {
        reconnect(t).catch((e: unknown) => log('warn', 'mcp bridge: reconnect failed', { error: String(e) }));
      }
    };
    await t.start();
    const init = await ask(t, 'initialize', {
      protocolVersion: negotiated(),
      capabilities: initParams?.capabilities ?? {},
      clientInfo: initParams?.clientInfo ?? { name: 'aicoder-mcp-bridge', version: '1' },
    });
    if (!init.result) throw new Error(`the daemon refused initialize: ${init.error?.message ?? '?'}`);
    const v = init.result.protocolVersion;
    if (typeof v === 'string') t.setProtocolVersion(v);
    await t.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    for (const uri of subscriptions) {
      const r = await ask(t, 'resources/subscribe', { uri });
      if (r.error) subscriptions.delete(uri);
    }
    current = t;
    log('debug', 'mcp bridge: daemon session open', { url: url.href });
    return t;
  }

  function connect(): Promise<StreamableHTTPClientTransport> {
    upstream ??= open().catch((err: unknown) => {
      upstream = undefined;
      throw err;
    });
    return upstream;
  }

  /** Drops the session `broken` (if still current) and opens a new one. */
  function reconnect(broken: StreamableHTTPClientTransport): Promise<StreamableHTTPClientTransport> {
    if (current === broken) {
      current = undefined;
      upstream = undefined;
      broken.onmessage = undefined;
      broken.onerror = undefined;
      void broken.close().catch(() => {});
    }
    return connect();
  }

  function gone(err: unknown): boolean {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code === 404;
    return err instanceof TypeError; // fetch failed: connection refused or reset
  }

  async function forward(msg: Msg): Promise<void> {
    const uri = typeof msg.params?.uri === 'string' ? msg.params.uri : '';
    if (msg.method === 'resources/subscribe' && msg.id !== undefined) subscribing.set(msg.id, uri);
    if (msg.method === 'resources/unsubscribe') subscriptions.delete(uri);
    if (msg.method === 'notifications/cancelled') {
      const cancelled = msg.params?.requestId;
      if (typeof cancelled === 'string' || typeof cancelled === 'number') outbox.cancelled(cancelled);
    }
    if (msg.method !== undefined) outbox.request(msg);
    let t: StreamableHTTPClientTransport | undefined;
    try {
      t = await connect();
      await t.send(msg as JSONRPCMessage);
    } catch (first) {
      let err = first;
      if (t !== undefined && gone(err)) {
        try {
          await (await reconnect(t)).send(msg as JSONRPCMessage);
          return;
        } catch (again) {
          err = again;
        }
      }
      const text = err instanceof Error ? err.message : String(err);
      log('warn', 'mcp bridge: forwarding failed', { error: text });
      if (msg.id !== undefined && msg.method !== undefined) {
        const where = url?.href ?? 'the aicoder daemon';
        write({
          jsonrpc: '2.0',
          id: msg.id,
          error: { code: -32000, message: `aicoder daemon at ${where} did not answer: ${text}` },
        });
      }
    }
  }

  function handle(msg: Msg): void {
    if (outbox.answer(msg)) return; // the client answered the outbox's ping
    switch (msg.method) {
      case 'initialize':
        initParams = msg.params ?? {};
        write({
          jsonrpc: '2.0',
          id: msg.id!,
          result: {
            protocolVersion: negotiated(),
            capabilities: SERVER_CAPABILITIES,
            serverInfo: { name: SERVER_NAME, title: SERVER_NAME, version: opts.version ?? '0.0.0' },
            instructions: SERVER_INSTRUCTIONS,
          },
        });
        // Find or start the daemon now, in the background; calls wait for it.
        connect().catch((err: unknown) =>
          log('warn', 'mcp bridge: daemon not reachable yet', { error: String(err) }),
        );
        return;
      case 'notifications/initialized':
        return; // the daemon session gets its own
      case 'ping':
        if (msg.id !== undefined) write({ jsonrpc: '2.0', id: msg.id, result: {} });
        return;
      case 'tools/list':
        if (msg.id !== undefined) write({ jsonrpc: '2.0', id: msg.id, result: { tools: TOOLS_SNAPSHOT } });
        return;
      case undefined:
      default:
        void forward(msg);
    }
  }

  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      write({ jsonrpc: '2.0', id: null as never, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      if (m !== null && typeof m === 'object') handle(m as Msg);
    }
  });

  await new Promise<void>((resolve) => lines.once('close', resolve));
  closing = true;
  outbox.close();
  await outbox.drained();
  const t = current ?? (upstream ? await upstream.catch(() => undefined) : undefined);
  if (t) {
    await t.terminateSession().catch(() => {});
    await t.close().catch(() => {});
  }
}
