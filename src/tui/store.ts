/**
 * The state holder: the pure reducer behind a tiny external store, so key handlers always read the
 * current state (two keys in one input chunk act in order) and React re-renders through
 * useSyncExternalStore.
 */
import { reducer, initialState, type Action, type TuiState } from './state.js';

export class TuiStore {
  private state: TuiState;
  private readonly listeners = new Set<() => void>();

  constructor(initial: TuiState = initialState()) {
    this.state = initial;
  }

  getState = (): TuiState => this.state;

  dispatch = (a: Action): void => {
    const next = reducer(this.state, a);
    if (next === this.state) return;
    this.state = next;
    for (const l of [...this.listeners]) l();
  };

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };
}
