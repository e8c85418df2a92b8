/**
 * Two things the SDK's Streamable HTTP transports (v1.32) do not offer publicly, read from the
 * WebStandardStreamableHTTPServerTransport's stream maps (the Node wrapper's inner one, or the web
 * transport itself, which mcp/http.ts serves through node-http.ts):
 * - which SSE stream carries a request (to refuse resuming a cancelled request's stream);
 * - closing a resumed stream whose response was already replayed (the SDK keeps it open, and the
 *   client would hold it, counted as an open stream, until it disconnects).
 * When the SDK's internals change shape both degrade to doing nothing; test/mcp/resume.test.ts
 * fails then, as it checks both effects.
 */
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

type AnyTransport = StreamableHTTPServerTransport | WebStandardStreamableHTTPServerTransport;

interface Inner {
  _requestToStreamMapping?: Map<RequestId, string>;
  _streamMapping?: Map<string, { cleanup?: () => void }>;
}

function inner(t: AnyTransport): Inner | undefined {
  return (t as unknown as { _webStandardTransport?: Inner })._webStandardTransport ?? (t as unknown as Inner);
}

/** The id of the SSE stream that carries request `id`, if the transport still knows it. */
export function streamOfRequest(t: AnyTransport, id: RequestId): string | undefined {
  const m = inner(t)?._requestToStreamMapping;
  return m instanceof Map ? m.get(id) : undefined;
}

/** Ends the SSE stream `streamId` gracefully (its queued events are still delivered). */
export function closeStream(t: AnyTransport, streamId: string): void {
  const m = inner(t)?._streamMapping;
  if (m instanceof Map) m.get(streamId)?.cleanup?.();
}
