/** Limits, defaults and enumerations of the ai_coder_* tools (defined in src/protocol). */
import { STATE_FILTERS } from '../protocol/states.js';
import {
  DEFAULT_TOOL_LIST_LIMIT,
  DEFAULT_TOOL_TAIL,
  MAX_TOOL_READ_BYTES,
  TOOL_READ_DEFAULT_BYTES,
} from '../protocol/limits.js';

export { MAX_WAIT_S, DEFAULT_WAIT_S } from '../protocol/limits.js';
export { CONTROL_ACTIONS, WORKSPACE_OPERATIONS, MERGE_STRATEGIES } from '../protocol/states.js';
export const DEFAULT_MAX_BYTES = TOOL_READ_DEFAULT_BYTES;
export const MAX_READ_BYTES = MAX_TOOL_READ_BYTES;
export const DEFAULT_LIST_LIMIT = DEFAULT_TOOL_LIST_LIMIT;
export const DEFAULT_TAIL = DEFAULT_TOOL_TAIL;
export const STATUS_FILTERS = STATE_FILTERS;
