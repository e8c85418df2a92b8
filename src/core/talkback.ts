/**
 * Coders talking back: what a coder's own MCP endpoint calls (progress, heartbeat, questions), and
 * the run hooks the supervisor calls (activity for stall detection, limits on stats and on the
 * clock). Composes StallWatch, Questions and the budget rules.
 */
import { passedLimit, timeoutReason } from './budgets.js';
import type { Coder } from './coder.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import type { NewLogEntry, TimerHandle } from './ports.js';
import { Questions, type AskOutcome } from './questions.js';
import type { Records } from './records.js';
import { StallWatch } from './stall.js';
import { allowedReports, requireReport, type RoleReport } from './roles.js';

/** What a coder's own endpoint may do (src/mcp/coder-endpoint.ts); ids are exact, already verified. */
export interface CoderSideApi {
  reportProgress(id: string, message: string, percent?: number): Coder;
  heartbeat(id: string): Coder;
  askUser(id: string, question: string, context?: string, signal?: AbortSignal): Promise<AskOutcome>;
  /** What the coder's role lets it call (all three without a role); the endpoint offers only these. */
  reports?(id: string): RoleReport[];
}

/** The supervisor's calls into talk-back. */
export interface RunHooks {
  runStarted(id: string): void;
  activity(id: string): void;
  statsChanged(id: string): void;
  /** The limit that ended a run that is ending on its own, if any. */
  limitAtEnd(id: string, ok: boolean): string | null;
  runEnded(id: string): void;
}

export const MAX_PROGRESS_CHARS = 2000;

export class Talkback implements CoderSideApi, RunHooks {
  readonly stall: StallWatch;
  readonly questions: Questions;
  private readonly timeouts = new Map<string, TimerHandle>();

  constructor(
    private readonly deps: ManagerDeps,
    private readonly records: Records,
    private readonly stopForLimit: (id: string, reason: string) => void,
    followUp: (coder: Coder, message: string) => void,
  ) {
    const appendLog = (id: string, entry: NewLogEntry): void => this.appendLog(id, entry);
    this.stall = new StallWatch({
      clock: deps.clock,
      records,
      // Read at each use: config.json is reloaded while the daemon runs.
      get stallAfterMs() {
        return deps.config.stall_after_s * 1000;
      },
      appendLog,
    });
    this.questions = new Questions({
      clock: deps.clock,
      records,
      get askTimeoutMs() {
        return deps.config.ask_timeout_s * 1000;
      },
      appendLog,
      followUp,
    });
  }

  private appendLog(id: string, entry: NewLogEntry): void {
    this.records.announceLogs(this.deps.store.appendLogs(id, [entry]));
  }

  private live(id: string): Coder {
    const c = this.records.get(id);
    if (!c) throw new AicoderError('not_found', `no coder with id ${id}`, { field: 'coder_id' });
    return c;
  }

  reportProgress(id: string, message: string, percent?: number): Coder {
    if (typeof message !== 'string' || message.trim() === '' || message.length > MAX_PROGRESS_CHARS) {
      throw new AicoderError('invalid_input', `message must be 1–${MAX_PROGRESS_CHARS} characters`, {
        field: 'message',
      });
    }
    if (percent !== undefined && !(Number.isFinite(percent) && percent >= 0 && percent <= 100)) {
      throw new AicoderError('invalid_input', 'percent must be a number from 0 to 100', { field: 'percent' });
    }
    requireReport(this.live(id), 'progress');
    this.activity(id);
    const text = percent === undefined ? message : `${message} (${percent}%)`;
    this.appendLog(id, { ts: this.records.now(), stream: 'system', kind: 'progress', text });
    return this.records.patch(id, {
      progress: { message, percent: percent ?? null, ts: this.records.now() },
    })!;
  }

  heartbeat(id: string): Coder {
    requireReport(this.live(id), 'heartbeat');
    this.activity(id);
    return this.live(id);
  }

  askUser(id: string, question: string, context?: string, signal?: AbortSignal): Promise<AskOutcome> {
    requireReport(this.live(id), 'ask_user');
    this.activity(id);
    return this.questions.ask(id, question, context, signal);
  }

  reports(id: string): RoleReport[] {
    return allowedReports(this.live(id).role);
  }

  // ------------------------------------------------------------ run hooks

  runStarted(id: string): void {
    this.stall.activity(id);
    const coder = this.records.get(id);
    const secs = coder?.limits.timeout_s ?? null;
    this.timeouts.get(id)?.clear();
    if (secs !== null) {
      this.timeouts.set(
        id,
        this.deps.clock.setTimeout(() => {
          this.timeouts.delete(id);
          this.stopForLimit(id, timeoutReason(secs));
        }, secs * 1000),
      );
    }
  }

  activity(id: string): void {
    this.stall.activity(id);
  }

  statsChanged(id: string): void {
    const coder = this.records.get(id);
    if (!coder) return;
    const reason = passedLimit(coder, null);
    if (reason !== null) this.stopForLimit(id, reason);
  }

  limitAtEnd(id: string, ok: boolean): string | null {
    const coder = this.records.get(id);
    return coder ? passedLimit(coder, { ok }) : null;
  }

  runEnded(id: string): void {
    this.stall.stop(id);
    this.timeouts.get(id)?.clear();
    this.timeouts.delete(id);
    this.questions.runEnded(id);
  }

  shutdown(): void {
    this.stall.stopAll();
    for (const t of this.timeouts.values()) t.clear();
    this.timeouts.clear();
    this.questions.cancelAll();
  }
}
