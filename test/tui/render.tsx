/** Test helpers: render the App over a client with ink-testing-library, wait on frames, send keys, resize. */
import { render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import type { AicoderClient } from '../../src/client/types.js';
import { waitFor } from '../helpers/env.js';

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  enter: '\r',
  esc: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

/** 2026-01-02T03:04:05Z: a fixed clock so ages are reproducible. */
export const NOW = Date.parse('2026-01-02T03:04:05.000Z');

export type Rendered = ReturnType<typeof render>;

export function renderApp(
  client: AicoderClient,
  opts: { color?: boolean; cwdRepo?: string | null; columns?: number; rows?: number; now?: number } = {},
): Rendered {
  const r = render(
    <App client={client} color={opts.color ?? false} cwdRepo={opts.cwdRepo ?? null} now={opts.now ?? NOW} />,
  );
  if (opts.columns !== undefined || opts.rows !== undefined) resize(r, opts.columns ?? 100, opts.rows ?? 24);
  return r;
}

/** Changes the fake terminal's size and emits 'resize' (as a real terminal does). */
export function resize(r: Rendered, columns: number, rows: number): void {
  Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => columns });
  Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => rows });
  r.stdout.emit('resize');
}

/** Waits (deadline-bound poll, no sleep) until the last frame satisfies `pred`; returns it. */
export async function frame(
  r: Rendered,
  pred: (f: string) => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<string> {
  try {
    return await waitFor(
      () => {
        const f = r.lastFrame();
        return f !== undefined && pred(f) ? f : null;
      },
      { timeoutMs, intervalMs: 5, what },
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- last frame ---\n${r.lastFrame() ?? '(none)'}`);
  }
}

export const has = (s: string) => (f: string) => f.includes(s);

/** The frame's line that shows coder `id` in the list (the row starting with the marker). */
export function rowOf(f: string, id: string): string | undefined {
  return f.split('\n').find((l) => /^[> ] /.test(l) && l.slice(2).startsWith(id));
}

/** Sends one key (one stdin chunk, as a terminal sends it). */
export function press(r: Rendered, key: string): void {
  r.stdin.write(key);
}
