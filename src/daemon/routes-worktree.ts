/**
 * REST routes of the worktree lifecycle (see src/client/worktree-client.ts):
 *   POST /api/coders/:id/commit   {message?}                 → CommitResult & {coder_id}
 *   POST /api/coders/:id/merge    {strategy?, message?}      → MergeResult & {coder_id}
 *   GET  /api/conflicts?repo=&coder=                         → {reports: ConflictReport[]}
 *   POST /api/gc  {older_than_ms?, dry_run?, include_unmerged?, repo?} → GcResult
 *   GET  /api/disk?ids=a,b                                   → {disk: DiskUsage[]}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ManagerApi } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import type { WorktreeApi } from '../core/worktree-types.js';
import {
  commitInput as commitSchema,
  conflictsQuery,
  diskQuery,
  gcInput as gcSchema,
  mergeInput as mergeSchema,
} from '../protocol/index.js';
import { readJsonBody, sendJson } from './http-util.js';
import { parseNoQuery, parseWith } from './validate.js';

const ROUTE = /^\/api\/coders\/([^/]+)\/(commit|merge)$/;

interface Req {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: Record<string, string>;
}

function lifecycleOf(manager: ManagerApi): WorktreeApi {
  const m = manager as ManagerApi & Partial<WorktreeApi>;
  if (!m.commit || !m.merge || !m.conflicts || !m.gc || !m.disk) {
    throw new AicoderError('not_supported', 'this manager has no worktree lifecycle operations');
  }
  return m as WorktreeApi;
}

function only(r: Req, method: string): void {
  if (r.method !== method) {
    r.res.setHeader('allow', method);
    throw new AicoderError('invalid_input', `method ${r.method} is not allowed on ${r.path} (use ${method})`);
  }
}

/** Returns false when no route matches. */
export async function dispatchWorktree(manager: ManagerApi, r: Req): Promise<boolean> {
  const m = ROUTE.exec(r.path);
  if (m !== null) {
    only(r, 'POST');
    parseNoQuery(r.query);
    const id = decodeURIComponent(m[1]!);
    const api = lifecycleOf(manager);
    const body = await readJsonBody(r.req);
    if (m[2] === 'commit') sendJson(r.res, 200, await api.commit(id, parseWith(commitSchema, body, 'body')));
    else sendJson(r.res, 200, await api.merge(id, parseWith(mergeSchema, body, 'body')));
    return true;
  }
  switch (r.path) {
    case '/api/conflicts': {
      only(r, 'GET');
      const q = parseWith(conflictsQuery, r.query, 'query');
      sendJson(r.res, 200, { reports: await lifecycleOf(manager).conflicts(q) });
      return true;
    }
    case '/api/gc': {
      only(r, 'POST');
      parseNoQuery(r.query);
      const input = parseWith(gcSchema, await readJsonBody(r.req), 'body');
      sendJson(r.res, 200, await lifecycleOf(manager).gc(input));
      return true;
    }
    case '/api/disk': {
      only(r, 'GET');
      const q = parseWith(diskQuery, r.query, 'query');
      sendJson(r.res, 200, { disk: await lifecycleOf(manager).disk(q.ids.split(',').filter(Boolean)) });
      return true;
    }
    default:
      return false;
  }
}
