/**
 * What the user needs to see: permission denials on the record and in a note, a note at
 * every end of a run (agent exit, user stop, restart, limit) with runs kept apart in the logs, and log
 * kinds that are the real ones (an unknown kind is an error). On the fakes (test/fakes): the agent's
 * output is scripted, the parsers, notes and store are the real ones.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { LOG_KINDS } from '../../src/core/log-kinds.js';
import { cleanupTemp, waitFor } from '../helpers/env.js';
import { startFakeManager, type FakeManager } from '../fakes/manager.js';
import { shProgram, type FakeProgram } from '../fakes/runner.js';

const recorded = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/recorded/claude/${name}.jsonl`, import.meta.url));

/** Replays a recorded Claude Code stream-json run (the task names the recording), then exits 0. */
const claudeReplay: FakeProgram = (p) => {
  p.out(
    ...readFileSync(p.argv[1]!, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
  p.exit(0);
};

// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(() => cleanupTemp());

async function start(config: Record<string, unknown> = {}): Promise<FakeManager> {
  return startFakeManager({
    programs: { sh: shProgram, 'claude-replay': claudeReplay },
    parsers: { 'claude-replay': 'claude' },
    config: { default_provider: 'sh', stop_grace_ms: 500, ...config },
  });
}

async function ended(t: FakeManager, id: string): Promise<Coder> {
  return (await t.manager.wait(id, { for: 'terminal', timeout_ms: 30_000 })).coder;
}

function system(t: FakeManager, id: string): { kind: string; text: string }[] {
  return t.manager
    .logs(id, {})
    .entries.filter((e) => e.stream === 'system')
    .map((e) => ({ kind: e.kind, text: e.text }));
}

describe('permission denials are on the record, not only in the logs', () => {
  it('a Claude run that was refused a tool ends completed with permission_denials and a note', async () => {
    const t = await start();
    const c = await t.manager.create({
      repo: t.repo(),
      provider: 'claude-replay',
      task: recorded('bash-denied'),
    });
    const done = await ended(t, c.id);
    expect(done.state).toBe('completed');
    expect(done.permission_denials).toEqual(['Bash curl -s http://127.0.0.1:9/']);
    const notes = system(t, c.id).filter((n) => n.kind === 'permission_denied');
    expect(notes).toEqual([
      {
        kind: 'permission_denied',
        text: 'the agent was refused 1 tool call by its permission mode (claude_permission_mode): Bash curl -s http://127.0.0.1:9/',
      },
    ]);
  });

  it('a run without denials leaves permission_denials empty, and a new run clears the last one', async () => {
    const t = await start();
    const repo = t.repo();
    const clean = await t.manager.create({ repo, provider: 'claude-replay', task: recorded('bash') });
    expect((await ended(t, clean.id)).permission_denials).toEqual([]);
    const c = await t.manager.create({ repo, provider: 'claude-replay', task: recorded('bash-denied') });
    expect((await ended(t, c.id)).permission_denials).toHaveLength(1);
    await t.manager.control(c.id, { action: 'restart' });
    await waitFor(() => t.manager.get(c.id).state !== 'queued', { what: 'restart' });
    // The same recording is replayed: the field is the new run's, not an accumulation.
    expect((await ended(t, c.id)).permission_denials).toHaveLength(1);
  });
});

describe('run notes: every end of a run says why, and runs stay apart', () => {
  it('agent exit: a start note, the output, an end note with the exit code', async () => {
    const t = await start();
    const c = await t.manager.create({ repo: t.repo(), task: 'echo hi; exit 3' });
    await ended(t, c.id);
    const texts = t.manager.logs(c.id, {}).entries.map((e) => `${e.kind}: ${e.text}`);
    expect(texts).toEqual([
      'run_start: ── run 1 started ──',
      'text: hi',
      'run_end: run 1 ended: the agent failed: the process exited with code 3 (exit code 3)',
    ]);
  });

  it('user stop, then restart: two runs, each with its own start and end note', async () => {
    const t = await start();
    const c = await t.manager.create({ repo: t.repo(), task: 'echo up; sleep 1000' });
    const ups = () => t.manager.logs(c.id, {}).entries.filter((e) => e.text === 'up').length;
    await waitFor(() => ups() === 1, { what: 'output' });
    await t.manager.control(c.id, { action: 'restart' });
    await waitFor(() => ups() === 2, { what: 'run 2' });
    await t.manager.control(c.id, { action: 'stop' });
    const notes = system(t, c.id).filter((n) => n.kind.startsWith('run_'));
    expect(notes.map((n) => n.text)).toEqual([
      '── run 1 started ──',
      'run 1 ended: stopped for a restart (exit code 143)',
      '── run 2 started (restart) ──',
      'run 2 ended: stopped by the user (exit code 143)',
    ]);
    // The output of each run sits between its own notes.
    const kinds = t.manager
      .logs(c.id, {})
      .entries.filter((e) => e.stream !== 'stderr' && e.kind !== 'processes')
      .map((e) => e.kind);
    expect(kinds).toEqual(['run_start', 'text', 'run_end', 'run_start', 'text', 'run_end']);
  });

  it('a limit (timeout_s) ends the run with a note naming the limit', async () => {
    const t = await start();
    const c = await t.manager.create({ repo: t.repo(), task: 'sleep 1000', timeout_s: 0.3 });
    const done = await ended(t, c.id);
    expect(done.state).toBe('stopped');
    const end = system(t, c.id).find((n) => n.kind === 'run_end');
    expect(end?.text).toMatch(/^run 1 ended: .*timeout.* \(exit code 143\)$/);
  });

  it('rm --force of a running coder ends the run for removal (its logs go with it)', async () => {
    const t = await start();
    const c = await t.manager.create({ repo: t.repo(), task: 'echo up; sleep 1000' });
    await waitFor(() => t.manager.get(c.id).state === 'running', { what: 'running' });
    const res = await t.manager.control(c.id, { action: 'remove', force: true });
    expect(res.removed).toBe(true);
  });
});

describe('log kinds are the real ones', () => {
  it('tool_call filters a Claude run; tool_use (the old doc name) is an error naming the valid kinds', async () => {
    const t = await start();
    const c = await t.manager.create({
      repo: t.repo(),
      provider: 'claude-replay',
      task: recorded('bash'),
    });
    await ended(t, c.id);
    const calls = t.manager.logs(c.id, { kinds: ['tool_call'] }).entries;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((e) => e.kind === 'tool_call')).toBe(true);
    expect(() => t.manager.logs(c.id, { kinds: ['tool_use'] })).toThrow(
      /kinds: unknown kind 'tool_use'; valid kinds: text, session_started, .*tool_call/,
    );
    await expect(
      t.manager.followLogs(c.id, { since_seq: 0, timeout_ms: 10, kinds: ['bogus'] }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'kinds',
    });
  });

  it('every kind the parsers and notes write is a valid filter', () => {
    for (const k of ['tool_call', 'tool_result', 'run_start', 'run_end', 'processes', 'permission_denied'])
      expect(LOG_KINDS).toContain(k);
  });
});
