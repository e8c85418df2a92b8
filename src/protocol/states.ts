/** The coder states and the user actions, as every surface names them. */

export const CODER_STATES = [
  'created',
  'queued',
  'starting',
  'running',
  'needs_input',
  'paused',
  'waiting',
  'attached',
  'completed',
  'failed',
  'stopped',
  'interrupted',
  'checking',
] as const;
export type CoderState = (typeof CODER_STATES)[number];

/**
 * A state filter: a state, `active` (created, queued, starting, running, needs_input, paused, waiting,
 * attached) or `all`.
 */
export const STATE_FILTERS = [...CODER_STATES, 'active', 'all'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

/**
 * What `control` can do to a coder: the state machine's actions (core/state-machine.ts ACTIONS, which
 * checks at compile time that the lists agree) and `message`, a follow-up in the same session.
 */
export const CONTROL_ACTIONS = [
  'start',
  'pause',
  'resume',
  'stop',
  'restart',
  'message',
  'answer',
  'remove',
  'check',
  'pick',
] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** `none`: the agent runs as the user. `bwrap`: under bubblewrap (docs/sandbox.md). */
export const SANDBOX_MODES = ['none', 'bwrap'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** `off`: no network of the host's but loopback (only with bwrap; docs/sandbox.md). */
export const NETWORK_MODES = ['on', 'off'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** Group actions: each is applied to every member it applies to (core/group-ops.ts controlGroup). */
export const GROUP_ACTIONS = ['start', 'stop', 'restart', 'remove', 'check'] as const;
export type GroupAction = (typeof GROUP_ACTIONS)[number];

export const MERGE_STRATEGIES = ['merge', 'squash', 'rebase'] as const;
export type MergeStrategy = (typeof MERGE_STRATEGIES)[number];

export const WORKSPACE_OPERATIONS = [
  'list',
  'read',
  'diff',
  'changes',
  'commit',
  'merge',
  'conflicts',
  'compare',
] as const;
