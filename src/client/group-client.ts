/** HTTP client of the group routes (src/daemon/routes-groups.ts). */
import type { Coder } from '../core/coder.js';
import { AicoderError, fromErrorBody, type ErrorBody } from '../core/errors.js';
import type { CreateGroupInput, GroupAction, GroupControlResult } from '../core/group-ops.js';
import type { GroupView } from '../core/group.js';
import type { CompareResult } from '../core/compare.js';
import { httpRequest, type HttpAnswer } from '../local/http-request.js';

export interface GroupClient {
  create(input: CreateGroupInput): Promise<GroupView>;
  list(input?: { repo?: string; limit?: number }): Promise<GroupView[]>;
  get(id: string): Promise<GroupView>;
  control(
    id: string,
    input: { action: GroupAction; force?: boolean; keep_branch?: boolean },
  ): Promise<GroupControlResult>;
  /** One long poll (≤ 50 s): every member ended, or timed_out. */
  wait(id: string, timeoutMs: number): Promise<{ group: GroupView; timed_out: boolean }>;
  compare(id: string): Promise<CompareResult>;
}

export type { Coder };

/** `authHeaders`: the owner token's `{authorization}` (local/owner-token.ts), as the other clients send it. */
export function createGroupClient(
  baseUrl: string,
  authHeaders: Readonly<Record<string, string>> = {},
): GroupClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: HttpAnswer;
    try {
      res = await httpRequest(`${base}${path}`, {
        method,
        headers: { ...authHeaders, accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new AicoderError('daemon_unreachable', `cannot reach the aicoder daemon at ${base}`, {
        cause: e,
      });
    }
    const text = res.text;
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new AicoderError('internal', `the daemon sent a response that is not JSON (HTTP ${res.status})`);
    }
    if (!res.ok) {
      const err = (json as { error?: ErrorBody } | undefined)?.error;
      if (err && typeof err.code === 'string') throw fromErrorBody(err);
      throw new AicoderError('internal', `the daemon answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    return json as T;
  }
  const enc = encodeURIComponent;
  return {
    create: (input) => request('POST', '/api/groups', input),
    list: async (input = {}) => {
      const p = new URLSearchParams();
      if (input.repo !== undefined) p.set('repo', input.repo);
      if (input.limit !== undefined) p.set('limit', String(input.limit));
      const q = p.toString();
      return (await request<{ groups: GroupView[] }>('GET', `/api/groups${q ? `?${q}` : ''}`)).groups;
    },
    get: (id) => request('GET', `/api/groups/${enc(id)}`),
    control: (id, input) => request('POST', `/api/groups/${enc(id)}/control`, input),
    compare: (id) => request('GET', `/api/groups/${enc(id)}/compare`),
    wait: (id, ms) => request('GET', `/api/groups/${enc(id)}/wait?timeout_ms=${Math.max(0, Math.round(ms))}`),
  };
}
