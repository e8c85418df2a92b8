/**
 * Resources aicoder://coders (the list) and aicoder://coders/{id} (one record), both JSON, with
 * subscriptions: a subscribed client hears notifications/resources/updated when a coder changes.
 * The manager's event bus is listened to only while this session has subscriptions.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  McpError,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { ManagerApi } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import type { AicoderEvent } from '../core/events.js';
import type { Logger } from '../core/ports.js';
import { coderJson } from './tool-kit.js';

export const CODERS_URI = 'aicoder://coders';
export const coderUri = (id: string): string => `${CODERS_URI}/${id}`;

/** JSON-RPC code for an unknown resource (MCP spec). */
const RESOURCE_NOT_FOUND = -32002;
const LIST_LIMIT = 100;

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
}

/** The URIs an event changes. */
export function urisFor(e: AicoderEvent): string[] {
  switch (e.type) {
    case 'coder.created':
      return [CODERS_URI, coderUri(e.coder.id)];
    case 'coder.state':
      return [CODERS_URI, coderUri(e.coder.id)];
    case 'coder.updated':
      return [coderUri(e.coder.id)];
    case 'coder.removed':
      return [CODERS_URI, coderUri(e.id)];
    case 'coder.log':
      return [];
  }
}

/** The URI with the coder's full id; throws resource-not-found for anything else. */
function canonicalUri(manager: ManagerApi, uri: string): string {
  if (uri === CODERS_URI) return uri;
  const id = uri.startsWith(`${CODERS_URI}/`) ? uri.slice(CODERS_URI.length + 1) : '';
  if (!id) throw new McpError(RESOURCE_NOT_FOUND, `no resource '${uri}'; resources/list shows them`, { uri });
  try {
    return coderUri(manager.get(id).id);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new McpError(RESOURCE_NOT_FOUND, `${msg}; resources/list shows the coders`, { uri });
  }
}

export interface ResourceHandle {
  /** Stops listening to the manager (on session close). */
  close(): void;
}

export function registerResources(server: McpServer, manager: ManagerApi, log: Logger): ResourceHandle {
  server.registerResource(
    'coders',
    CODERS_URI,
    {
      title: 'Coders',
      description: `All coders, newest first (at most ${LIST_LIMIT}), with total.`,
      mimeType: 'application/json',
    },
    (uri) => {
      const page = manager.list({ states: ['all'], limit: LIST_LIMIT });
      return json(uri.href, {
        coders: page.coders.map(coderJson),
        total: page.total,
        next_cursor: page.next_cursor,
      });
    },
  );

  server.registerResource(
    'coder',
    new ResourceTemplate(`${CODERS_URI}/{id}`, {
      list: () => ({
        resources: manager.list({ states: ['all'], limit: LIST_LIMIT }).coders.map((c) => ({
          uri: coderUri(c.id),
          name: c.name,
          description: `${c.state} · ${c.provider} · ${c.branch}`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'Coder', description: 'One coder record with stats.', mimeType: 'application/json' },
    (uri, vars) => {
      const id = Array.isArray(vars.id) ? vars.id[0] : vars.id;
      try {
        return json(uri.href, coderJson(manager.get(id ?? '')));
      } catch (err) {
        if (err instanceof AicoderError) {
          throw new McpError(RESOURCE_NOT_FOUND, `${err.message}; resources/list shows the coders`, {
            uri: uri.href,
          });
        }
        throw err;
      }
    },
  );

  /** Canonical URI (full coder id) → the URI the client subscribed with (maybe an id prefix). */
  const subscribed = new Map<string, string>();
  let unlisten: (() => void) | undefined;

  const onEvent = (e: AicoderEvent): void => {
    if (e.type === 'coder.created' || e.type === 'coder.removed') {
      server.sendResourceListChanged();
    }
    for (const canonical of urisFor(e)) {
      const uri = subscribed.get(canonical);
      if (uri === undefined) continue;
      server.server.sendResourceUpdated({ uri }).catch((err: unknown) => {
        log('debug', 'mcp resource update not delivered', { uri, error: String(err) });
      });
    }
    if (e.type === 'coder.removed') subscribed.delete(coderUri(e.id));
  };

  const sync = (): void => {
    if (subscribed.size > 0 && !unlisten) unlisten = manager.subscribe(onEvent);
    if (subscribed.size === 0 && unlisten) {
      unlisten();
      unlisten = undefined;
    }
  };

  server.server.setRequestHandler(SubscribeRequestSchema, (req) => {
    const uri = req.params.uri;
    subscribed.set(canonicalUri(manager, uri), uri);
    sync();
    return {};
  });

  server.server.setRequestHandler(UnsubscribeRequestSchema, (req) => {
    const uri = req.params.uri;
    for (const [canonical, asked] of subscribed) if (asked === uri) subscribed.delete(canonical);
    sync();
    return {};
  });

  return {
    close(): void {
      subscribed.clear();
      sync();
    },
  };
}
