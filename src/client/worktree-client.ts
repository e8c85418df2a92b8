/**
 * HTTP client of the worktree lifecycle routes (src/daemon/routes/worktree.ts), over the clients' one
 * JSON request (json-request.ts: node:http; every failure an AicoderError).
 */
import { jsonRequester } from './json-request.js';
import type {
  CommitResult,
  ConflictReport,
  DiskUsage,
  GcInput,
  GcResult,
  MergeResult,
  MergeStrategy,
} from '../core/worktree-types.js';

export interface WorktreeClient {
  commit(id: string, input: { message?: string }): Promise<CommitResult & { coder_id: string }>;
  merge(
    id: string,
    input: { strategy?: MergeStrategy; message?: string },
  ): Promise<MergeResult & { coder_id: string }>;
  conflicts(input: { repo?: string; coder?: string }): Promise<ConflictReport[]>;
  gc(input: GcInput): Promise<GcResult>;
  disk(ids: readonly string[]): Promise<DiskUsage[]>;
}

/** `authHeaders`: the owner token header (AicoderClient.authHeaders). */
export function createWorktreeClient(
  baseUrl: string,
  authHeaders: Readonly<Record<string, string>> = {},
): WorktreeClient {
  const base = baseUrl.replace(/\/+$/, '');
  const request = jsonRequester(base, authHeaders);
  const enc = encodeURIComponent;
  return {
    commit: (id, input) => request('POST', `/api/coders/${enc(id)}/commit`, input),
    merge: (id, input) => request('POST', `/api/coders/${enc(id)}/merge`, input),
    conflicts: async (input) =>
      (await request<{ reports: ConflictReport[] }>('GET', '/api/conflicts', undefined, input)).reports,
    gc: (input) => request('POST', '/api/gc', input),
    disk: async (ids) =>
      ids.length === 0
        ? []
        : (await request<{ disk: DiskUsage[] }>('GET', '/api/disk', undefined, { ids: ids.join(',') })).disk,
  };
}
