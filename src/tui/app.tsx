/** The TUI's root: state, data feed, key routing (through the bindings table) and the screen layout. */
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { Box, useApp, useStdout } from 'ink';
import { KeySinkContext, useKeyRouter } from './key-router.js';
import type { KeyPress } from './keys.js';
import { BELL } from './attention.js';
import { oneLine } from './format.js';
import type { AicoderClient } from '../client/types.js';
import type { Coder } from '../core/coder.js';
import { control, type CommandContext } from './commands.js';
import { handleKey } from './view-keys.js';
import { type TuiGroups } from './group-commands.js';
import { CompareView } from './components/compare-view.js';
import { GroupDetail } from './components/group-detail.js';
import { isGroupRow } from './groups.js';
import { useGroupFeed } from './use-group-feed.js';
import { AskDialog } from './components/ask-dialog.js';
import { CoderList } from './components/coder-list.js';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { DetailPane } from './components/detail-pane.js';
import { DiffView } from './components/diff-view.js';
import { HelpOverlay } from './components/help-overlay.js';
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

  // Group records for the group rows, and the open compare table, kept current.
  useGroupFeed(groups, state.coders, state.groups, state.mode, dispatch);

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
          review={state.groups.get(mode.groupId)?.review ?? null}
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
