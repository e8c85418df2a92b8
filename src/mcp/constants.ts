/** Limits, defaults and enumerations of the ai_coder_* tools. */
import { CODER_STATES } from '../core/coder.js';

export const MAX_WAIT_S = 50;
export const DEFAULT_WAIT_S = 30;
export const DEFAULT_MAX_BYTES = 65_536;
export const MAX_READ_BYTES = 1_048_576;
export const DEFAULT_LIST_LIMIT = 20;
export const DEFAULT_TAIL = 100;

export const CONTROL_ACTIONS = [
  'start',
  'pause',
  'resume',
  'stop',
  'restart',
  'message',
  'answer',
  'remove',
] as const;

export const WORKSPACE_OPERATIONS = [
  'list',
  'read',
  'diff',
  'changes',
  'commit',
  'merge',
  'conflicts',
] as const;
export const MERGE_STRATEGIES = ['merge', 'squash', 'rebase'] as const;
export const STATUS_FILTERS = [...CODER_STATES, 'active', 'all'] as const;
