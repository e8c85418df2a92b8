/**
 * Roles (docs/roles.md) in the TUI, as `aicoder list` and `status` show them: beside the provider in
 * the list ("claude (reviewer)", the column widened so it is whole and the columns after it line
 * up), and a `role` line in the detail pane with its tools and what it may report.
 */
import { afterEach, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, has, renderApp, rowOf } from './render.js';

afterEach(() => cleanup());

test('a role shows beside the provider in the list and on its own line in the detail pane', async () => {
  const client = new MemoryClient({ now: () => NOW });
  client.add({
    id: 'b0000001',
    name: 'plain',
    provider: 'codex',
    created_at: new Date(NOW - 9000).toISOString(),
  });
  client.add({
    id: 'b0000002',
    name: 'looks only',
    provider: 'claude',
    created_at: new Date(NOW - 5000).toISOString(),
    role: { name: 'reviewer', system_prompt: 'Review.', tools: 'read_only', report: ['progress'] },
  });
  const r = renderApp(client, { columns: 120, rows: 30 });
  const f = await frame(r, has('claude (reviewer)'), 'the role in the list');
  const lines = f.split('\n');
  const head = lines.find((l) => /^ +ID +NAME +PROVIDER/.test(l))!;
  // The columns after the provider line up with the header on both rows.
  for (const id of ['b0000001', 'b0000002']) expect(rowOf(f, id)!.indexOf('●')).toBe(head.indexOf('STATE'));
  expect(rowOf(f, 'b0000001')).toMatch(/ codex +● running/);
  // The newest (the reviewer) is selected: its detail pane has the role.
  expect(f).toMatch(/role +reviewer \(read only; reports pro/);
});
