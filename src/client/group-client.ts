/** HTTP client of the group routes (src/daemon/routes/groups.ts). */
import type { Coder } from '../core/coder.js';
import type { CreateGroupInput, GroupAction, GroupControlResult } from '../core/group-ops.js';
import type { GroupView } from '../core/group.js';
import type { CompareResult } from '../core/compare.js';
import { jsonRequester } from './json-request.js';

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
  const request = jsonRequester(base, authHeaders);
  const enc = encodeURIComponent;
  return {
    create: (input) => request('POST', '/api/groups', input),
    list: async (input = {}) =>
      (await request<{ groups: GroupView[] }>('GET', '/api/groups', undefined, input)).groups,
    get: (id) => request('GET', `/api/groups/${enc(id)}`),
    control: (id, input) => request('POST', `/api/groups/${enc(id)}/control`, input),
    compare: (id) => request('GET', `/api/groups/${enc(id)}/compare`),
    wait: (id, ms) =>
      request('GET', `/api/groups/${enc(id)}/wait`, undefined, { timeout_ms: Math.max(0, Math.round(ms)) }),
  };
}
