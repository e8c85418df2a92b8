/** Coders for tests: the shell provider, the file writer, and waiting for a coder's run to end. */
import type { Coder } from '../../src/core/coder.js';
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
