/**
 * The one bindings table. Key handling (matchBinding), the help overlay, the status bar's key hints and
 * the key table in docs/tui.md are all generated from it.
 */
import type { Key } from 'ink';

/** Where a key applies: the focused pane, or the open view/dialog. */
export type Context = 'list' | 'logs' | 'diff' | 'help' | 'compare' | 'confirm' | 'form' | 'prompt';

export type ActionId =
  | 'select-prev'
  | 'select-next'
  | 'select-first'
  | 'select-last'
  | 'focus-logs'
  | 'switch-pane'
  | 'page-up'
  | 'page-down'
  | 'new'
  | 'pause'
  | 'resume'
  | 'stop'
  | 'restart'
  | 'message'
  | 'answer'
  | 'diff'
  | 'remove'
  | 'attach'
  | 'fold'
  | 'check'
  | 'compare'
  | 'pick'
  | 'filter'
  | 'help'
  | 'quit'
  | 'scroll-up'
  | 'scroll-down'
  | 'scroll-top'
  | 'scroll-bottom'
  | 'back'
  | 'close'
  | 'confirm-yes'
  | 'confirm-no'
  | 'field-next'
  | 'field-prev'
  | 'option-prev'
  | 'option-next'
  | 'submit'
  | 'cancel';

/**
 * A key: a single printable character ("j", "R", "/", "?") or a named key: up, down, left, right,
 * pageup, pagedown, home, end, enter, esc, tab, shift+tab, space, ctrl+<letter>.
 */
export type KeyName = string;

export interface Binding {
  action: ActionId;
  keys: readonly KeyName[];
  contexts: readonly Context[];
  /** Section heading in the help overlay and docs. */
  section: string;
  help: string;
  /** Short label for the status bar's key hints (first key shown). */
  hint?: string;
  /** The hint's rank when the bar is too narrow: lower stays longer (help and quit last to go). */
  hintRank?: number;
}

const MAIN: readonly Context[] = ['list', 'logs'];
const VIEWS: readonly Context[] = ['diff', 'help', 'compare'];
const DIALOGS: readonly Context[] = ['confirm', 'form', 'prompt'];

/** A row of the table (kept one per line so the table reads as a table). */
function bind(
  section: string,
  contexts: readonly Context[],
  action: ActionId,
  keys: readonly KeyName[],
  help: string,
  hint?: string,
): Binding {
  const rank = hint === undefined ? -1 : HINT_RANKS.indexOf(action);
  return {
    section,
    contexts,
    action,
    keys,
    help,
    ...(hint !== undefined ? { hint, hintRank: rank === -1 ? HINT_RANKS.length : rank } : {}),
  };
}

/** Which key hints a narrow status bar keeps, most important first. */
const HINT_RANKS: readonly ActionId[] = [
  'help',
  'quit',
  'new',
  'remove',
  'message',
  'stop',
  'pause',
  'resume',
  'diff',
  'filter',
  'check',
  'compare',
  'pick',
  'attach',
  'fold',
];

// prettier-ignore
export const BINDINGS: readonly Binding[] = [
  bind('Coder list', ['list'], 'select-prev', ['up', 'k'], 'select previous coder'),
  bind('Coder list', ['list'], 'select-next', ['down', 'j'], 'select next coder'),
  bind('Coder list', ['list'], 'select-first', ['home', 'g'], 'select first coder'),
  bind('Coder list', ['list'], 'select-last', ['end', 'G'], 'select last coder'),
  bind('Coder list', ['list'], 'focus-logs', ['enter'], 'focus the log pane'),
  bind('Coder list', ['list'], 'fold', ['space'], 'fold / unfold the group', 'fold'),

  bind('Log pane', ['logs'], 'scroll-up', ['up', 'k'], 'scroll logs up one line'),
  bind('Log pane', ['logs'], 'scroll-down', ['down', 'j'], 'scroll logs down one line'),
  bind('Log pane', ['logs'], 'scroll-top', ['home', 'g'], 'oldest entries'),
  bind('Log pane', ['logs'], 'scroll-bottom', ['end', 'G'], 'newest entries (follow)'),
  bind('Log pane', ['logs'], 'back', ['esc'], 'back to the coder list'),

  bind('Anywhere', MAIN, 'switch-pane', ['tab'], 'switch pane (list / logs)'),
  bind('Anywhere', MAIN, 'page-up', ['pageup'], 'scroll logs back one page'),
  bind('Anywhere', MAIN, 'page-down', ['pagedown'], 'scroll logs forward one page'),
  bind('Anywhere', MAIN, 'new', ['n'], 'new coder (form)', 'new'),
  bind('Anywhere', MAIN, 'pause', ['p'], 'pause the selected coder', 'pause'),
  bind('Anywhere', MAIN, 'resume', ['r'], 'resume (or start a created coder)', 'resume'),
  bind('Anywhere', MAIN, 'stop', ['s'], 'stop the selected coder', 'stop'),
  bind('Anywhere', MAIN, 'restart', ['R'], 'restart the selected coder'),
  bind('Anywhere', MAIN, 'message', ['m'], 'send a follow-up message', 'msg'),
  bind('Anywhere', MAIN, 'answer', ['a'], "answer the coder's question (needs_input)"),
  bind('Anywhere', MAIN, 'diff', ['d'], "show the coder's diff", 'diff'),
  bind('Anywhere', MAIN, 'remove', ['x'], 'remove (asks to confirm)', 'rm'),
  bind('Anywhere', [...MAIN, 'compare'], 'check', ['c'], 'run the checks (coder or group)', 'check'),
  bind('Anywhere', MAIN, 'compare', ['C'], "compare the group's members", 'compare'),
  bind('Anywhere', [...MAIN, 'compare'], 'pick', ['P'], 'pick the member: merge it (asks first)', 'pick'),
  bind('Anywhere', MAIN, 'attach', ['A'], "attach: take over in the agent's UI", 'attach'),
  bind('Anywhere', MAIN, 'filter', ['/'], 'filter by text or state', 'filter'),
  bind('Anywhere', MAIN, 'help', ['?'], 'this help', 'help'),
  bind('Anywhere', MAIN, 'quit', ['q', 'ctrl+c'], 'quit (coders keep running)', 'quit'),
  bind('Anywhere', [...VIEWS, ...DIALOGS], 'quit', ['ctrl+c'], 'quit from any view or dialog'),

  bind('Diff, help and compare', VIEWS, 'scroll-up', ['up', 'k'], 'scroll up (compare: previous member)'),
  bind('Diff, help and compare', VIEWS, 'scroll-down', ['down', 'j'], 'scroll down (compare: next member)'),
  bind('Diff, help and compare', VIEWS, 'page-up', ['pageup'], 'page up'),
  bind('Diff, help and compare', VIEWS, 'page-down', ['pagedown'], 'page down'),
  bind('Diff, help and compare', VIEWS, 'scroll-top', ['home', 'g'], 'top'),
  bind('Diff, help and compare', VIEWS, 'scroll-bottom', ['end', 'G'], 'bottom'),
  bind('Diff, help and compare', ['diff'], 'close', ['esc', 'q', 'd'], 'close the diff'),
  bind('Diff, help and compare', ['help'], 'close', ['esc', 'q', '?'], 'close the help'),
  bind('Diff, help and compare', ['compare'], 'close', ['esc', 'q', 'C'], 'close the compare view'),

  bind('Dialogs', ['confirm'], 'confirm-yes', ['y'], 'confirm'),
  bind('Dialogs', ['confirm'], 'confirm-no', ['n', 'esc'], 'cancel'),
  bind('Dialogs', ['form'], 'field-next', ['tab', 'down'], 'next field'),
  bind('Dialogs', ['form'], 'field-prev', ['shift+tab', 'up'], 'previous field'),
  bind('Dialogs', ['form'], 'option-prev', ['left'], 'previous provider'),
  bind('Dialogs', ['form'], 'option-next', ['right'], 'next provider'),
  bind('Dialogs', ['form', 'prompt'], 'submit', ['enter'], 'next field / create; send a prompt'),
  bind('Dialogs', ['form', 'prompt'], 'cancel', ['esc'], 'cancel'),
];

export function keyMatches(name: KeyName, input: string, key: Key): boolean {
  switch (name) {
    case 'up':
      return key.upArrow;
    case 'down':
      return key.downArrow;
    case 'left':
      return key.leftArrow;
    case 'right':
      return key.rightArrow;
    case 'pageup':
      return key.pageUp;
    case 'pagedown':
      return key.pageDown;
    case 'home':
      return key.home;
    case 'end':
      return key.end;
    case 'enter':
      return key.return || input === '\n';
    case 'esc':
      return key.escape;
    case 'tab':
      return key.tab && !key.shift;
    case 'space':
      return input === ' ' && !key.ctrl && !key.meta;
    case 'shift+tab':
      return key.tab && key.shift;
    default:
      if (name.startsWith('ctrl+')) return key.ctrl && input === name.slice(5);
      return !key.ctrl && !key.escape && input === name;
  }
}

/** The binding for this keypress in this context, if any. */
export function matchBinding(context: Context, input: string, key: Key): Binding | undefined {
  return BINDINGS.find((b) => b.contexts.includes(context) && b.keys.some((k) => keyMatches(k, input, key)));
}

const KEY_LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  esc: 'Esc',
  tab: 'Tab',
  space: 'Space',
  'shift+tab': 'S-Tab',
};

export function keyLabel(name: KeyName): string {
  if (name.startsWith('ctrl+')) return `C-${name.slice(5)}`;
  return KEY_LABELS[name] ?? name;
}

export function keysLabel(b: Binding): string {
  return b.keys.map(keyLabel).join(' ');
}

export interface HelpSection {
  title: string;
  rows: { keys: string; keyList: string[]; help: string }[];
}

/** The bindings grouped by section, in table order (for the help overlay and docs). */
export function helpSections(): HelpSection[] {
  const out: HelpSection[] = [];
  for (const b of BINDINGS) {
    let sec = out.find((s) => s.title === b.section);
    if (!sec) {
      sec = { title: b.section, rows: [] };
      out.push(sec);
    }
    sec.rows.push({ keys: keysLabel(b), keyList: b.keys.map(keyLabel), help: b.help });
  }
  return out;
}

/** The status bar's key hints ("n new", "? help", …) in table order, each with its rank. */
export function keyHintParts(): { text: string; rank: number }[] {
  return BINDINGS.filter((b) => b.hint !== undefined).map((b) => ({
    text: `${keyLabel(b.keys[0]!)} ${b.hint}`,
    rank: b.hintRank ?? 99,
  }));
}

/** "n new  p pause  …  ? help  q quit" (all hints, for wide bars and docs). */
export function keyHints(): string {
  return keyHintParts()
    .map((p) => p.text)
    .join('  ');
}

/** The key table as Markdown (docs/tui.md keeps a copy; a test keeps them in sync). */
export function bindingsMarkdown(): string {
  const lines: string[] = [];
  for (const sec of helpSections()) {
    lines.push(`**${sec.title}**`, '', '| Keys | Action |', '| --- | --- |');
    for (const r of sec.rows) lines.push(`| ${r.keyList.map((k) => `\`${k}\``).join(' ')} | ${r.help} |`);
    lines.push('');
  }
  return lines.join('\n').trimEnd() + '\n';
}
