/**
 * The TUI's one keyboard listener. It reads Ink's raw input events, splits each into keys (keys.ts)
 * and hands them out one at a time: first to the App's handler (global keys, lists and views), then,
 * when the App leaves it, to the text-entry view on top (the new-coder form or a prompt line).
 *
 * A key that changes the view (`n` opens the form, `/` the filter prompt, Esc closes them) changes who
 * must receive the keys after it in the same read; the view it opens is not mounted yet. So the rest
 * of the read waits until React has committed the new view, then continues: `/foo` typed in one burst
 * opens the filter with `foo` in it, and `Esc jj` closes a prompt and moves the selection two rows.
 */
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useRef } from 'react';
import { useStdin } from 'ink';
import { KeySplitter, type KeyPress } from './keys.js';

/** Handles one key; returns true when it used it (App handler) — text views ignore the result. */
export type KeyHandler = (k: KeyPress) => boolean | void;

interface Registry {
  push(h: { current: KeyHandler }): () => void;
}

export const KeySinkContext = createContext<Registry | null>(null);

/**
 * Registers the handler of a text-entry view (form, prompt) while it is mounted. It receives the keys
 * the App's handler leaves, in order, including the rest of a read that opened the view.
 */
export function useKeySink(handler: KeyHandler): void {
  const registry = useContext(KeySinkContext);
  const ref = useRef(handler);
  ref.current = handler;
  useLayoutEffect(() => registry?.push(ref), [registry]);
}

/**
 * Installs the listener (raw mode on while mounted) and returns the registry for KeySinkContext.
 * `route` names the current view; when a key changes it, the keys after it wait for the next commit.
 */
export function useKeyRouter(base: KeyHandler, route: () => string): Registry {
  const { setRawMode, internal_eventEmitter: events } = useStdin();
  const sinks = useRef<{ current: KeyHandler }[]>([]);
  const pending = useRef<KeyPress[]>([]);
  // A key changed the view and React has not committed it yet: later keys wait (even from later reads).
  const waiting = useRef(false);
  const splitter = useRef(new KeySplitter());
  const baseRef = useRef(base);
  baseRef.current = base;
  const routeRef = useRef(route);
  routeRef.current = route;

  const registry = useRef<Registry>({
    push(h) {
      sinks.current.push(h);
      return () => {
        sinks.current = sinks.current.filter((x) => x !== h);
      };
    },
  }).current;

  const deliver = useCallback((keys: KeyPress[]) => {
    for (let i = 0; i < keys.length; i++) {
      const before = routeRef.current();
      const k = keys[i]!;
      if (baseRef.current(k) !== true) sinks.current.at(-1)?.current(k);
      if (routeRef.current() !== before) {
        waiting.current = true;
        pending.current = keys.slice(i + 1).concat(pending.current);
        return;
      }
    }
  }, []);

  useEffect(() => {
    setRawMode(true);
    return () => setRawMode(false);
  }, [setRawMode]);

  useEffect(() => {
    const onInput = (data: string) => {
      const keys = splitter.current.push(data);
      if (waiting.current) pending.current.push(...keys);
      else deliver(keys);
    };
    events.on('input', onInput);
    return () => {
      events.removeListener('input', onInput);
    };
  }, [events, deliver]);

  // After a commit (of the new view: its handler is registered in a layout effect), the rest goes on.
  useEffect(() => {
    waiting.current = false;
    if (pending.current.length === 0) return;
    const rest = pending.current;
    pending.current = [];
    deliver(rest);
  });

  return registry;
}
