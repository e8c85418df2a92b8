/**
 * The notification hook: the configured argv (config "hook") runs on needs_input, completed, failed
 * and on a coder becoming stalled, once per transition, with AICODER_ID, AICODER_STATE, AICODER_NAME,
 * AICODER_REPO and AICODER_MESSAGE in its env. No shell. A failing hook is logged and changes nothing
 * else; hooks run one at a time per daemon so a burst cannot fork-bomb the machine.
 */
import { execa } from 'execa';
import type { ManagerApi } from '../core/api.js';
import type { Coder } from '../core/coder.js';
import type { AicoderEvent } from '../core/events.js';
import type { Logger } from '../core/ports.js';

export type HookEvent = 'needs_input' | 'completed' | 'failed' | 'stalled';

export interface HookRunner {
  /** Resolves when every hook started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  close(): void;
}

const HOOK_TIMEOUT_MS = 30_000;

function messageFor(event: HookEvent, c: Coder): string {
  switch (event) {
    case 'needs_input':
      return c.question ?? '';
    case 'completed':
      return c.stats.last_message ?? '';
    case 'failed':
      return c.error ?? '';
    case 'stalled':
      return 'no output, event or heartbeat for a while';
  }
}

/** Which hook event a bus event is, if any. `stalledBefore` tracks the flag per coder. */
function hookEventOf(e: AicoderEvent, stalledBefore: Map<string, boolean>): HookEvent | null {
  switch (e.type) {
    case 'coder.state':
    case 'coder.updated': {
      const c = e.coder;
      const was = stalledBefore.get(c.id) ?? false;
      stalledBefore.set(c.id, c.stalled);
      if (e.type === 'coder.state') {
        if (c.state === 'needs_input' || c.state === 'completed' || c.state === 'failed') return c.state;
        return null;
      }
      return c.stalled && !was ? 'stalled' : null;
    }
    case 'coder.removed':
      stalledBefore.delete(e.id);
      return null;
    case 'coder.created':
    case 'coder.log':
      return null;
  }
}

export function startHooks(
  manager: ManagerApi,
  argv: readonly string[] | null,
  log: Logger,
  baseEnv: Readonly<Record<string, string | undefined>> = process.env,
): HookRunner {
  let chain: Promise<void> = Promise.resolve();
  if (!argv || argv.length === 0) return { idle: () => chain, close: () => {} };
  const [file, ...args] = argv as [string, ...string[]];
  const stalledBefore = new Map<string, boolean>();

  const run = async (event: HookEvent, c: Coder): Promise<void> => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      AICODER_ID: c.id,
      AICODER_STATE: event === 'stalled' ? 'stalled' : c.state,
      AICODER_NAME: c.name,
      AICODER_REPO: c.repo,
      AICODER_MESSAGE: messageFor(event, c),
    });
    try {
      const r = await execa(file, args, {
        env,
        extendEnv: false,
        stdin: 'ignore',
        reject: false,
        timeout: HOOK_TIMEOUT_MS,
        all: true,
      });
      if (r.failed) {
        log('warn', 'hook failed', {
          id: c.id,
          event,
          exit_code: r.exitCode,
          error: r.shortMessage,
          output: (r.all ?? '').slice(-2000),
        });
      } else {
        log('debug', 'hook ran', { id: c.id, event });
      }
    } catch (e) {
      log('warn', 'hook failed', { id: c.id, event, error: e instanceof Error ? e.message : String(e) });
    }
  };

  const unsubscribe = manager.subscribe((e) => {
    const event = hookEventOf(e, stalledBefore);
    if (event === null || !('coder' in e)) return;
    const coder = e.coder;
    chain = chain.then(() => run(event, coder));
  });
  return { idle: () => chain, close: unsubscribe };
}
