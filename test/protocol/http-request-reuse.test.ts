/**
 * The clients' one HTTP request (src/local/http-request.ts) keeps sockets alive between calls. A
 * server closes an idle kept-alive socket after its keepAliveTimeout; a request written on it at that
 * moment gets ECONNRESET without an answer (seen as "socket hang up" by a client that came back after
 * 5 s idle). Here a real loopback server makes that moment happen every time: it drops every second
 * request on a connection without reading it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/local/http-request.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A server that answers `n` requests per connection and resets the connection at the next one. */
async function serverAnswering(n: number): Promise<{ url: string; received: () => number }> {
  const perSocket = new WeakMap<Socket, number>();
  let received = 0;
  const s = createServer((req, res) => {
    const count = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, count);
    if (count > n) {
      req.socket.resetAndDestroy();
      return;
    }
    received++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ n: received }));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/x`, received: () => received };
}

describe('httpRequest on a kept-alive socket the server drops', () => {
  it('sends the request again on a new socket and returns its answer', async () => {
    const srv = await serverAnswering(1);
    expect((await httpRequest(srv.url)).text).toBe('{"n":1}');
    // Same host and port: the agent reuses the socket, which the server now drops.
    const second = await httpRequest(srv.url, { method: 'POST', body: '{}' });
    expect(second).toMatchObject({ status: 200, text: '{"n":2}' });
    expect(srv.received()).toBe(2);
  });

  it('a reset on a fresh socket is not retried: the caller gets ECONNRESET', async () => {
    const srv = await serverAnswering(0);
    await expect(httpRequest(srv.url)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(srv.received()).toBe(0);
  });
});
