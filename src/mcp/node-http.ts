/**
 * Serves one Node request with the SDK's web-standard Streamable HTTP transport (SDK 1.32,
 * `server/webStandardStreamableHttp.js`): the request becomes a web `Request` (headers, method, URL;
 * the body already parsed by the caller), and the `Response` is written to the `ServerResponse` chunk
 * by chunk as the transport produces it.
 *
 * Why not the SDK's Node wrapper (`StreamableHTTPServerTransport`): it converts through
 * @hono/node-server, which reads ahead up to three chunks of a streamed body before it sends the
 * headers and waits on a timer (`setTimeout`, up to 1 ms) when the second chunk is not ready yet.
 * With resumability every POST stream opens with a priming event and the answer comes a few
 * microtasks later, so every call waited on that timer: about 1 ms a call on the bare SDK
 * (bench/mcp-list.mjs's figure). Here each chunk is written as soon as it is read. Node corks the
 * socket until the next tick, so a priming event and a quick answer still leave in one write.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/**
 * Hands `req` to `transport` and writes its answer to `res`. `parsedBody`: the POST body, already
 * read and parsed (the transport then reads none). Throws what the transport throws (the caller
 * answers 500); a client that goes away cancels the answer's stream, as the SDK expects.
 */
export async function serveWebTransport(
  transport: WebStandardStreamableHTTPServerTransport,
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody?: unknown,
): Promise<void> {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const request = new Request(requestUrl(req), { method: req.method ?? 'GET', headers });
  const response = await transport.handleRequest(
    request,
    parsedBody === undefined ? undefined : { parsedBody },
  );
  await writeResponse(response, res);
}

/** The request's URL on its Host (the transport checks the Host header itself); 127.0.0.1 when unusable. */
function requestUrl(req: IncomingMessage): string {
  const path = req.url ?? '/';
  try {
    return new URL(path, `http://${req.headers.host ?? '127.0.0.1'}`).href;
  } catch {
    return new URL(path, 'http://127.0.0.1').href;
  }
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const head: Record<string, string> = {};
  response.headers.forEach((v, k) => (head[k] = v));
  const body = response.body;
  const sse = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  if (body === null || !sse) {
    // A whole answer (an error, 202, a JSON response): sent at once with its length.
    const buf = body === null ? undefined : Buffer.from(await response.arrayBuffer());
    if (buf !== undefined) head['content-length'] = String(buf.length);
    res.writeHead(response.status, head);
    res.end(buf);
    return;
  }
  res.writeHead(response.status, head);
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  res.once('close', cancel);
  try {
    const first = reader.read();
    // The headers leave with the first event when it is there already (the priming event), else now:
    // a client waits for them to know the stream is open.
    const now = await Promise.race([first, Promise.resolve(undefined)]);
    if (now === undefined) res.flushHeaders();
    for (let r = await first; !r.done; r = await reader.read()) {
      if (!res.write(r.value)) await drained(res);
    }
    res.end();
  } finally {
    res.off('close', cancel);
  }
}

/** Resolves when `res` can take more data, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
