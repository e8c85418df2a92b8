/**
 * The TUI's state and the actions its reducer (state.ts) takes: the coder list, the selected coder,
 * the loaded window of the selected coder's log, the UI mode, and what an action carries. Plain data.
 */
import type { ConnectionStatus } from '../client/types.js';
import type { Coder, LogEntry } from '../core/coder.js';
import type { AicoderEvent } from '../core/events.js';
import type { CompareResult } from '../core/compare.js';
import type { GroupInfo } from './groups.js';

export interface LogView {
  coderId: string | null;
  /** A contiguous window of the coder's log, oldest first. */
  entries: LogEntry[];
  /** Entries before entries[0] exist and can be fetched. */
  hasOlder: boolean;
  loading: boolean;
  loadingOlder: boolean;
  /** Rows scrolled back from the newest entry; 0 = following. */
  scroll: number;
  /** Changes whenever the window must be (re)fetched from the daemon. */
  token: number;
}

export type RemoveStep = { kind: 'confirm' } | { kind: 'force'; reason: string };

/** An action that asks first (y/n): attaching to a live coder stops it; a pick merges and removes. */
export interface Ask {
  action: 'attach' | 'pick';
  coderId: string;
  title: string;
  /** What y will do, one line each. */
  lines: string[];
  /** The y hint, e.g. "y stop and attach". */
  yes: string;
}

/** A group's compare table (null while it loads); `cursor` is the member row P would pick. */
export interface CompareMode {
  kind: 'compare';
  groupId: string;
  result: CompareResult | null;
  cursor: number;
}

export type Mode =
  | { kind: 'normal' }
  | { kind: 'help'; scroll: number }
  | { kind: 'diff'; coderId: string; text: string | null; scroll: number }
  | { kind: 'remove'; coderId: string; step: RemoveStep }
  /** A question; `back` is the view it was asked from (n/Esc returns there; default the list). */
  | { kind: 'ask'; ask: Ask; back?: CompareMode }
  | CompareMode
  | { kind: 'new' }
  /** A prompt for a follow-up message, or (with `question`) for the answer to the coder's question. */
  | { kind: 'message'; coderId: string; question?: string }
  | { kind: 'filter'; before: string };

export type Pane = 'list' | 'logs';

export interface TuiState {
  coders: ReadonlyMap<string, Coder>;
  /** The groups the daemon told of (names and tasks; members are known from `group_id`). */
  groups: ReadonlyMap<string, GroupInfo>;
  /** Groups whose members are hidden under their row. */
  folded: ReadonlySet<string>;
  /** Every coder id, newest first. */
  order: string[];
  /** The list's rows after the filter: coder ids and group ids (a group row, then its members). */
  visible: string[];
  selectedId: string | null;
  filter: string;
  focus: Pane;
  mode: Mode;
  logs: LogView;
  connection: ConnectionStatus;
  loaded: boolean;
  error: string | null;
  /**
   * What the error is about: a user action (cleared by the next action that succeeds), the coder
   * list or a log fetch (cleared when that fetch next succeeds).
   */
  errorSource: ErrorSource | null;
  notice: string | null;
}

export type ErrorSource = 'action' | 'list' | 'logs';

export type Action =
  | { type: 'loaded'; coders: Coder[] }
  | { type: 'events'; events: AicoderEvent[] }
  | { type: 'upsert'; coder: Coder; select?: boolean }
  | { type: 'removed'; id: string }
  | { type: 'select-delta'; delta: number }
  | { type: 'select-index'; index: number }
  | { type: 'logs-loaded'; coderId: string; entries: LogEntry[]; hasOlder: boolean }
  | { type: 'logs-older'; coderId: string; entries: LogEntry[]; hasOlder: boolean }
  | { type: 'logs-loading-older'; coderId: string }
  | { type: 'logs-failed'; coderId: string; message: string }
  | { type: 'log-scroll'; delta: number; rows: number }
  | { type: 'log-top'; rows: number }
  | { type: 'log-follow' }
  | { type: 'focus'; pane: Pane }
  | { type: 'mode'; mode: Mode }
  | { type: 'diff-loaded'; coderId: string; text: string }
  | { type: 'view-scroll'; delta: number; max: number }
  | { type: 'filter'; text: string }
  | { type: 'groups-loaded'; groups: GroupInfo[] }
  /** Folds or unfolds (toggles without `folded`) the selected group, or the group of the selected member. */
  | { type: 'fold'; folded?: boolean }
  | { type: 'compare-loaded'; groupId: string; result: CompareResult }
  | { type: 'compare-cursor'; delta: number }
  | { type: 'connection'; status: ConnectionStatus }
  | { type: 'error'; message: string; source?: ErrorSource }
  /** A user action succeeded without a message of its own: an action's error is now stale. */
  | { type: 'action-ok' }
  | { type: 'notice'; message: string };
