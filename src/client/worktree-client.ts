/** HTTP client of the worktree lifecycle routes (src/daemon/routes-worktree.ts). */
import { AicoderError, fromErrorBody, type ErrorBody } from '../core/errors.js';
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
  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', 'content-type': 'application/json', ...authHeaders },
        ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
      });
      text = await res.text();
    } catch (e) {
      throw new AicoderError('daemon_unreachable', `cannot reach the aicoder daemon at ${base}`, {
        cause: e,
      });
    }
    const json = (text === '' ? undefined : JSON.parse(text)) as unknown;
    if (!res.ok) {
      const err = (json as { error?: ErrorBody } | undefined)?.error;
      if (err && typeof err.code === 'string') throw fromErrorBody(err);
      throw new AicoderError('internal', `the daemon answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    return json as T;
  }
  const q = (o: Record<string, string | undefined>): string => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o)) if (v !== undefined) p.set(k, v);
    const s = p.toString();
    return s === '' ? '' : `?${s}`;
  };
  const enc = encodeURIComponent;
  return {
    commit: (id, input) => request('POST', `/api/coders/${enc(id)}/commit`, input),
    merge: (id, input) => request('POST', `/api/coders/${enc(id)}/merge`, input),
    conflicts: async (input) =>
      (await request<{ reports: ConflictReport[] }>('GET', `/api/conflicts${q(input)}`)).reports,
    gc: (input) => request('POST', '/api/gc', input),
    disk: async (ids) =>
      ids.length === 0
        ? []
        : (await request<{ disk: DiskUsage[] }>('GET', `/api/disk${q({ ids: ids.join(',') })}`)).disk,
  };
}
