/**
 * One HTTP/1.1 request to the daemon on loopback, through node:http with a keep-alive agent, for the
 * clients and for daemon/control.ts (local/ is shared by the daemon and its clients). The CLI
 * uses it instead of fetch for plain JSON calls: fetch loads undici on first use, which costs more
 * than the whole `aicoder list` round trip (docs/performance.md, figure 5). Idle kept-alive sockets
 * do not hold the process open (node:http unrefs them).
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The request body (sent with its byte length). */
  body?: string;
  /** Fails with an error whose code is ETIMEDOUT when no full answer came within this many ms. */
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  /** 2xx. */
  ok: boolean;
  /** The body, decoded as UTF-8. */
  text: string;
}

/**
 * Sends the request and reads the whole answer. Rejects with the socket's error (its `code`:
 * ECONNREFUSED, ECONNRESET, ETIMEDOUT, …) when there is no answer.
 *
 * A kept-alive socket that the daemon closes as idle (node:http's keepAliveTimeout, 5 s) at the
 * moment a request is written on it ends with ECONNRESET before any answer: the daemon never read
 * that request. Such a request is sent once more on a new socket (node:http's `reusedSocket`, as its
 * documentation advises); a reset on a fresh socket is the caller's error.
 */
export async function httpRequest(url: string, opts: HttpRequestOptions = {}): Promise<HttpAnswer> {
  try {
    return await once(url, opts);
  } catch (e) {
    if (!(e instanceof ReusedSocketReset)) throw e;
    return once(url, opts);
  }
}

/** ECONNRESET (or a hang-up) before any answer, on a socket an earlier request had used. */
class ReusedSocketReset extends Error {}

function once(url: string, opts: HttpRequestOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const req = request(url, { method: opts.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !answered && e.code === 'ECONNRESET') {
        reject(Object.assign(new ReusedSocketReset(e.message), { code: e.code }));
      } else reject(e);
    });
    if (opts.timeoutMs !== undefined) {
      req.setTimeout(opts.timeoutMs, () => {
        const e = Object.assign(new Error(`no answer from ${url} within ${opts.timeoutMs} ms`), {
          code: 'ETIMEDOUT',
        });
        req.destroy(e);
      });
    }
    req.end(opts.body);
  });
}
