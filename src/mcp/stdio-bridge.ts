/**
 * `aicoder mcp`: a stdio MCP server for clients that only speak stdio. A transparent proxy: every
 * JSON-RPC message from stdin goes to the daemon's /mcp over Streamable HTTP and every message back
 * (responses, progress and resource notifications, server requests) goes to stdout, so both
 * transports show the same tools and records. When the daemon restarted meanwhile (its session is
 * gone: 404), the bridge replays the client's initialize once and resends.
 */
import type { Readable, Writable } from 'node:stream';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../core/ports.js';

export interface StdioBridgeOptions {
  /** The daemon's base URL (http://127.0.0.1:7777) or its /mcp endpoint. */
  baseUrl: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Diagnostics (never to stdout, which carries the protocol). */
  log?: Logger;
  /** Called before re-initializing after the daemon went away (e.g. to start it again). */
  ensureDaemon?: () => Promise<void>;
}

export function mcpUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (!url.pathname.replace(/\/+$/, '').endsWith('/mcp')) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/mcp`;
  }
  return url;
}

const BRIDGE_ID_PREFIX = 'aicoder-bridge-';

/** Runs until stdin ends; then ends the daemon session and resolves. */
export async function runStdioBridge(opts: StdioBridgeOptions): Promise<void> {
  const url = mcpUrl(opts.baseUrl);
  const log: Logger = opts.log ?? (() => {});
  const stdin = opts.stdin ?? process.stdin;
  const stdio = new StdioServerTransport(stdin, opts.stdout ?? process.stdout);

  let initialize: JSONRPCRequest | undefined;
  let protocolVersion: string | undefined;
  let http: StreamableHTTPClientTransport = connect();
  let reinit: Promise<void> | undefined;
  let internalSeq = 0;
  const internal = new Map<RequestId, (m: JSONRPCMessage) => void>();

  function toClient(msg: JSONRPCMessage): void {
    stdio
      .send(msg)
      .catch((err: unknown) => log('warn', 'mcp bridge: stdout write failed', { error: String(err) }));
  }

  function connect(): StreamableHTTPClientTransport {
    const t = new StreamableHTTPClientTransport(url);
    t.onmessage = (msg) => {
      if ((isJSONRPCResultResponse(msg) || isJSONRPCErrorResponse(msg)) && msg.id !== undefined) {
        const waiter = internal.get(msg.id);
        if (waiter) {
          internal.delete(msg.id);
          waiter(msg);
          return;
        }
        if (initialize && msg.id === initialize.id && isJSONRPCResultResponse(msg)) {
          const v = msg.result.protocolVersion;
          if (typeof v === 'string') {
            protocolVersion = v;
            t.setProtocolVersion(v);
          }
        }
      }
      toClient(msg);
    };
    t.onerror = (err) => log('debug', 'mcp bridge: http transport', { error: err.message });
    return t;
  }

  /** A new daemon session, initialized like the client's own. */
  async function reinitialize(): Promise<void> {
    if (!initialize) throw new Error('no initialize to replay');
    await opts.ensureDaemon?.();
    const old = http;
    http = connect();
    old.onmessage = undefined;
    await old.close().catch(() => {});
    await http.start();
    const id = `${BRIDGE_ID_PREFIX}${++internalSeq}`;
    const answered = new Promise<JSONRPCMessage>((resolve) => internal.set(id, resolve));
    await http.send({ ...initialize, id });
    const answer = await answered;
    if (!isJSONRPCResultResponse(answer)) throw new Error('the daemon refused the replayed initialize');
    const v = answer.result.protocolVersion;
    if (typeof v === 'string') http.setProtocolVersion(v);
    else if (protocolVersion) http.setProtocolVersion(protocolVersion);
    await http.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    log('info', 'mcp bridge: re-initialized a daemon session', { url: url.href });
  }

  function gone(err: unknown): boolean {
    if (err instanceof StreamableHTTPError) return err.code === 404;
    return err instanceof TypeError; // fetch failed: connection refused or reset
  }

  async function forward(msg: JSONRPCMessage): Promise<void> {
    if (isInitializeRequest(msg) && isJSONRPCRequest(msg)) initialize = msg;
    let used = http;
    try {
      if (reinit) await reinit;
      used = http;
      await used.send(msg);
    } catch (first) {
      let err = first;
      // The daemon lost the session (or restarted), or another message replaced the transport
      // while this one was in flight: replay the initialize once, then resend.
      if ((gone(err) || used !== http) && initialize && msg !== initialize) {
        try {
          if (used === http) {
            reinit ??= reinitialize().finally(() => {
              reinit = undefined;
            });
          }
          if (reinit) await reinit;
          await http.send(msg);
          return;
        } catch (again) {
          err = again;
        }
      }
      const text = err instanceof Error ? err.message : String(err);
      log('warn', 'mcp bridge: forwarding failed', { error: text });
      if (isJSONRPCRequest(msg)) {
        toClient({
          jsonrpc: '2.0',
          id: msg.id,
          error: { code: -32000, message: `aicoder daemon at ${url.href} did not answer: ${text}` },
        });
      }
    }
  }

  stdio.onmessage = (msg) => {
    void forward(msg);
  };
  stdio.onerror = (err) => log('warn', 'mcp bridge: stdin', { error: err.message });

  await http.start();
  await stdio.start();

  await new Promise<void>((resolve) => {
    stdin.once('end', resolve);
    stdin.once('close', resolve);
  });
  if (reinit) await reinit.catch(() => {});
  await http.terminateSession().catch(() => {});
  await http.close().catch(() => {});
  await stdio.close();
}
