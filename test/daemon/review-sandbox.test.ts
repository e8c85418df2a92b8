/**
 * A group's cross-review runs in the members' sandbox: a group made with `sandbox: "bwrap"` (the
 * create's, not the repo's settings) gets a reviewer coder under bwrap too, on a real daemon with
 * command providers. Before, the reviewer was made without the create's sandbox and ran unconfined.
 * Homes live outside the OS temp dir (the sandbox puts a private /tmp over it).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { CODEX_HOMES_DIR } from '../fixtures/agent-env.js';
import { makeHome, startDaemon } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';
import { onPath } from '../helpers/path-without.js';

const BASE = join(CODEX_HOMES_DIR, 'review-sandbox');
// CI installs bubblewrap (.ci/run); elsewhere the test needs it on PATH.
const canRun = onPath('bwrap') !== null || process.env.CI !== undefined;

afterAll(cleanupTemp);

/** A member: writes answer.txt in its worktree. */
const WRITER = {
  name: 'writer',
  command: ['bash', '-c', 'echo 42 > answer.txt; echo wrote', '{task}'],
  parser: 'text',
};

/** A reviewer that can take the reviewer role: names the first member of its task. */
const JUDGE = {
  name: 'judge',
  command: [
    'bash',
    '-c',
    'id=$(printf "%s" "$1" | grep -o "Member [0-9a-f]*" | head -1 | cut -d" " -f2); echo "VERDICT: $id"',
    '_',
    '{task}',
    '{system_prompt}',
  ],
  parser: 'text',
  read_only: { tools: 'Read' },
};

test.skipIf(!canRun)(
  "a group under sandbox bwrap gets its cross-review coder in the members' sandbox",
  async () => {
    mkdirSync(BASE, { recursive: true });
    const h = await makeHome({ base: BASE, providers: [WRITER, JUDGE] });
    await startDaemon(h);
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    const repo = makeRepo();
    const g = await client.createGroup({
      task: 'answer',
      repo,
      agents: [{ provider: 'writer', count: 2 }],
      review_by: 'judge',
      sandbox: 'bwrap',
    });
    const review = await waitFor(
      async () => {
        const v = await client.getGroup(g.id);
        return v.review?.state === 'done' || v.review?.state === 'failed' ? v.review : null;
      },
      { what: 'the cross-review', timeoutMs: scaled(60_000), intervalMs: 200 },
    );
    expect(review, JSON.stringify(review)).toMatchObject({ state: 'done', choice: g.members[0]!.id });
    const members = await Promise.all(g.members.map((m) => client.get(m.id)));
    expect(members.map((m) => m.sandbox.mode)).toEqual(['bwrap', 'bwrap']);
    const reviewer = await client.get(review.coder_id!);
    expect(reviewer.role?.name).toBe('reviewer');
    expect(reviewer.sandbox).toEqual(members[0]!.sandbox);
  },
  scaled(90_000),
);
