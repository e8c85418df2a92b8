/**
 * Waiting out usage limits: a run that failed at a provider's rate or usage limit puts its coder in
 * `waiting` (with `usage_limit`: reason, retry_at, tries) instead of `failed`; at `retry_at` the coder
 * is queued again and continues its agent session (resume_command with CONTINUE_MESSAGE), or runs
 * its task again when there is no session to continue. Up to config `usage_limit_retries` waits in a
 * row; the next limit then fails the coder. The wait is on the record, so a restarted daemon arms it
 * again (recover). A user may `resume` (now) or `stop` a waiting coder.
 */
import type { Coder } from './coder.js';
import type { ManagerDeps } from './manager-deps.js';
import type { TimerHandle } from './ports.js';
import type { Records } from './records.js';
import { backoffMs, isUsageLimit, resetTime, type UsageLimitWait } from './usage-limit.js';

/** The follow-up a resumed coder gets (logged as its user_message). */
export const CONTINUE_MESSAGE =
  'Your previous turn stopped at a usage limit that has now reset. Continue the task where you left off.';

/** Default waits in a row before a limit fails the coder. */
export const DEFAULT_USAGE_LIMIT_RETRIES = 5;
/** Default first backoff (seconds) when the provider names no reset time; doubled per wait. */
export const DEFAULT_USAGE_LIMIT_BACKOFF_S = 300;

/** Node timers hold at most 2^31−1 ms; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class UsageWaits {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly deps: ManagerDeps,
    private readonly records: Records,
    /** Queues the coder's next run (with a follow-up message, or its task again). */
    private readonly enqueue: (id: string, followUp?: { message: string }) => void,
  ) {}

  /**
   * Called with a failed run's error: when it is a usage limit and tries are left, the coder goes to
   * `waiting` and true is returned (the caller records no failure); otherwise false.
   */
  enter(coder: Coder, error: string | null, exitCode: number | null): boolean {
    if (error === null || !isUsageLimit(error)) return false;
    const max = this.deps.config.usage_limit_retries ?? DEFAULT_USAGE_LIMIT_RETRIES;
    const tries = (coder.usage_limit?.tries ?? 0) + 1;
    if (tries > max) return false;
    const now = this.deps.clock.now();
    const reset = resetTime(error, now);
    const base = this.deps.config.usage_limit_backoff_s ?? DEFAULT_USAGE_LIMIT_BACKOFF_S;
    const at = reset ?? new Date(now.getTime() + backoffMs(base, tries));
    const wait: UsageLimitWait = {
      reason: error.replace(/\s+/g, ' ').trim().slice(0, 300),
      retry_at: at.toISOString(),
      tries,
      from_provider: reset !== null,
    };
    this.records.transition(coder.id, 'waiting', {
      usage_limit: wait,
      error,
      exit_code: exitCode,
      pid: null,
    });
    this.note(
      coder.id,
      `usage limit: waiting until ${wait.retry_at} (${wait.from_provider ? "the provider's reset time" : 'backoff'}; wait ${tries} of ${max})`,
    );
    this.arm(coder.id, at);
    return true;
  }

  /** Arms the waits of coders recorded as waiting (daemon start). */
  recover(): void {
    for (const c of this.deps.store.codersInStates(['waiting'])) {
      this.arm(c.id, new Date(c.usage_limit?.retry_at ?? this.deps.clock.now()));
    }
  }

  /** The user's `resume`: the wait ends now. */
  resumeNow(id: string): void {
    this.fire(id, true);
  }

  /** The user's `stop` (or a removal): the wait ends, nothing is resumed. */
  cancel(id: string): void {
    this.timers.get(id)?.clear();
    this.timers.delete(id);
  }

  /** Daemon shutdown: timers end; the waits stay on the records. */
  close(): void {
    for (const t of this.timers.values()) t.clear();
    this.timers.clear();
  }

  private arm(id: string, at: Date): void {
    this.cancel(id);
    const ms = Math.max(0, at.getTime() - this.deps.clock.now().getTime());
    this.timers.set(
      id,
      this.deps.clock.setTimeout(() => this.fire(id, false), Math.min(ms, MAX_TIMER_MS)),
    );
  }

  private fire(id: string, early: boolean): void {
    this.cancel(id);
    const coder = this.records.get(id);
    if (!coder || coder.state !== 'waiting') return;
    const at = Date.parse(coder.usage_limit?.retry_at ?? '');
    if (!early && Number.isFinite(at) && at > this.deps.clock.now().getTime()) {
      this.arm(id, new Date(at)); // a wait longer than one timer
      return;
    }
    const def = this.deps.providers.get(coder.provider);
    const resume = coder.session_id !== null && def?.resume_command !== undefined;
    this.note(
      id,
      `usage limit: ${early ? 'resumed by the user' : 'reset time reached'}; ${resume ? 'continuing the session' : 'running the task again'}`,
    );
    this.records.transition(id, 'queued', { error: null, exit_code: null, ended_at: null });
    if (resume) {
      const stored = this.deps.store.appendLogs(id, [
        { ts: this.records.now(), stream: 'system', kind: 'user_message', text: CONTINUE_MESSAGE },
      ]);
      this.records.announceLogs(stored);
      this.enqueue(id, { message: CONTINUE_MESSAGE });
    } else {
      this.enqueue(id);
    }
  }

  private note(id: string, text: string): void {
    const stored = this.deps.store.appendLogs(id, [
      { ts: this.records.now(), stream: 'system', kind: 'usage_limit', text },
    ]);
    this.records.announceLogs(stored);
  }
}
