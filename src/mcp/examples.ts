/**
 * One example call and result per tool, for docs/mcp.md. The tests check every example against the
 * tool's input and output schemas, so the documentation cannot drift from the tools.
 */
import { emptyStats, emptyTalk, type Coder } from '../core/coder.js';
import { compactCoder } from './compact.js';

export interface ToolExample {
  tool: string;
  arguments: Record<string, unknown>;
  result: Record<string, unknown>;
  note?: string;
}

const created: Coder = {
  id: '3f9a1c2e',
  name: 'Add a --json flag to the export command',
  task: 'Add a --json flag to the export command and a test for it',
  provider: 'claude',
  model: null,
  repo: '/home/me/src/shop',
  base_ref: 'main',
  base_commit: '5b1d0c7e9a2f4b8c1d3e5f7a9b0c2d4e6f8a1b3c',
  branch: 'aicoder/3f9a1c2e-add-a-json-flag-to-the-export-command',
  workspace: '/home/me/.aicoder/worktrees/shop-1a2b3c4d/3f9a1c2e',
  state: 'queued',
  pid: null,
  exit_code: null,
  session_id: null,
  error: null,
  created_at: '2025-11-25T09:30:00.000Z',
  started_at: null,
  updated_at: '2025-11-25T09:30:00.000Z',
  ended_at: null,
  stats: emptyStats(),
  ...emptyTalk(),
};

const completed: Coder = {
  ...created,
  state: 'completed',
  pid: 48121,
  exit_code: 0,
  session_id: 'b8e2f0d4-6c1a-4e7b-9d3f-2a5c8e1b7f40',
  started_at: '2025-11-25T09:30:01.120Z',
  updated_at: '2025-11-25T09:33:12.480Z',
  ended_at: '2025-11-25T09:33:12.480Z',
  stats: {
    turns: 9,
    tokens_in: 48210,
    tokens_out: 3904,
    cost_usd: 0.1873,
    cost_estimated: false,
    files_changed: 2,
    last_message: 'Added --json to export and a test; all tests pass.',
  },
};

/** "Now" for the examples' ages. */
const NOW = Date.parse('2025-11-25T09:34:00.000Z');
const compact = (c: Coder): Record<string, unknown> => ({ ...compactCoder(c, NOW) });

export const TOOL_EXAMPLES: readonly ToolExample[] = [
  {
    tool: 'ai_coder_create',
    arguments: {
      task: 'Add a --json flag to the export command and a test for it',
      repo: '/home/me/src/shop',
      provider: 'claude',
      workspace_files: ['src/commands/export.ts'],
    },
    result: compact(created),
  },
  {
    tool: 'ai_coder_list',
    arguments: { status_filter: 'active', limit: 20 },
    result: {
      coders: [
        compact({ ...created, state: 'running', pid: 48121, stats: { ...completed.stats, turns: 3 } }),
        compact({
          ...created,
          id: '8c2d0b71',
          name: 'Fix the flaky login test',
          branch: 'aicoder/8c2d0b71-fix-the-flaky-login-test',
          provider: 'codex',
          state: 'needs_input',
          question: 'Should the retry stay, or remove it and fix the race?',
        }),
      ],
      total: 2,
      next_cursor: null,
    },
    note: 'The model reads the text content, a table (about 45 tokens per coder):',
  },
  {
    tool: 'ai_coder_status',
    arguments: { coder_id: '3f9a', wait_for: 'terminal', timeout_s: 50 },
    result: { ...compact(completed), timed_out: false },
    note:
      'With a progressToken in the request, notifications/progress arrive while it waits, e.g. ' +
      '`{"progress": 2, "message": "running: Reading src/commands/export.ts"}`.',
  },
  {
    tool: 'ai_coder_logs',
    arguments: { coder_id: '3f9a', tail: 2 },
    result: {
      coder_id: '3f9a1c2e',
      lines:
        '41 assistant: Added --json to export and a test; all tests pass.\n42 system exit: exited with code 0',
      next_seq: 42,
      done: true,
    },
    note: 'The model reads the lines, then the cursor once:',
  },
  {
    tool: 'ai_coder_logs',
    arguments: { coder_id: '3f9a', tail: 2, format: 'entries' },
    result: {
      coder_id: '3f9a1c2e',
      entries: [
        {
          seq: 41,
          ts: '2025-11-25T09:33:11.902Z',
          stream: 'stdout',
          kind: 'assistant',
          text: 'Added --json to export and a test; all tests pass.',
        },
        {
          seq: 42,
          ts: '2025-11-25T09:33:12.470Z',
          stream: 'system',
          kind: 'run_end',
          text: 'run 1 ended: the agent finished (exit code 0)',
        },
      ],
      next_seq: 42,
      done: true,
    },
  },
  {
    tool: 'ai_coder_workspace',
    arguments: { coder_id: '3f9a', operation: 'changes' },
    result: {
      coder_id: '3f9a1c2e',
      operation: 'changes',
      changes: [
        { path: 'src/commands/export.ts', status: 'modified', insertions: 14, deletions: 2 },
        { path: 'test/export-json.test.ts', status: 'untracked', insertions: 31, deletions: 0 },
      ],
    },
  },
  {
    tool: 'ai_coder_workspace',
    arguments: { coder_id: '3f9a', operation: 'merge', strategy: 'squash' },
    result: {
      coder_id: '3f9a1c2e',
      operation: 'merge',
      merge: {
        strategy: 'squash',
        base_ref: 'main',
        before: '5b1d0c7e9a2f4b8c1d3e5f7a9b0c2d4e6f8a1b3c',
        after: '9c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e',
        outcome: 'merged',
        updated_checkout: '/home/me/src/shop',
      },
    },
    note: 'After operation "commit". On a conflict the result is an error naming the files, and nothing changes.',
  },
  {
    tool: 'ai_coder_workspace',
    arguments: { coder_id: '3f9a', operation: 'read', path: 'src/commands/export.ts', max_bytes: 200 },
    result: {
      coder_id: '3f9a1c2e',
      operation: 'read',
      file: {
        path: 'src/commands/export.ts',
        size: 1834,
        offset: 0,
        content: "import { Command } from 'commander';\nimport { writeRows } from '../rows.js';\n\n...",
        binary: false,
        truncated: true,
        next_offset: 200,
      },
    },
  },
  {
    tool: 'ai_coder_control',
    arguments: { coder_id: '3f9a', action: 'remove' },
    result: { coder: compact(completed), removed: true },
    note:
      'Refused with isError while the worktree has uncommitted changes or the branch has commits not in ' +
      'its base ("…; commit or discard the changes …, or remove with force: true").',
  },
];
