/**
 * The typed client's methods (coders, groups, worktrees) share one JSON request (src/client/json-request.ts):
 * whatever answers, a caller only ever sees an AicoderError with a code (never a raw SyntaxError from
 * a body that is not JSON, as the worktree client threw before).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { AicoderError } from '../../src/core/errors.js';
import { freePort } from '../helpers/env.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A loopback server answering every request with `status` and `body`; its base URL. */
async function answering(status: number, body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AicoderError);
  return (e as AicoderError).code;
}

function calls(base: string): Promise<unknown>[] {
  return [
    createHttpClient({ baseUrl: base }).gc({}),
    createHttpClient({ baseUrl: base }).conflicts({ repo: '/r' }),
    createHttpClient({ baseUrl: base }).listGroups(),
    createHttpClient({ baseUrl: base }).get('abc'),
  ];
}

describe('one JSON request for every client', () => {
  it('an answer that is not JSON is an internal error on every client', async () => {
    const base = await answering(200, '<html>proxy</html>');
    for (const p of calls(base)) expect(await codeOf(p)).toBe('internal');
  });

  it("the daemon's error body becomes its own code on every client", async () => {
    const base = await answering(
      404,
      JSON.stringify({ error: { code: 'not_found', message: 'no coder abc' } }),
    );
    for (const p of calls(base)) expect(await codeOf(p)).toBe('not_found');
  });

  it('nothing listening is daemon_unreachable on every client', async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    for (const p of calls(base)) expect(await codeOf(p)).toBe('daemon_unreachable');
  });
});
