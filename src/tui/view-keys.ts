/**
 * The App's own key handling: which bindings context the current view is in, and what a key does in
 * the views the App draws itself (list, help, diff, compare, confirmations). Text-entry views (form,
 * prompt) handle their keys themselves.
 */
import type { Key } from 'ink';
import { matchBinding, type ActionId, type Context } from './bindings.js';
import { confirmAsk, confirmRemove, runMain, type CommandContext } from './commands.js';
import { diffLineCount } from './components/diff-view.js';
import { helpMaxScroll } from './components/help-overlay.js';
import { askPick, controlGroup } from './group-commands.js';
import type { KeyPress } from './keys.js';
import type { TuiState } from './state.js';

function viewDelta(action: ActionId, page: number): number {
  const steps: Partial<Record<ActionId, number>> = {
    'scroll-up': -1,
    'scroll-down': 1,
    'page-up': -page,
    'page-down': page,
    'scroll-top': -Infinity,
    'scroll-bottom': Infinity,
  };
  return steps[action] ?? 0;
}

/** The bindings context of the current view. */
function contextOf(state: TuiState): Context {
  const mode = state.mode;
  switch (mode.kind) {
    case 'normal':
      return state.focus;
    case 'help':
    case 'diff':
    case 'compare':
      return mode.kind;
    case 'remove':
    case 'ask':
      return 'confirm';
    case 'new':
      return 'form';
    case 'message':
    case 'filter':
      return 'prompt';
  }
}

/**
 * One key for the views the App handles itself. Returns false for keys of a text-entry view (form,
 * prompt): the key router hands those to the view's own handler.
 */
export function handleKey({ input, key, paste }: KeyPress, ctx: CommandContext): boolean {
  const { state } = ctx;
  const mode = state.mode;
  const text = mode.kind === 'new' || mode.kind === 'message' || mode.kind === 'filter';
  // Pasted text is never a series of commands: only a text field takes it.
  if (paste) return !text;
  if (matchBinding(contextOf(state), input, key)?.action === 'quit') {
    ctx.exit();
    return true;
  }
  if (text) return false;
  // Any bound key is a new action: the previous action's error is stale (its own result follows).
  if (ctx.state.error !== null && matchBinding(contextOf(state), input, key) !== undefined) {
    ctx.dispatch({ type: 'action-ok' });
  }
  handleViewKey(input, key, ctx);
  return true;
}

function handleViewKey(input: string, key: Key, ctx: CommandContext): void {
  const { state, dispatch, layout } = ctx;
  const mode = state.mode;
  switch (mode.kind) {
    case 'normal': {
      const b = matchBinding(state.focus, input, key);
      if (b) runMain(b.action, ctx);
      return;
    }
    case 'help':
    case 'diff': {
      const b = matchBinding(mode.kind, input, key);
      if (!b) return;
      const body = layout.mainRows - 1;
      const max =
        mode.kind === 'help' ? helpMaxScroll(layout.mainRows, layout.width) : diffLineCount(mode.text) - body;
      if (b.action === 'close') return dispatch({ type: 'mode', mode: { kind: 'normal' } });
      const delta = viewDelta(b.action, Math.max(1, body - 1));
      if (delta !== 0) dispatch({ type: 'view-scroll', delta, max });
      return;
    }
    case 'remove': {
      const b = matchBinding('confirm', input, key);
      if (b?.action === 'confirm-yes') void confirmRemove(ctx, mode.coderId, mode.step.kind === 'force');
      else if (b?.action === 'confirm-no') dispatch({ type: 'mode', mode: { kind: 'normal' } });
      return;
    }
    case 'compare': {
      const b = matchBinding('compare', input, key);
      if (!b) return;
      const steps: Partial<Record<ActionId, number>> = {
        'scroll-up': -1,
        'scroll-down': 1,
        'page-up': -10,
        'page-down': 10,
        'scroll-top': -1000,
        'scroll-bottom': 1000,
      };
      const step = steps[b.action];
      if (step !== undefined) return dispatch({ type: 'compare-cursor', delta: step });
      if (b.action === 'close') return dispatch({ type: 'mode', mode: { kind: 'normal' } });
      if (b.action === 'check') return void controlGroup(ctx, mode.groupId, 'check');
      if (b.action === 'pick') {
        const row = mode.result?.rows[mode.cursor];
        const c = row === undefined ? undefined : state.coders.get(row.coder_id);
        if (c) askPick(ctx, c);
        else dispatch({ type: 'error', message: 'pick: no member under the cursor' });
      }
      return;
    }
    case 'ask': {
      const b = matchBinding('confirm', input, key);
      if (b?.action === 'confirm-yes') confirmAsk(ctx, mode.ask);
      else if (b?.action === 'confirm-no') dispatch({ type: 'mode', mode: mode.back ?? { kind: 'normal' } });
      return;
    }
    case 'new':
    case 'message':
    case 'filter':
      return;
  }
}
