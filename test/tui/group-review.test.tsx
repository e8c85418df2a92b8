/**
 * A group's cross-review (review_by, docs/best-of-n.md) in the TUI: the group's detail pane and the
 * compare view show the reviewer's state and then its suggestion and reasons, as `aicoder status
 * GROUP` does. The reviewer is not a member: its coder's end fetches the group record again.
 */
import { afterEach, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import type { CompareResult } from '../../src/core/compare.js';
import type { GroupView } from '../../src/core/group.js';
import type { GroupReviewRecord } from '../../src/protocol/records.js';
import type { TuiGroups } from '../../src/tui/group-commands.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, has, press, resize } from './render.js';

afterEach(() => cleanup());

const GID = 'g7a8b9c0';
const at = (ms: number): string => new Date(NOW - ms).toISOString();

test('the cross-review: running in the detail pane, then its suggestion and reasons once its coder ends; compare shows it too', async () => {
  const client = new MemoryClient({ now: () => NOW });
  const member = { group_id: GID, state: 'completed' as const };
  client.add({ ...member, id: 'a1000001', name: 'fix · claude', created_at: at(9000) });
  client.add({ ...member, id: 'a1000002', name: 'fix · codex', provider: 'codex', created_at: at(8000) });
  // The reviewer: a coder of its own, outside the group, made after the members ended.
  client.add({ id: 'e1000001', name: 'review fix', state: 'running', created_at: at(10_000) });
  let review: GroupReviewRecord = {
    provider: 'claude',
    state: 'running',
    coder_id: 'e1000001',
    choice: null,
    verdict: null,
    reasons: null,
    error: null,
    updated_at: at(7000),
  };
  const calls: string[] = [];
  const view = (): GroupView => ({
    id: GID,
    name: 'fix',
    task: 'fix it',
    repo: '/repo',
    base_ref: 'main',
    base_commit: 'f'.repeat(40),
    agents: [{ provider: 'claude' }, { provider: 'codex' }],
    created_at: at(9500),
    picked: null,
    review,
    state: 'ended',
    counts: {},
    members: [...client.coders.values()].filter((m) => m.group_id === GID),
  });
  const compare: CompareResult = {
    group_id: GID,
    base_ref: 'main',
    base_commit: 'f'.repeat(40),
    rows: [],
    best: null,
    decided_by: null,
    reason: '',
  };
  const groups: TuiGroups = {
    getGroup: () => {
      calls.push('get');
      return Promise.resolve(view());
    },
    compareGroup: () => Promise.resolve(compare),
    controlGroup: () => Promise.reject(new Error('not used')),
  };
  const r = render(<App client={client} groups={groups} color={false} now={NOW} />);
  resize(r, 140, 32);
  await frame(r, has(`▾ ${GID} fix`), 'the group row');
  press(r, 'k'); // the group row (the reviewer, older, is below it)
  await frame(r, has('review   claude by e1000001: running'), 'the review running');

  // The reviewer ends; the daemon recorded the verdict on the group: the TUI fetches it again.
  review = {
    ...review,
    state: 'done',
    choice: 'a1000002',
    verdict: 'VERDICT: a1000002',
    reasons: 'codex fixed both cases; claude only one',
    updated_at: at(1000),
  };
  const before = calls.length;
  client.update('e1000001', { state: 'completed' });
  let f = await frame(r, has('review   claude by e1000001: VERDICT: a1000002 →'), 'the verdict');
  expect(f).toMatch(/reasons +codex fixed both cases; claude only one/);
  expect(calls.length).toBeGreaterThan(before);

  press(r, 'C');
  f = await frame(r, has(`Compare ${GID}`), 'the compare view');
  expect(f).toContain('review: claude by e1000001: VERDICT: a1000002 → a1000002');
});
