/** The TUI's root: state, data feed, key routing (through the bindings table) and the screen layout. */
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { Box, useApp, useStdout, type Key } from 'ink';
import { KeySinkContext, useKeyRouter } from './key-router.js';
import type { KeyPress } from './keys.js';
import { BELL } from './attention.js';
import { oneLine } from './format.js';
import type { AicoderClient } from '../client/types.js';
import type { Coder } from '../core/coder.js';
import { matchBinding, type ActionId, type Context } from './bindings.js';
import { confirmAsk, confirmRemove, control, runMain, type CommandContext } from './commands.js';
import { askPick, controlGroup, type TuiGroups } from './group-commands.js';
import { CompareView } from './components/compare-view.js';
import { GroupDetail } from './components/group-detail.js';
import { isGroupRow, type GroupInfo } from './groups.js';
import { AskDialog } from './components/ask-dialog.js';
import { CoderList } from './components/coder-list.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { DetailPane } from './components/detail-pane.js';
import { DiffView, diffLineCount } from './components/diff-view.js';
import { HelpOverlay, helpMaxScroll } from './components/help-overlay.js';
import { LogPane } from './components/log-pane.js';
import { NewCoderForm } from './components/new-coder-form.js';
import { PromptLine } from './components/prompt-line.js';
import { StatusBar } from './components/status-bar.js';
import { computeLayout, type Layout } from './layout.js';
import { countByState, initialState, type TuiState } from './state.js';
import { TuiStore } from './store.js';
import { ThemeContext, makeTheme } from './theme.js';
import { useDaemon } from './use-daemon.js';
import { useNow, useTerminalSize } from './use-terminal.js';

export interface AppProps {
  client: AicoderClient;
  /** The repository the TUI was started in: the new-coder form's default repo. */
  cwdRepo?: string | null;
  /** false = NO_COLOR: no colour or style escape codes at all. */
  color?: boolean;
  /** A fixed clock (ms) for the age column, for reproducible captures. */
  now?: number;
  /**
   * The attach key's terminal handover (runTui): absent in tests and docs renders, where the key
   * says so in the status bar. Rejects when the daemon refuses the attach.
   */
  onAttach?: (coderId: string) => Promise<void>;
  /** The coder selected at start (the TUI restored after an attach selects that coder again). */
  initialSelected?: string | null;
  /** A status line to start with (the outcome of the attach the TUI was restored after). */
  initialStatus?: { kind: 'notice' | 'error'; text: string } | null;
  /** The group routes (names and tasks of groups, checks, compare); runTui gives the HTTP client. */
  groups?: TuiGroups;
}

/** Scroll step of a help/diff action (0: not a scroll). */
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
function handleKey({ input, key, paste }: KeyPress, ctx: CommandContext): boolean {
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
      else if (b?.action === 'confirm-no') dispatch({ type: 'mode', mode: { kind: 'normal' } });
      return;
    }
    case 'new':
    case 'message':
    case 'filter':
      return;
  }
}

function Bottom({ state, layout, selected }: { state: TuiState; layout: Layout; selected: Coder | null }) {
  const mode = state.mode;
  if (mode.kind === 'ask') return <AskDialog ask={mode.ask} rows={layout.bottomRows} width={layout.width} />;
  if (mode.kind === 'remove') {
    return (
      <ConfirmDialog
        coder={state.coders.get(mode.coderId)}
        coderId={mode.coderId}
        step={mode.step}
        rows={layout.bottomRows}
        width={layout.width}
      />
    );
  }
  const detail = isGroupRow(state.selectedId) ? (
    <GroupDetail
      groupId={state.selectedId}
      group={state.groups.get(state.selectedId)}
      coders={state.coders}
      rows={layout.detailRows}
      width={layout.detailWidth}
    />
  ) : (
    <DetailPane coder={selected} rows={layout.detailRows} width={layout.detailWidth} />
  );
  const logs = (
    <LogPane
      logs={state.logs}
      rows={layout.logRows}
      width={layout.logWidth}
      focused={state.focus === 'logs'}
    />
  );
  return layout.sideBySide ? (
    <Box flexDirection="row" height={layout.bottomRows}>
      {detail}
      <Box width={1} />
      {logs}
    </Box>
  ) : (
    <Box flexDirection="column" height={layout.bottomRows}>
      {detail}
      {logs}
    </Box>
  );
}

export function App({
  client,
  cwdRepo = null,
  color = true,
  now: fixedNow,
  onAttach,
  initialSelected = null,
  initialStatus = null,
  groups,
}: AppProps) {
  const theme = useMemo(() => makeTheme(color), [color]);
  const store = useMemo(() => {
    const s = initialState();
    return new TuiStore({
      ...s,
      selectedId: initialSelected,
      ...(initialStatus === null
        ? {}
        : initialStatus.kind === 'error'
          ? { error: initialStatus.text, errorSource: 'action' as const }
          : { notice: initialStatus.text }),
    });
    // The initial values are read once: a restored TUI is a new App.
  }, []);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const dispatch = store.dispatch;
  const size = useTerminalSize();
  const layout = useMemo(() => computeLayout(size.columns, size.rows), [size]);
  const now = useNow(fixedNow);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { fetchOlder } = useDaemon(client, state.logs, dispatch, () => stdout.write(BELL));

  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const ctx = useCallback(
    (): CommandContext => ({
      client,
      dispatch,
      exit: () => exit(),
      state: store.getState(),
      layout: layoutRef.current,
      ...(onAttach ? { attach: onAttach } : {}),
      ...(groups ? { groups } : {}),
    }),
    [client, exit, store, dispatch, onAttach, groups],
  );
  const keys = useKeyRouter(
    useCallback((k: KeyPress) => handleKey(k, ctx()), [ctx]),
    () => store.getState().mode.kind,
  );

  // Scrolled back near the oldest loaded entry: fetch the page before it.
  const { logs } = state;
  useEffect(() => {
    if (logs.hasOlder && logs.entries.length - logs.scroll < layout.logRows * 2) fetchOlder();
  }, [logs, layout.logRows, fetchOlder]);

  // Group records (name, task, base) for the group rows: fetched once per group seen in a member.
  const askedGroups = useRef(new Set<string>());
  const { coders } = state;
  useEffect(() => {
    if (!groups) return;
    for (const c of coders.values()) {
      const gid = c.group_id;
      if (gid === null || askedGroups.current.has(gid)) continue;
      askedGroups.current.add(gid);
      groups.get(gid).then(
        (g) => {
          const info: GroupInfo = {
            id: g.id,
            name: g.name,
            task: g.task,
            base_ref: g.base_ref,
            base_commit: g.base_commit,
            created_at: g.created_at,
            picked: g.picked ?? null,
          };
          dispatch({ type: 'groups-loaded', groups: [info] });
        },
        // The row still shows from its members; a later sighting asks again.
        () => askedGroups.current.delete(gid),
      );
    }
  }, [coders, groups, dispatch]);

  const toNormal = useCallback(() => dispatch({ type: 'mode', mode: { kind: 'normal' } }), []);
  const onError = useCallback((message: string) => dispatch({ type: 'error', message }), []);
  const onCreated = useCallback((coder: Coder) => {
    dispatch({ type: 'upsert', coder, select: true });
    dispatch({ type: 'mode', mode: { kind: 'normal' } });
    dispatch({ type: 'notice', message: `created ${coder.id}` });
  }, []);

  const counts = useMemo(() => countByState(state.coders), [state.coders]);
  const selected = state.selectedId === null ? null : (state.coders.get(state.selectedId) ?? null);
  const mode = state.mode;
  let main: ReactNode;
  switch (mode.kind) {
    case 'help':
      main = <HelpOverlay rows={layout.mainRows} width={layout.width} scroll={mode.scroll} />;
      break;
    case 'diff':
      main = (
        <DiffView
          coderId={mode.coderId}
          text={mode.text}
          scroll={mode.scroll}
          rows={layout.mainRows}
          width={layout.width}
        />
      );
      break;
    case 'compare':
      main = (
        <CompareView
          groupId={mode.groupId}
          result={mode.result}
          cursor={mode.cursor}
          rows={layout.mainRows}
          width={layout.width}
        />
      );
      break;
    case 'new':
      main = (
        <NewCoderForm
          client={client}
          cwdRepo={cwdRepo}
          rows={layout.mainRows}
          width={layout.width}
          onCreated={onCreated}
          onCancel={toNormal}
          onError={onError}
        />
      );
      break;
    case 'normal':
    case 'remove':
    case 'ask':
    case 'message':
    case 'filter':
      main = (
        <>
          <CoderList
            coders={state.coders}
            groups={state.groups}
            folded={state.folded}
            visible={state.visible}
            selectedId={state.selectedId}
            total={state.order.length}
            filter={state.filter}
            loaded={state.loaded}
            focused={state.focus === 'list' && mode.kind === 'normal'}
            rows={layout.listRows}
            width={layout.width}
            now={now}
          />
          <Bottom state={state} layout={layout} selected={selected} />
        </>
      );
      break;
  }

  let prompt: ReactNode = null;
  if (mode.kind === 'message') {
    prompt = (
      <PromptLine
        label={
          mode.question === undefined
            ? `message to ${mode.coderId}:`
            : `answer ${mode.coderId} (${oneLine(mode.question, 60)}):`
        }
        width={layout.width}
        onSubmit={(text) => {
          toNormal();
          if (text.trim() !== '') {
            const action = mode.question === undefined ? 'message' : 'answer';
            void control(ctx(), mode.coderId, { action, message: text });
          }
        }}
        onCancel={toNormal}
      />
    );
  } else if (mode.kind === 'filter') {
    prompt = (
      <PromptLine
        label="filter (text or state):"
        initial={state.filter}
        width={layout.width}
        onChange={(text) => dispatch({ type: 'filter', text })}
        onSubmit={() => {
          dispatch({ type: 'action-ok' });
          toNormal();
        }}
        onCancel={() => {
          dispatch({ type: 'filter', text: mode.before });
          toNormal();
        }}
      />
    );
  }

  return (
    <ThemeContext.Provider value={theme}>
      <KeySinkContext.Provider value={keys}>
        <Box flexDirection="column" width={layout.width} height={layout.height}>
          <Box flexDirection="column" height={layout.mainRows}>
            {main}
          </Box>
          <StatusBar
            address={client.baseUrl}
            connection={state.connection}
            counts={counts}
            error={state.error}
            notice={state.notice}
            width={layout.width}
            prompt={prompt}
          />
        </Box>
      </KeySinkContext.Provider>
    </ThemeContext.Provider>
  );
}
