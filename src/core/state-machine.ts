/**
 * The coder state machine, defined once. Every state change in the manager goes through `transition`,
 * every user action through `assertAction`.
 *
 *   created ──start──▶ queued ──▶ starting ──▶ running ⇄ paused
 *   running ⇄ needs_input   (the agent asked the user a question; an answer goes back to running)
 *   running/needs_input/paused ──▶ completed | failed | stopped
 *   starting/running/needs_input/paused ──▶ interrupted   (process vanished while the daemon was away)
 *   running/needs_input/paused ──▶ waiting ──▶ queued   (a usage limit, waited out; stop ends it)
 *   terminal ──restart──▶ queued
 *   terminal ──▶ attached ──▶ terminal   (a person runs the agent's own UI: `aicoder attach`, core/attach.ts)
 *   running/needs_input/paused ──▶ checking ──▶ completed   (the run completed; the repo's checks run)
 *   terminal ──check──▶ checking ──▶ the same terminal state   (checks on demand)
 */
import type { Coder, CoderState } from './coder.js';
import { AicoderError } from './errors.js';

export const TRANSITIONS: Readonly<Record<CoderState, readonly CoderState[]>> = {
  created: ['queued', 'stopped'],
  queued: ['starting', 'stopped', 'failed'],
  starting: ['running', 'failed', 'stopped', 'interrupted'],
  running: ['paused', 'needs_input', 'completed', 'failed', 'stopped', 'interrupted', 'waiting', 'checking'],
  needs_input: ['running', 'completed', 'failed', 'stopped', 'interrupted', 'waiting', 'checking'],
  paused: ['running', 'completed', 'failed', 'stopped', 'interrupted', 'waiting', 'checking'],
  waiting: ['queued', 'stopped'],
  attached: ['completed', 'failed', 'stopped', 'interrupted'],
  completed: ['queued', 'attached', 'checking'],
  failed: ['queued', 'attached', 'checking'],
  stopped: ['queued', 'attached', 'checking'],
  interrupted: ['queued', 'attached', 'checking'],
  checking: ['completed', 'failed', 'stopped', 'interrupted'],
};

export const ACTIONS = [
  'start',
  'pause',
  'resume',
  'stop',
  'restart',
  'remove',
  'answer',
  'check',
  'pick',
] as const;
export type CoderAction = (typeof ACTIONS)[number];

/** The states from which a user action is allowed. */
export function allowedFrom(action: CoderAction): readonly CoderState[] {
  switch (action) {
    case 'start':
      return ['created'];
    case 'pause':
      return ['running'];
    case 'resume':
      return ['paused', 'waiting'];
    case 'stop':
      return ['created', 'queued', 'starting', 'running', 'needs_input', 'paused', 'waiting', 'checking'];
    case 'restart':
      return ['completed', 'failed', 'stopped', 'interrupted'];
    case 'remove':
      return ['created', 'queued', 'waiting', 'completed', 'failed', 'stopped', 'interrupted'];
    case 'answer':
      // needs_input: the waiting tool call gets it; ended: it resumes the session as a follow-up.
      return ['needs_input', 'completed', 'failed', 'stopped', 'interrupted'];
    case 'check':
    case 'pick':
      return ['completed', 'failed', 'stopped', 'interrupted'];
  }
}

export function canTransition(from: CoderState, to: CoderState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(coder: Pick<Coder, 'id' | 'state'>, to: CoderState): void {
  if (!canTransition(coder.state, to)) {
    throw new AicoderError('illegal_transition', `coder ${coder.id} cannot go from ${coder.state} to ${to}`, {
      details: { from: coder.state, to },
    });
  }
}

function hint(action: CoderAction, state: CoderState): string {
  switch (action) {
    case 'remove':
      if (state === 'attached') return ' (a person is attached: quit the agent first)';
      return state === 'running' ||
        state === 'paused' ||
        state === 'starting' ||
        state === 'needs_input' ||
        state === 'checking'
        ? ' (stop it first, or force the removal)'
        : '';
    case 'restart':
      return state === 'attached' ? ' (a person is attached: quit the agent first)' : ' (stop it first)';
    case 'resume':
      return state === 'running' ? ' (it is not paused)' : '';
    case 'answer':
      return ' (it has asked nothing)';
    case 'check':
    case 'pick':
      return state === 'checking' ? ' (its checks are running)' : ' (wait until its run ends, or stop it)';
    case 'start':
    case 'pause':
    case 'stop':
      return '';
  }
}

export function assertAction(coder: Pick<Coder, 'id' | 'state'>, action: CoderAction): void {
  if (!allowedFrom(action).includes(coder.state)) {
    throw new AicoderError(
      'illegal_transition',
      `cannot ${action} coder ${coder.id}: it is ${coder.state}${hint(action, coder.state)}`,
      { field: 'action', details: { action, state: coder.state } },
    );
  }
}
