/**
 * Coders for tests: the shell provider (the task is a shell script), the file writer, waiting for a
 * coder's run to end (on a manager, or through a daemon's client) and reading what it did.
 */
import { expect } from 'vitest';
import type { AicoderClient } from '../../src/client/types.js';
import type { WaitTarget } from '../../src/core/api.js';
import type { Coder, LogEntry } from '../../src/core/coder.js';
import { waitFor } from './env.js';

/** The issues' text provider: the task is a bash script (`bash -c 'eval "$1"' _ {task}`). */
export const SHELL_PROVIDER = {
  name: 'sh',
  description: 'runs the task as a bash script',
  command: ['bash', '-c', 'eval "$1"', '_', '{task}'],
  parser: 'text',
};

/** Writes the task's "file=content" into the worktree and exits (the worktree lifecycle tests). */
export const WRITER_PROVIDER = {
  name: 'writer',
  description: 'writes file=content from the task',
  command: ['bash', '-c', 'f="${1%%=*}"; printf "%s\\n" "${1#*=}" > "$f"', '_', '{task}'],
  env: {},
  parser: 'text',
};

/** States in which a coder's run is over. */
export const ENDED_STATES = ['completed', 'failed', 'stopped', 'interrupted'];

/** Waits (30 s on an idle machine) until `read()` gives a coder whose run is over, and returns it. */
export async function coderEnded(read: () => Coder | Promise<Coder>, timeoutMs = 30_000): Promise<Coder> {
  return waitFor(
    async () => {
      const c = await read();
      return ENDED_STATES.includes(c.state) ? c : null;
    },
    { what: 'the coder to end', timeoutMs },
  );
}

/**
 * Waits through the daemon's wait route (`GET /api/coders/:id/wait`) until coder `id` reaches
 * `target` (default `terminal`: its run is over) and returns the record; fails the test, naming the
 * coder as it stood, when `timeoutMs` (default 90 s, the route's own deadline) passes first.
 */
export async function reached(
  client: AicoderClient,
  id: string,
  target: WaitTarget = 'terminal',
  timeoutMs = 90_000,
): Promise<Coder> {
  const r = await client.wait(id, { for: target, timeout_ms: timeoutMs });
  expect(r.timed_out, `coder ${id} did not reach ${JSON.stringify(target)}: ${JSON.stringify(r.coder)}`).toBe(
    false,
  );
  return r.coder;
}

/** The text of coder `id`'s `tool_result` log entries (what its tools answered), one per line. */
export async function toolOutput(client: AicoderClient, id: string): Promise<string> {
  const { entries } = await client.logs(id, {});
  return entries
    .filter((e) => e.kind === 'tool_result')
    .map((e) => e.text)
    .join('\n');
}

/** A coder's record and its log (`kind: text` a line), for an assertion's message. */
export function describeCoder(c: Coder, logs: LogEntry[]): string {
  return `${JSON.stringify(c, null, 2)}\n${logs.map((l) => `${l.kind}: ${l.text}`).join('\n')}`;
}
