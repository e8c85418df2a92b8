/**
 * REST routes of groups (best of N; see src/client/group-client.ts):
 *   POST /api/groups               CreateCoderInput without provider/model/branch, plus
 *                                  agents: [{provider, model?, count?}]   → 201 GroupView
 *   GET  /api/groups?repo=&limit=                                          → {groups: GroupView[]}
 *   GET  /api/groups/:id                                                   → GroupView
 *   POST /api/groups/:id/control   {action: start|stop|restart|remove|check, force?, keep_branch?}
 *                                                                          → GroupControlResult
 *   GET  /api/groups/:id/wait?timeout_ms=   (every member ended; ≤ 50 s)   → {group, timed_out}
 *   GET  /api/groups/:id/compare                                           → CompareResult
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import type { ManagerApi } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import { GROUP_ACTIONS, groupsOf } from '../core/group-ops.js';
import { readJsonBody, sendJson } from './http-util.js';
import { createSchema, parseNoQuery, parseWith } from './validate.js';

const GROUP_ROUTE = /^\/api\/groups\/([^/]+)(?:\/(control|wait|compare))?$/;
/** The longest a wait request is held open, as for coders. */
const MAX_WAIT_MS = 50_000;

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer from ${min} to ${max}`);

const listQuery = z
  .object({
    repo: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => isAbsolute(p), 'must be an absolute path')
      .optional(),
    limit: int(1, 100).optional(),
  })
  .strict();
const waitQuery = z.object({ timeout_ms: int(0, 3_600_000).optional() }).strict();
const controlSchema = z
  .object({
    action: z.enum(GROUP_ACTIONS),
    force: z.boolean().optional(),
    keep_branch: z.boolean().optional(),
  })
  .strict();

interface Req {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
  signal: AbortSignal;
}

function only(r: Req, method: string): void {
  if (r.method !== method) {
    r.res.setHeader('allow', method);
    throw new AicoderError('invalid_input', `method ${r.method} is not allowed on ${r.path} (use ${method})`);
  }
}

/** Returns false when no route matches. */
export async function dispatchGroups(manager: ManagerApi, r: Req): Promise<boolean> {
  if (r.path === '/api/groups') {
    const api = groupsOf(manager);
    if (r.method === 'GET') {
      const q = parseWith(listQuery, r.query, 'query');
      sendJson(r.res, 200, { groups: api.listGroups(q) });
      return true;
    }
    only(r, 'POST');
    parseNoQuery(r.query);
    const body = await readJsonBody(r.req);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new AicoderError('invalid_input', 'body must be a JSON object', { field: 'body' });
    }
    const { agents, ...rest } = body as Record<string, unknown>;
    if (agents === undefined) {
      throw new AicoderError('invalid_input', 'agents is required: [{provider, model?, count?}]', {
        field: 'agents',
      });
    }
    const input = parseWith(createSchema, rest, 'body');
    sendJson(r.res, 201, await api.createGroup({ ...input, agents: agents as never }));
    return true;
  }
  const m = GROUP_ROUTE.exec(r.path);
  if (m === null) return false;
  const id = decodeURIComponent(m[1]!);
  const api = groupsOf(manager);
  switch (m[2]) {
    case undefined:
      only(r, 'GET');
      parseNoQuery(r.query);
      sendJson(r.res, 200, api.getGroup(id));
      return true;
    case 'control': {
      only(r, 'POST');
      parseNoQuery(r.query);
      const input = parseWith(controlSchema, await readJsonBody(r.req), 'body');
      sendJson(r.res, 200, await api.controlGroup(id, input));
      return true;
    }
    case 'wait': {
      only(r, 'GET');
      const q = parseWith(waitQuery, r.query, 'query');
      const timeout = Math.min(q.timeout_ms ?? 30_000, MAX_WAIT_MS);
      sendJson(r.res, 200, await api.waitGroup(id, { timeout_ms: timeout, signal: r.signal }));
      return true;
    }
    case 'compare':
      only(r, 'GET');
      parseNoQuery(r.query);
      sendJson(r.res, 200, await api.compareGroup(id));
      return true;
    default:
      return false;
  }
}
