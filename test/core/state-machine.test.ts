import { describe, expect, it } from 'vitest';
import { CODER_STATES, TERMINAL_STATES } from '../../src/core/coder.js';
import {
  ACTIONS,
  allowedFrom,
  assertAction,
  canTransition,
  TRANSITIONS,
} from '../../src/core/state-machine.js';
import { AicoderError } from '../../src/core/errors.js';

describe('state machine', () => {
  it('defines transitions for every state, into known states only', () => {
    for (const s of CODER_STATES) {
      for (const to of TRANSITIONS[s]) expect(CODER_STATES).toContain(to);
    }
  });

  it('follows the documented lifecycle', () => {
    expect(canTransition('queued', 'starting')).toBe(true);
    expect(canTransition('starting', 'running')).toBe(true);
    expect(canTransition('running', 'paused')).toBe(true);
    expect(canTransition('paused', 'running')).toBe(true);
    for (const end of ['completed', 'failed', 'stopped', 'interrupted'] as const) {
      expect(canTransition('running', end)).toBe(true);
    }
    expect(canTransition('completed', 'running')).toBe(false);
    expect(canTransition('queued', 'running')).toBe(false);
    expect(canTransition('created', 'running')).toBe(false);
  });

  it('terminal states only leave through a new run (queued), a person taking over (attached) or their checks', () => {
    for (const s of TERMINAL_STATES) expect(TRANSITIONS[s]).toEqual(['queued', 'attached', 'checking']);
  });

  it('an attached coder goes back to an ended state only; no user action is allowed while attached', () => {
    expect([...TRANSITIONS.attached].sort()).toEqual([...TERMINAL_STATES].sort());
    for (const a of ACTIONS) expect(allowedFrom(a)).not.toContain('attached');
    expect(() => assertAction({ id: 'ab12', state: 'attached' }, 'restart')).toThrow(
      'cannot restart coder ab12: it is attached (a person is attached: quit the agent first)',
    );
  });

  it('checks come back to the terminal state they started from', () => {
    for (const s of TERMINAL_STATES) expect(canTransition('checking', s)).toBe(true);
    expect(TRANSITIONS.checking).toEqual([...TERMINAL_STATES]);
    expect(allowedFrom('check')).toEqual([...TERMINAL_STATES]);
  });

  it('gives a clear error for an illegal action', () => {
    let err: unknown;
    try {
      assertAction({ id: 'ab12', state: 'completed' }, 'pause');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AicoderError);
    expect((err as AicoderError).code).toBe('illegal_transition');
    expect((err as AicoderError).message).toBe('cannot pause coder ab12: it is completed');
  });

  it('allows every action from at least one state', () => {
    for (const a of ACTIONS) expect(allowedFrom(a).length).toBeGreaterThan(0);
  });
});
