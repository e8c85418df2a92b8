/** A real node:http server on loopback for the MCP handler tests. */
import { createServer } from 'node:http';
import type { McpHttpHandler } from '../../src/mcp/index.js';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/mcp`. */
  url: URL;
  /** Ends every open connection (SSE streams included), then the server. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port` and hands each request to the handler `current()` returns at that
 * moment, so a test may swap handlers (a "restarted daemon"). `mcpOnly`: other paths get a 404.
 */
export async function listenLoopback(
  port: number,
  current: () => McpHttpHandler,
  opts: { mcpOnly?: boolean } = {},
): Promise<LoopbackServer> {
  const http = createServer((req, res) => {
    if (opts.mcpOnly === true && !req.url?.startsWith('/mcp')) res.writeHead(404).end();
    else void current().handle(req, res);
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
