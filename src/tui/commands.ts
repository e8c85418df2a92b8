/**
 * What each bound action does. Client calls never throw out of here: every failure becomes the status
 * bar's error line.
 */
import type { Dispatch } from 'react';
import type { AicoderClient } from '../client/types.js';
import type { ControlInput } from '../core/api.js';
import { isLive, type Coder } from '../core/coder.js';
import type { ActionId } from './bindings.js';
import { errorCode, errorMessage, isGuardRefusal } from './errors.js';
import type { Layout } from './layout.js';
import type { Action, Ask, TuiState } from './state.js';
import { isGroupRow } from './groups.js';
import {
  askPick,
  controlGroup,
  openCompare,
  pickMember,
  selectedGroup,
  type TuiGroups,
} from './group-commands.js';

export interface CommandContext {
  client: AicoderClient;
  state: TuiState;
  dispatch: Dispatch<Action>;
  layout: Layout;
  exit(): void;
  /**
   * Hands the terminal to the coder's agent UI (`aicoder attach`): given by runTui, absent where the
   * TUI does not own a terminal (tests, docs renders). Rejects when the daemon refuses the attach;
   * otherwise the TUI is suspended meanwhile and comes back as a fresh App.
   */
  attach?(coderId: string): Promise<void>;
  /** The group routes; absent: group rows still show (from the members), group actions say so. */
  groups?: TuiGroups;
}

function selected(ctx: CommandContext): Coder | null {
  const id = ctx.state.selectedId;
  const c = id === null ? undefined : ctx.state.coders.get(id);
  if (!c) {
    const msg = isGroupRow(id)
      ? `${id} is a group: select one of its members (Space unfolds it)`
      : 'no coder selected';
    ctx.dispatch({ type: 'error', message: msg });
    return null;
  }
  return c;
}

const VERBS: Record<ControlInput['action'], string> = {
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
  stop: 'stopped',
  restart: 'restarted',
  remove: 'removed',
  message: 'sent a message to',
  answer: 'answered',
  check: 'started the checks of',
  pick: 'picked',
};

/** Runs a control action; the outcome goes to the status bar. Resolves to the error, if any. */
export async function control(ctx: CommandContext, id: string, input: ControlInput): Promise<unknown> {
  const { dispatch } = ctx;
  try {
    const r = await ctx.client.control(id, input);
    if (r.removed) dispatch({ type: 'removed', id });
    else dispatch({ type: 'upsert', coder: r.coder });
    // A removal says what went with the coder (the row is gone, so the notice is the confirmation).
    const gone = r.removed ? `: worktree removed, branch ${r.coder.branch} deleted` : '';
    dispatch({ type: 'notice', message: `${VERBS[input.action]} ${id}${gone}` });
    return undefined;
  } catch (e) {
    dispatch({ type: 'error', message: `${input.action} ${id}: ${errorMessage(e)}` });
    return e;
  }
}

function openDiff(ctx: CommandContext, c: Coder): void {
  const { dispatch } = ctx;
  dispatch({ type: 'mode', mode: { kind: 'diff', coderId: c.id, text: null, scroll: 0 } });
  ctx.client.diff(c.id).then(
    (text) => dispatch({ type: 'diff-loaded', coderId: c.id, text }),
    (e: unknown) => {
      dispatch({ type: 'mode', mode: { kind: 'normal' } });
      dispatch({ type: 'error', message: `diff ${c.id}: ${errorMessage(e)}` });
    },
  );
}

/** Actions of the list and log panes. */
export function runMain(action: ActionId, ctx: CommandContext): void {
  const { dispatch, state, layout } = ctx;
  const page = Math.max(1, layout.logRows - 1);
  switch (action) {
    case 'select-prev':
      return dispatch({ type: 'select-delta', delta: -1 });
    case 'select-next':
      return dispatch({ type: 'select-delta', delta: 1 });
    case 'select-first':
      return dispatch({ type: 'select-index', index: 0 });
    case 'select-last':
      return dispatch({ type: 'select-index', index: state.visible.length - 1 });
    case 'focus-logs':
      return dispatch({ type: 'focus', pane: 'logs' });
    case 'back':
      return dispatch({ type: 'focus', pane: 'list' });
    case 'switch-pane':
      return dispatch({ type: 'focus', pane: state.focus === 'list' ? 'logs' : 'list' });
    case 'scroll-up':
      return dispatch({ type: 'log-scroll', delta: -1, rows: layout.logRows });
    case 'scroll-down':
      return dispatch({ type: 'log-scroll', delta: 1, rows: layout.logRows });
    case 'page-up':
      return dispatch({ type: 'log-scroll', delta: -page, rows: layout.logRows });
    case 'page-down':
      return dispatch({ type: 'log-scroll', delta: page, rows: layout.logRows });
    case 'scroll-top':
      return dispatch({ type: 'log-top', rows: layout.logRows });
    case 'scroll-bottom':
      return dispatch({ type: 'log-follow' });
    case 'new':
      return dispatch({ type: 'mode', mode: { kind: 'new' } });
    case 'filter':
      return dispatch({ type: 'mode', mode: { kind: 'filter', before: state.filter } });
    case 'help':
      return dispatch({ type: 'mode', mode: { kind: 'help', scroll: 0 } });
    case 'quit':
      return ctx.exit();
    case 'pause':
    case 'resume':
    case 'message':
    case 'answer':
      return runOnSelected(action, ctx);
    case 'fold':
      if (selectedGroup(ctx) === null) {
        return dispatch({ type: 'error', message: 'fold: the selected coder is not in a group' });
      }
      return dispatch({ type: 'fold' });
    case 'compare': {
      const gid = selectedGroup(ctx);
      if (gid === null) return dispatch({ type: 'error', message: 'compare: select a group or a member' });
      return openCompare(ctx, gid);
    }
    case 'check':
      if (isGroupRow(state.selectedId)) return void controlGroup(ctx, state.selectedId, 'check');
      return runOnSelected(action, ctx);
    case 'stop':
    case 'restart':
      if (isGroupRow(state.selectedId)) return void controlGroup(ctx, state.selectedId, action);
      return runOnSelected(action, ctx);
    case 'pick':
      // A group row: choose the member in the compare view.
      if (isGroupRow(state.selectedId)) {
        openCompare(ctx, state.selectedId);
        return dispatch({ type: 'notice', message: 'choose the member to pick: j/k, then P' });
      }
      return runOnSelected(action, ctx);
    case 'diff':
    case 'remove':
    case 'attach':
      return runOnSelected(action, ctx);
    case 'close':
    case 'confirm-yes':
    case 'confirm-no':
    case 'field-next':
    case 'field-prev':
    case 'option-prev':
    case 'option-next':
    case 'submit':
    case 'cancel':
      return;
  }
}

function runOnSelected(
  action:
    | 'pause'
    | 'resume'
    | 'stop'
    | 'restart'
    | 'message'
    | 'answer'
    | 'diff'
    | 'remove'
    | 'attach'
    | 'check'
    | 'pick',
  ctx: CommandContext,
): void {
  const c = selected(ctx);
  if (!c) return;
  switch (action) {
    case 'pause':
    case 'stop':
    case 'restart':
    case 'check':
      void control(ctx, c.id, { action });
      return;
    case 'pick':
      askPick(ctx, c);
      return;
    case 'resume':
      // A coder made with autostart=false waits in `created`: r starts it.
      void control(ctx, c.id, { action: c.state === 'created' ? 'start' : 'resume' });
      return;
    case 'message':
      ctx.dispatch({ type: 'mode', mode: { kind: 'message', coderId: c.id } });
      return;
    case 'answer':
      if (c.question === null) {
        ctx.dispatch({ type: 'error', message: `answer ${c.id}: it has asked nothing` });
        return;
      }
      ctx.dispatch({ type: 'mode', mode: { kind: 'message', coderId: c.id, question: c.question } });
      return;
    case 'diff':
      openDiff(ctx, c);
      return;
    case 'remove':
      ctx.dispatch({ type: 'mode', mode: { kind: 'remove', coderId: c.id, step: { kind: 'confirm' } } });
      return;
    case 'attach':
      if (!isLive(c.state)) return void startAttach(ctx, c.id);
      // The daemon stops a live coder before the attach: that ends its run, so ask first.
      ctx.dispatch({
        type: 'mode',
        mode: {
          kind: 'ask',
          ask: {
            action: 'attach',
            coderId: c.id,
            title: 'Attach to a live coder',
            lines: [
              `Coder ${c.id} is ${c.state}: attaching stops its run first (as s does),`,
              "then opens its agent's own UI on the same session in this terminal.",
            ],
            yes: 'y stop and attach',
          },
        },
      });
      return;
  }
}

/**
 * Attaches to a coder (the attach key): the daemon stops it if it runs and answers the agent UI's
 * argv; runTui suspends the TUI, runs it on this terminal and restores the TUI when it exits. A
 * refusal (no attach_command, no agent session yet, already attached) is shown in the status bar.
 */
export async function startAttach(ctx: CommandContext, coderId: string): Promise<void> {
  const { dispatch } = ctx;
  if (!ctx.attach) {
    dispatch({ type: 'error', message: `attach ${coderId}: this TUI has no terminal to hand over` });
    return;
  }
  dispatch({ type: 'notice', message: `attaching to ${coderId}…` });
  try {
    await ctx.attach(coderId);
  } catch (e) {
    dispatch({ type: 'error', message: `attach ${coderId}: ${errorMessage(e)}` });
  }
}

/** y in an ask dialog: run the asked action. */
export function confirmAsk(ctx: CommandContext, ask: Ask): void {
  ctx.dispatch({ type: 'mode', mode: { kind: 'normal' } });
  switch (ask.action) {
    case 'attach':
      void startAttach(ctx, ask.coderId);
      return;
    case 'pick':
      void pickMember(ctx, ask.coderId);
      return;
  }
}

/** y in the remove dialog: remove; when the guard refuses, offer force; with force, force. */
export async function confirmRemove(ctx: CommandContext, coderId: string, force: boolean): Promise<void> {
  const { dispatch } = ctx;
  const coder = ctx.state.coders.get(coderId);
  dispatch({ type: 'mode', mode: { kind: 'normal' } });
  const err = await control(ctx, coderId, force ? { action: 'remove', force: true } : { action: 'remove' });
  if (err === undefined || force) return;
  const liveRefusal = errorCode(err) === 'illegal_transition' && coder !== undefined && isLive(coder.state);
  if (isGuardRefusal(err) || liveRefusal) {
    dispatch({
      type: 'mode',
      mode: { kind: 'remove', coderId, step: { kind: 'force', reason: errorMessage(err) } },
    });
  }
}
