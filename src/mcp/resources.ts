/**
 * Resources (MCP spec 2025-11-25, server/resources), all JSON:
 * - aicoder://coders: the coders, newest first (compact records, at most 100, with total);
 * - aicoder://coders/{id}: one full record;
 * - aicoder://stats: the fleet summary (core/stats.ts);
 * - aicoder://roles: the roles a create can name (core/roles-listing.ts, as `GET /api/roles`), read
 *   from the role files at each read (no updated notification: the files are not watched).
 * resources/list pages with nextCursor (100 coders a page). A session that listed resources or holds
 * subscriptions listens to the manager's event bus: it hears notifications/resources/list_changed
 * when a coder is created or removed, and notifications/resources/updated for what it subscribed to.
 * An unknown resource is always -32002 (the spec's resource-not-found code).
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ManagerApi } from '../core/api.js';
import type { AicoderEvent } from '../core/events.js';
import type { Logger } from '../core/ports.js';
import { fleetStats } from '../core/stats.js';
import { compactCoder } from './compact.js';
import { parseParams, rawHandler, RpcError } from './handlers.js';
import { coderJson } from './tool-kit.js';

export const CODERS_URI = 'aicoder://coders';
export const STATS_URI = 'aicoder://stats';
export const ROLES_URI = 'aicoder://roles';
export const coderUri = (id: string): string => `${CODERS_URI}/${id}`;

/** JSON-RPC code for an unknown resource (MCP spec). */
export const RESOURCE_NOT_FOUND = -32002;
const PAGE = 100;

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] };
}

/** The URIs an event changes. */
export function urisFor(e: AicoderEvent): string[] {
  switch (e.type) {
    case 'coder.created':
    case 'coder.state':
      return [CODERS_URI, coderUri(e.coder.id), STATS_URI];
    case 'coder.updated':
      return [coderUri(e.coder.id), STATS_URI];
    case 'coder.removed':
      return [CODERS_URI, coderUri(e.id), STATS_URI];
    case 'coder.log':
      return [];
  }
}

function notFound(uri: string, why: string): RpcError {
  return new RpcError(RESOURCE_NOT_FOUND, `${why}; resources/list shows the resources`, { uri });
}

/** The URI with the coder's full id; resource-not-found for anything else. */
function canonicalUri(manager: ManagerApi, uri: string): string {
  if (uri === CODERS_URI || uri === STATS_URI || uri === ROLES_URI) return uri;
  const id = uri.startsWith(`${CODERS_URI}/`) ? uri.slice(CODERS_URI.length + 1) : '';
  if (!id) throw notFound(uri, `no resource '${uri}'`);
  try {
    return coderUri(manager.get(id).id);
  } catch (err) {
    throw notFound(uri, err instanceof Error ? err.message : String(err));
  }
}

export interface ResourceHandle {
  /** Stops listening to the manager (on session close). */
  close(): void;
}

const uriParams = z.object({ uri: z.string() }).passthrough();
const pageParams = z.object({ cursor: z.string().optional() }).passthrough();

export function registerResources(
  server: Server,
  manager: ManagerApi,
  log: Logger,
  opts: { startedAtMs: number },
): ResourceHandle {
  const fixed: Resource[] = [
    {
      uri: CODERS_URI,
      name: 'coders',
      title: 'Coders',
      description: `All coders, newest first (compact records, at most ${PAGE}), with total.`,
      mimeType: 'application/json',
    },
    {
      uri: STATS_URI,
      name: 'stats',
      title: 'Fleet stats',
      description: 'Coders by state, running and queued, tokens and cost per provider, daemon uptime.',
      mimeType: 'application/json',
    },
    {
      uri: ROLES_URI,
      name: 'roles',
      title: 'Roles',
      description: "Roles ai_coder_create's role and agents[].role can name: tools, model, reports, origin.",
      mimeType: 'application/json',
    },
  ];

  /** Canonical URI (full coder id) → the URI the client subscribed with (maybe an id prefix). */
  const subscribed = new Map<string, string>();
  /** This session listed resources: it hears list_changed. */
  let listed = false;
  let unlisten: (() => void) | undefined;

  const onEvent = (e: AicoderEvent): void => {
    if (listed && (e.type === 'coder.created' || e.type === 'coder.removed')) {
      server.sendResourceListChanged().catch((err: unknown) => {
        log('debug', 'mcp list_changed not delivered', { error: String(err) });
      });
    }
    for (const canonical of urisFor(e)) {
      const uri = subscribed.get(canonical);
      if (uri === undefined) continue;
      server.sendResourceUpdated({ uri }).catch((err: unknown) => {
        log('debug', 'mcp resource update not delivered', { uri, error: String(err) });
      });
    }
    if (e.type === 'coder.removed') subscribed.delete(coderUri(e.id));
  };

  const sync = (): void => {
    const want = listed || subscribed.size > 0;
    if (want && !unlisten) unlisten = manager.subscribe(onEvent);
    if (!want && unlisten) {
      unlisten();
      unlisten = undefined;
    }
  };

  rawHandler(server, 'resources/list', (params) => {
    const p = parseParams('resources/list', pageParams, params);
    listed = true;
    sync();
    let page;
    try {
      page = manager.list({ states: ['all'], limit: PAGE, ...(p.cursor ? { cursor: p.cursor } : {}) });
    } catch (err) {
      throw new RpcError(-32602, `Invalid params for resources/list: params.cursor ${String(err)}`);
    }
    const coders: Resource[] = page.coders.map((c) => ({
      uri: coderUri(c.id),
      name: c.name,
      description: `${c.state} · ${c.provider} · ${c.branch}`,
      mimeType: 'application/json',
    }));
    return {
      resources: p.cursor ? coders : [...fixed, ...coders],
      ...(page.next_cursor ? { nextCursor: page.next_cursor } : {}),
    };
  });

  rawHandler(server, 'resources/templates/list', () => ({
    resourceTemplates: [
      {
        uriTemplate: `${CODERS_URI}/{id}`,
        name: 'coder',
        title: 'Coder',
        description: 'One full coder record with stats (the id or a unique prefix).',
        mimeType: 'application/json',
      },
    ],
  }));

  rawHandler(server, 'resources/read', (params) => {
    const { uri } = parseParams('resources/read', uriParams, params);
    const canonical = canonicalUri(manager, uri);
    if (canonical === CODERS_URI) {
      const page = manager.list({ states: ['all'], limit: PAGE });
      const now = Date.now();
      return json(uri, {
        coders: page.coders.map((c) => compactCoder(c, now)),
        total: page.total,
        next_cursor: page.next_cursor,
      });
    }
    if (canonical === STATS_URI) return json(uri, fleetStats(manager, opts.startedAtMs));
    if (canonical === ROLES_URI) return json(uri, manager.roles());
    try {
      return json(uri, coderJson(manager.get(canonical.slice(CODERS_URI.length + 1))));
    } catch (err) {
      throw notFound(uri, err instanceof Error ? err.message : String(err));
    }
  });

  rawHandler(server, 'resources/subscribe', (params) => {
    const { uri } = parseParams('resources/subscribe', uriParams, params);
    subscribed.set(canonicalUri(manager, uri), uri);
    sync();
    return {};
  });

  rawHandler(server, 'resources/unsubscribe', (params) => {
    const { uri } = parseParams('resources/unsubscribe', uriParams, params);
    for (const [canonical, asked] of subscribed) if (asked === uri) subscribed.delete(canonical);
    sync();
    return {};
  });

  return {
    close(): void {
      subscribed.clear();
      listed = false;
      sync();
    },
  };
}
