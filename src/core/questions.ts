/**
 * Questions an agent asks through its coder endpoint (aicoder_ask_user). Asking puts the coder in
 * `needs_input` with the question on its record; the tool call waits (up to ask_timeout_s on the
 * injected clock) until someone answers through ai_coder_control / `aicoder answer` / the TUI. When
 * the agent's process ended meanwhile, the answer resumes its session as a follow-up message.
 */
import type { Coder } from './coder.js';
import { isTerminal } from './coder.js';
import { AicoderError } from './errors.js';
import type { Clock, NewLogEntry, TimerHandle } from './ports.js';
import type { Records } from './records.js';
import { assertAction } from './state-machine.js';
import { requireMessage } from './validate.js';

export const MAX_QUESTION_CHARS = 4000;

export type AskOutcome = { answered: true; answer: string } | { answered: false; reason: string };

interface Waiter {
  resolve(outcome: AskOutcome): void;
}

export interface QuestionDeps {
  clock: Clock;
  records: Records;
  askTimeoutMs: number;
  appendLog(id: string, entry: NewLogEntry): void;
  /** Resumes an ended coder's session with this message (the manager's follow-up path). */
  followUp(coder: Coder, message: string): void;
}

export class Questions {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly deps: QuestionDeps) {}

  isWaiting(id: string): boolean {
    return this.waiting.has(id);
  }

  /** Called by the coder endpoint; resolves with the answer, or unanswered on timeout or abort. */
  ask(id: string, question: string, context: string | undefined, signal?: AbortSignal): Promise<AskOutcome> {
    const { records } = this.deps;
    if (question.trim() === '' || question.length > MAX_QUESTION_CHARS) {
      throw new AicoderError('invalid_input', `question must be 1–${MAX_QUESTION_CHARS} characters`, {
        field: 'question',
      });
    }
    const cur = records.get(id);
    if (!cur || (cur.state !== 'running' && cur.state !== 'needs_input')) {
      throw new AicoderError(
        'illegal_transition',
        `coder ${id} cannot ask now: it is ${cur?.state ?? 'gone'}`,
        { field: 'coder_id' },
      );
    }
    // A second question replaces an unanswered first one.
    this.waiting.get(id)?.resolve({ answered: false, reason: 'replaced by a newer question' });
    const text = context ? `${question}\n\ncontext: ${context}` : question;
    this.deps.appendLog(id, { ts: records.now(), stream: 'system', kind: 'question', text });
    if (cur.state === 'needs_input') records.patch(id, { question });
    else records.transition(id, 'needs_input', { question });

    return new Promise<AskOutcome>((resolve) => {
      let timer: TimerHandle | null = null;
      const waiter: Waiter = {
        resolve: (outcome) => {
          if (this.waiting.get(id) === waiter) this.waiting.delete(id);
          timer?.clear();
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      };
      const giveUp = (reason: string): void => {
        if (this.waiting.get(id) !== waiter) return;
        waiter.resolve({ answered: false, reason });
        // The question stays on the record; the state goes back to running while the agent goes on.
        const now = records.get(id);
        if (now?.state === 'needs_input') records.transition(id, 'running');
      };
      const onAbort = (): void => giveUp('the tool call was cancelled');
      this.waiting.set(id, waiter);
      timer = this.deps.clock.setTimeout(
        () => giveUp(`no answer within ${Math.round(this.deps.askTimeoutMs / 1000)} s`),
        this.deps.askTimeoutMs,
      );
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort);
    });
  }

  /** The user's answer: to the waiting tool call, or as a follow-up that resumes an ended session. */
  answer(coder: Coder, message: string | undefined): void {
    requireMessage(message, 'message is required for action "answer" (the answer text)');
    if (coder.question === null) {
      throw new AicoderError('illegal_transition', `cannot answer coder ${coder.id}: it has asked nothing`, {
        field: 'action',
      });
    }
    assertAction(coder, 'answer');
    const { records } = this.deps;
    const waiter = this.waiting.get(coder.id);
    if (coder.state === 'needs_input' && !waiter) {
      throw new AicoderError(
        'illegal_transition',
        `coder ${coder.id} has no tool call waiting for the answer; answer again once it has ended`,
        { field: 'action' },
      );
    }
    this.deps.appendLog(coder.id, { ts: records.now(), stream: 'system', kind: 'answer', text: message });
    if (waiter) {
      records.transition(coder.id, 'running', { question: null });
      waiter.resolve({ answered: true, answer: message });
      return;
    }
    if (isTerminal(coder.state)) {
      this.deps.followUp(coder, `Answer to your question "${coder.question}":\n\n${message}`);
      records.patch(coder.id, { question: null });
    }
  }

  /** The run ended: a waiting tool call has nobody to answer to any more. */
  runEnded(id: string): void {
    this.waiting.get(id)?.resolve({ answered: false, reason: 'the agent process ended' });
  }

  cancelAll(): void {
    for (const w of [...this.waiting.values()])
      w.resolve({ answered: false, reason: 'the daemon is stopping' });
  }
}
